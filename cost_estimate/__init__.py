"""Monthly cost estimate of synthesized CDKTF stacks from a usage profile and a dated AWS price snapshot."""
