"""CKV_FIN_5 / FIN-005: every Lambda layer version lists arm64 in compatible_architectures."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinCheck


class FinLayerArm64(FinCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure Lambda layers support arm64",
            id="CKV_FIN_5",
            rule_id="FIN-005",
            supported_resources=["aws_lambda_layer_version"],
            categories=[CheckCategories.CONVENTION],
        )


check = FinLayerArm64()
