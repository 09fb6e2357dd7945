"""CKV_FIN_4 / FIN-004: every Lambda function runs on arm64 (a missing architectures argument means x86_64)."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinCheck


class FinLambdaArm64(FinCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure Lambda functions run on arm64",
            id="CKV_FIN_4",
            rule_id="FIN-004",
            supported_resources=["aws_lambda_function"],
            categories=[CheckCategories.CONVENTION],
        )


check = FinLambdaArm64()
