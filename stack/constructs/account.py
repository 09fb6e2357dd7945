"""Where a stack deploys, as one value: the account, region and partition an ARN is built from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Account:
    """``id`` and ``partition`` are usually tokens of the caller-identity and partition data sources."""

    id: str
    region: str
    partition: str

    def arn(self, service: str, resource: str) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>``."""
        return f"arn:{self.partition}:{service}:{self.region}:{self.id}:{resource}"
