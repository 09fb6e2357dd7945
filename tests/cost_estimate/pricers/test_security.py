"""KMS keys (key-months, rotations, requests) and SSM parameters."""

from __future__ import annotations

import pytest

from cost_estimate.context import Free, NoUsage
from cost_estimate.pricers import security
from tests.cost_estimate.conftest import FILES, context, resource, usd


@pytest.mark.parametrize(("month", "rotations"), [(12, 0), (13, 1), (40, 2)])
def test_key_rotations_and_requests(month: int, rotations: int) -> None:
    ctx = context({"aws_kms_key": {"k": {"enable_key_rotation": True}, "k2": {}}}, month=month)
    items, _ = security.kms_key(ctx, resource(ctx, "aws_kms_key", "k"))
    assert usd(items, "key") == 1.0
    assert usd(items, "rotated key versions") == rotations * 1.0
    assert usd(items, "requests") == pytest.approx((FILES * 12 + 35_000) / 2 * 0.000003)  # split over two keys


def test_ssm_tiers() -> None:
    ctx = context(
        {"aws_ssm_parameter": {"s": {"name": "/a"}, "a": {"tier": "Advanced"}, "i": {"tier": "Intelligent-Tiering"}}}
    )
    with pytest.raises(Free, match="Standard-tier"):
        security.ssm_parameter(ctx, resource(ctx, "aws_ssm_parameter", "s"))
    items, _ = security.ssm_parameter(ctx, resource(ctx, "aws_ssm_parameter", "a"))
    assert usd(items, "advanced parameter") == 0.05
    with pytest.raises(NoUsage, match="decided by AWS at apply"):
        security.ssm_parameter(ctx, resource(ctx, "aws_ssm_parameter", "i"))
