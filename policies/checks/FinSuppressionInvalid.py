"""CKV_FIN_12 / FIN-012: a suppression record is invalid (unknown rule id, reason under 10 characters, bad expiry)."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinSuppressionCheck


class FinSuppressionInvalid(FinSuppressionCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure governance suppressions are valid (known rule, reason of 10+ characters, ISO expiry)",
            id="CKV_FIN_12",
            rule_id="FIN-012",
            supported_resources=["*"],
            data_sources=["*"],
            categories=[CheckCategories.GENERAL_SECURITY],
        )


check = FinSuppressionInvalid()
