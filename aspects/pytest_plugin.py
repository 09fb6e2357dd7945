"""pytest plugin of the governance toolkit (entry point ``pytest11``: loaded when the package is installed).

Fixtures, each the function of the same name in :mod:`aspects.testing`::

    def test_stack_is_governed(assert_governed):
        assert_governed(build_stack(), allow=["FIN-004 aws_lambda_function.legacy_x86"])

    def test_finds_the_wildcard(governance_findings):
        findings = governance_findings(build_stack())
        assert [(f.rule_id, f.address, f.key) for f in findings] == [("FIN-002", "aws_iam_policy.ci", "s3:*")]

Importing this module imports neither cdktf nor cdktn: a test session without them is not affected.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from typing import Any

import pytest

from aspects import testing
from aspects.document import Finding, Report

DISTRIBUTION = "cdktf-governance"


def pytest_report_header(config: pytest.Config) -> str:
    try:
        version = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        version = "source checkout"
    return f"governance: {DISTRIBUTION} {version} (fixtures: assert_governed, governance_findings, governance_report)"


@pytest.fixture
def governance_findings() -> Callable[..., list[Finding]]:
    """``governance_findings(stack, warnings=True)``: unsuppressed findings of a full synth of ``stack``."""
    return testing.governance_findings


@pytest.fixture
def governance_report() -> Callable[[Any], Report]:
    """``governance_report(stack)``: the whole report (findings, suppressed, policy) of a full synth."""
    return testing.governance_report


@pytest.fixture
def assert_governed() -> Callable[..., Report]:
    """``assert_governed(stack, allow=[...], warnings=False)``: fail listing every finding not allowed."""
    return testing.assert_governed
