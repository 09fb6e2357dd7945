"""Log groups: always a retention and the stack's KMS key (FIN-006, CKV_AWS_158)."""

from __future__ import annotations

from typing import Any

from tfcdk import Construct
from tfcdk.aws import load


def encrypted_log_group(scope: Construct, id_: str, *, name: str, retention_days: int, kms_key_arn: str) -> Any:
    _log_group = load("cloudwatch_log_group")
    return _log_group.CloudwatchLogGroup(
        scope, id_, name=name, retention_in_days=retention_days, kms_key_id=kms_key_arn
    )
