"""DynamoDB job-metadata table: on-demand, PITR (35 days), KMS, TTL, destroyable."""

from __future__ import annotations

from tfcdk import Construct
from tfcdk.aws import load

_table = load("dynamodb_table")

PITR_RECOVERY_DAYS = 35


class MetadataTable(Construct):
    def __init__(self, scope: Construct, id_: str, *, name: str, kms_key_arn: str) -> None:
        super().__init__(scope, id_)
        self.table = _table.DynamodbTable(
            self,
            "table",
            name=name,
            billing_mode="PAY_PER_REQUEST",
            hash_key="pk",
            range_key="sk",
            attribute=[{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
            point_in_time_recovery={"enabled": True, "recovery_period_in_days": PITR_RECOVERY_DAYS},
            server_side_encryption={"enabled": True, "kms_key_arn": kms_key_arn},
            ttl={"attribute_name": "expires_at", "enabled": True},
            deletion_protection_enabled=False,
        )
        self.name: str = self.table.name
        self.arn: str = self.table.arn
