"""CKV_FIN_10 / FIN-010: a suppression record in a resource's "//" metadata has expired."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinSuppressionCheck


class FinSuppressionExpired(FinSuppressionCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure governance suppressions have not expired",
            id="CKV_FIN_10",
            rule_id="FIN-010",
            supported_resources=["*"],
            data_sources=["*"],
            categories=[CheckCategories.GENERAL_SECURITY],
        )


check = FinSuppressionExpired()
