"""Shared fixtures for the checkov tests: checkov runs from its own environment, few times per session.

checkov starts in ~4 s (imports), so all fixture folders are scanned by ONE checkov run
(:func:`fixture_scan`); every ``test_Fin*.py`` reads its own folder's results from it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from aspects.catalog import CATALOG
from policies.gate import CHECKS_DIR, OFFLINE_ENV, _Documents, resolve
from tests.conftest import REPO_ROOT

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHECKOV_VENV = REPO_ROOT / ".venv-checkov"
CHECKOV = CHECKOV_VENV / "bin" / "checkov"
CHECKOV_PYTHON = CHECKOV_VENV / "bin" / "python"
RESULTS = {"pass": "PASSED", "fail": "FAILED", "skip": "SKIPPED"}
_EXPECTED_NAME = re.compile(r"_(?P<result>pass|fail|skip)(_[0-9A-F]{8})?$")


def fin_check_id(rule_id: str) -> str:
    return f"CKV_FIN_{int(rule_id.split('-')[1])}"


#: Every catalog rule that fails synth has a checkov check (FIN-011, a warning, has none).
FIN_CHECK_IDS = tuple(fin_check_id(rule.id) for rule in CATALOG.values() if rule.level == "error")


#: The CKV_FIN_AWS_* checks: checkov's own IAM analyses minus KMS key-policy statements -> the built-in
#: check each one replaces (skipped in policies/checkov.yaml).
REFINED_CHECKS = {"CKV_FIN_AWS_109": "CKV_AWS_109", "CKV_FIN_AWS_111": "CKV_AWS_111", "CKV_FIN_AWS_356": "CKV_AWS_356"}


def require_checkov() -> None:
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make checkov-env` (checkov's isolated environment)")


def run_checkov(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    require_checkov()
    return subprocess.run(
        [str(CHECKOV), *args],
        cwd=cwd,
        env={**os.environ, **OFFLINE_ENV},
        capture_output=True,
        text=True,
        check=False,
    )


@dataclass
class Scan:
    """checkov's JSON report, indexed: (fixture folder, check id) -> result -> {Terraform addresses}."""

    summary: dict[str, Any]
    stderr: str
    results: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)
    details: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)  # (folder, check, address)
    suppress_comments: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def of(self, folder: str, check_id: str) -> dict[str, set[str]]:
        found = self.results.get((folder, check_id), {})
        return {result: set(found.get(result, set())) for result in RESULTS.values()}


def index_report(report: dict[str, Any], stderr: str) -> Scan:
    scan = Scan(report["summary"], stderr)
    results: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    documents = _Documents({})
    for key in ("passed_checks", "failed_checks", "skipped_checks"):
        for record in report["results"].get(key, []):
            folder = Path(record["file_abs_path"]).parent.name
            address, _ = resolve(record, documents)
            result = record["check_result"]["result"]
            results[(folder, record["check_id"])][result].add(address)
            scan.details[(folder, record["check_id"], address)] = record.get("details") or []
            if result == "SKIPPED":
                scan.suppress_comments[(folder, record["check_id"], address)] = record["check_result"].get(
                    "suppress_comment", ""
                )
    scan.results = {k: dict(v) for k, v in results.items()}
    return scan


@pytest.fixture(scope="session")
def fixture_scan() -> Scan:
    """One checkov run over every fixture folder with only the CKV_FIN_* checks (and the built-in
    checks the CKV_FIN_AWS_* ones refine, for comparison)."""
    ids = [*FIN_CHECK_IDS, *REFINED_CHECKS, *REFINED_CHECKS.values()]
    completed = run_checkov(
        "-d", str(FIXTURES), "--framework", "terraform_json", "--external-checks-dir", str(CHECKS_DIR),
        "--check", ",".join(ids), "--skip-download", "--compact", "-o", "json",
    )  # fmt: skip
    assert completed.returncode in (0, 1), completed.stderr
    assert "Cannot load external check" not in completed.stderr, completed.stderr
    return index_report(json.loads(completed.stdout), completed.stderr)


def document(folder: str) -> dict[str, Any]:
    return json.loads((FIXTURES / folder / "cdk.tf.json").read_text())


def expected_by_name(folder: str) -> dict[str, set[str]]:
    """Results the fixture's resource names promise: ``*_pass``, ``*_fail``, ``*_skip``."""
    expected: dict[str, set[str]] = {result: set() for result in RESULTS.values()}
    doc = document(folder)
    for section in ("resource", "data"):
        for type_, blocks in (doc.get(section) or {}).items():
            for name in blocks:
                match = _EXPECTED_NAME.search(name)
                if match:
                    prefix = "data." if section == "data" else ""
                    expected[RESULTS[match.group("result")]].add(f"{prefix}{type_}.{name}")
    return expected


def expected_at_synth(folder: str, rule_id: str) -> tuple[set[str], set[str]]:
    """(failed, suppressed-only) addresses for ``rule_id`` when the synth-time evaluator reads the same JSON."""
    from aspects.document import evaluate_document

    report = evaluate_document(document(folder))
    failed = {f.address for f in report.findings if f.rule_id == rule_id}
    suppressed = {f.address for f in report.suppressed if f.rule_id == rule_id} - failed
    return failed, suppressed
