"""CKV_FIN_6 / FIN-006: every CloudWatch log group has a positive retention_in_days from the allowed set."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinCheck


class FinLogGroupRetention(FinCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure CloudWatch log groups expire (retention_in_days from the allowed set)",
            id="CKV_FIN_6",
            rule_id="FIN-006",
            supported_resources=["aws_cloudwatch_log_group"],
            categories=[CheckCategories.LOGGING],
        )


check = FinLogGroupRetention()
