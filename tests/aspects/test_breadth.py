"""Other teams' configurations: every violating case is caught at synth with its exact findings, its
fixed twin gets none, and ``python -m aspects.cli`` gives the same findings on the synthesized document.
(The checkov checks read the same cases from their fixture folders: tests/policies.)"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from aspects import govern, suppress
from tests.aspects.breadth_cases import CASES, build, expected_findings, module
from tests.aspects.govern_cases import ALL_TAGS, REASON, TODAY, Synth, full_synth
from tfcdk import App, TerraformStack
from tfcdk.aws import load

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^  ERROR (?P<rule>FIN-\d+) \[\w+\](?P<unknown> UNKNOWN)? \S+ \((?P<address>[^)]+)\): ")
MODULE_FINDING = ("FIN-013", "module.vpc_fail", "module", "UNKNOWN")


@pytest.fixture(scope="module")
def breadth() -> Synth:
    stack = TerraformStack(App(), "breadth")
    load("provider").AwsProvider(stack, "aws", region="us-east-2", default_tags=[{"tags": ALL_TAGS}])
    build(stack)
    module(stack, "vpc_fail")
    suppress(module(stack, "vpc_skip"), "FIN-013", REASON)
    return full_synth(stack, govern(stack, today=TODAY))


def test_every_violating_case_is_caught_with_its_exact_findings(breadth):
    assert breadth.findings() == expected_findings() | {MODULE_FINDING}
    assert breadth.suppressed() == {("FIN-013", "module.vpc_skip", "module")}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fixed_twin_has_no_finding(breadth, case):
    address = f"{case.type}.{case.name}_pass"
    assert f"{case.name}_pass" in breadth.document["resource"][case.type]  # the twin is declared ...
    assert (address, case.rule) in breadth.governance.report.applicable  # ... the rule judged it ...
    assert not [f for f in breadth.governance.report.findings if f.address == address]  # ... and found nothing


def test_synth_fails_naming_each_violation(breadth):
    assert breadth.error is not None and 'Encountered Annotations with level "ERROR"' in breadth.error
    for _, address, _, _ in expected_findings():
        assert f"({address})" in breadth.error


def test_the_cli_agrees_on_the_synthesized_document(breadth, tmp_path):
    path = tmp_path / "cdk.tf.json"
    path.write_text(json.dumps(breadth.document))
    completed = subprocess.run(
        [sys.executable, "-m", "aspects.cli", str(path), "--today", TODAY.isoformat()],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    parsed = Counter(
        (m["rule"], m["address"], "UNKNOWN" if m["unknown"] else "FAILED")
        for m in map(LINE.match, completed.stdout.splitlines()[1:])
        if m
    )
    synth = Counter((f.rule_id, f.address, f.status) for f in breadth.governance.report.findings)
    assert parsed == synth and len(completed.stdout.splitlines()) == 1 + sum(synth.values())


def test_the_policy_govern_used_is_recorded_in_the_document(breadth):
    recorded = breadth.document["//"]["governance"]["policy"]
    assert recorded == breadth.governance.policy.to_record()
