"""FinOps tag audit: coverage of required tags in synthesized stacks and in a live account."""
