"""The pytest plugin: fixtures of the same names, in a real pytest run, with readable failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.toolkit.conftest import LIBRARY, LIBRARY_ENV

TEAM_TESTS = """
from aspects import GovernancePolicy, govern
from tests.toolkit.stacks import team_stack
import {library} as lib

def build(fixed):
    _, stack = team_stack(lib, fixed=fixed)
    govern(stack, GovernancePolicy.with_tags())
    return stack

def test_fixed_stack_is_governed(assert_governed):
    assert_governed(build(True))

def test_violations_found(governance_findings):
    assert [f.rule_id for f in governance_findings(build(False))] == ["FIN-004", "FIN-006", "FIN-002"]

def test_report_has_the_policy(governance_report):
    assert governance_report(build(True)).policy == GovernancePolicy.with_tags()

def test_violating_stack_fails_readably(assert_governed):
    allow = ["FIN-002 team-dev/render_policy", "FIN-006 aws_cloudwatch_log_group.render_logs"]
    assert_governed(build(False), allow=allow)
"""


def test_fixtures_in_a_real_pytest_run(tmp_path: Path):
    (tmp_path / "test_team.py").write_text(TEAM_TESTS.format(library=LIBRARY))
    env = {**os.environ, LIBRARY_ENV: LIBRARY, "PYTHONPATH": str(REPO_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "aspects.pytest_plugin", "-p", "no:cacheprovider", "--rootdir",
         str(tmp_path), "-c", os.devnull, str(tmp_path / "test_team.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "1 failed, 3 passed" in out, out
    assert "governance: cdktf-governance source checkout (fixtures: assert_governed, governance_findings" in out, out
    assert (
        "GovernanceAssertionError: stack 'team-dev': 1 governance finding(s) not allowed (3 error(s), 0 warning(s), "
        "0 suppressed in total):\n"
        "E         FIN-004 [MEDIUM] error at aws_lambda_function.render_fn\n"
        "E             construct: team-dev/render_fn\n"
        "E             key:       architectures\n"
        "E             problem:   Lambda functions run on arm64: architectures is ['x86_64'], not ['arm64'].\n"
        'E             fix:       Set architectures=["arm64"] on the function.\n'
    ) in out, out
