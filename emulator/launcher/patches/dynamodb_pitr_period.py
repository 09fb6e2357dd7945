"""DynamoDB continuous backups forget ``RecoveryPeriodInDays``.

MiniStack 1.5.33, ``ministack.services.dynamodb._update_continuous_backups`` drops
``PointInTimeRecoverySpecification.RecoveryPeriodInDays`` and ``_describe_continuous_backups`` never
reports it, so ``terraform plan`` after apply shows the table's PITR ``recovery_period_in_days 0 -> 35``.
The wrappers store the period per account, region and table and report it (AWS default 35).
"""

from __future__ import annotations

import json
from typing import Any

from ..wrap import wrap

_DAYS: dict[tuple[str, str, str], int] = {}


def install() -> None:
    from ministack.core.responses import get_account_id, get_region
    from ministack.services import dynamodb

    def key(data: Any) -> tuple[str, str, str]:
        return (get_account_id(), get_region(), dynamodb._normalize_table_name(data.get("TableName")))

    def with_days(response: Any, days: int) -> Any:
        status, headers, body = response
        if status != 200:
            return response
        document = json.loads(body)
        pitr = document.get("ContinuousBackupsDescription", {}).get("PointInTimeRecoveryDescription", {})
        if pitr.get("PointInTimeRecoveryStatus") == "ENABLED":
            pitr["RecoveryPeriodInDays"] = days
        return status, headers, json.dumps(document).encode()

    @wrap(dynamodb, "_update_continuous_backups", "RecoveryPeriodInDays was dropped (AWS default 35)")
    def _update(original: Any, data: Any) -> Any:
        spec = data.get("PointInTimeRecoverySpecification", {})
        days = int(spec.get("RecoveryPeriodInDays") or 35)
        response = original(data)
        if response[0] == 200:
            _DAYS[key(data)] = days
        return with_days(response, days)

    @wrap(dynamodb, "_describe_continuous_backups", "RecoveryPeriodInDays was not reported")
    def _describe(original: Any, data: Any) -> Any:
        return with_days(original(data), _DAYS.get(key(data), 35))


def still_needed() -> bool:
    """Enable PITR with a 7-day period; does DescribeContinuousBackups leave the period out?"""
    from ministack.services import dynamodb

    table = "harness-probe-pitr"
    dynamodb._create_table({
        "TableName": table, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    })  # fmt: skip
    spec = {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 7}
    dynamodb._update_continuous_backups({"TableName": table, "PointInTimeRecoverySpecification": spec})
    status, _, body = dynamodb._describe_continuous_backups({"TableName": table})
    pitr = json.loads(body)["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    enabled = status == 200 and pitr.get("PointInTimeRecoveryStatus") == "ENABLED"
    return enabled and pitr.get("RecoveryPeriodInDays") != 7
