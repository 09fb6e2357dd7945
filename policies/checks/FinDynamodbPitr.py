"""CKV_FIN_8 / FIN-008: every DynamoDB table has point-in-time recovery enabled."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinCheck


class FinDynamodbPitr(FinCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure DynamoDB tables have point-in-time recovery enabled",
            id="CKV_FIN_8",
            rule_id="FIN-008",
            supported_resources=["aws_dynamodb_table", "aws_dynamodb_table_replica"],
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
        )


check = FinDynamodbPitr()
