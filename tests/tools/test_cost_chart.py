"""The cost chart: services ordered by cost, tiny ones left out, a PNG written from the real stacks."""

from __future__ import annotations

from pathlib import Path

from cost_estimate import prices
from cost_estimate.estimate import estimate_stacks
from cost_estimate.model import Comparison
from tests.conftest import SynthesizedStack
from tests.cost_estimate.conftest import stack, test_profile
from tools import cost_chart


def test_series_orders_services_by_the_larger_cost_and_drops_zeros() -> None:
    def estimate(resources: dict):
        return estimate_stacks([stack(resources)], test_profile(), prices.load(), source="s", profile_path="p")

    before = estimate({"aws_cloudwatch_dashboard": {"a": {}}, "aws_eip": {"e": {}}})
    after = estimate({"aws_cloudwatch_dashboard": {"a": {}, "b": {}}, "aws_sqs_queue": {"q": {}}})
    # EIP 730 h x $0.005 = $3.65 before; dashboards $3 -> $6; the queue's $0.0004 is too small to draw
    assert cost_chart.series(Comparison(after, before)) == (
        ["Amazon CloudWatch", "Amazon VPC"],
        [3.0, 3.65],
        [6.0, 0.0],
    )


def test_png_from_the_real_stacks(dev_stack: SynthesizedStack, legacy_stack: SynthesizedStack, tmp_path: Path) -> None:
    output = tmp_path / "chart.png"
    args = ["--current", str(dev_stack.outdir), "--baseline", str(legacy_stack.outdir), "--output", str(output)]
    assert cost_chart.main(args) == 0
    assert output.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert output.stat().st_size > 20_000
