"""Operations on a deployed stack in a real AWS account.

    python -m ops.terraform {validate,plan,deploy} cdktf.out    (make validate / plan / deploy)
    python -m ops.smoke                                          (make smoke, after make deploy)

``terraform`` runs Terraform on a synthesized stack (offline init from the plugin mirror, plan with a
Markdown summary, apply); ``pipeline`` drives a deployed pipeline through any boto3 client factory
(``pipeline.Clients``): upload under raw/, follow the execution, read results; ``smoke`` is the
post-deploy check of the main workflow. Nothing here imports the local-emulator harness
(``emulator/``), which builds on these modules (tests/test_boundaries.py).
"""
