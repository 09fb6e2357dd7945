"""One document, one policy, three entry points: synth, ``python -m aspects.cli`` and the checkov checks
give the same findings for every rule, under a policy that differs from the defaults in every field
(required tags and their defaults, allowed retention, PITR minimum, a rule made a warning, a rule off)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from aspects.catalog import CATALOG
from aspects.policy import policy_from_mapping
from tests.aspects.govern_cases import full_synth
from tests.policies.conftest import FIXTURES, fin_check_id
from tests.policies.parity_stack import PARITY_POLICY, parity
from tfcdk import App

pytestmark = pytest.mark.checkov
ROOT = Path(__file__).resolve().parents[2]
FOLDER = "Parity"
DOCUMENT = FIXTURES / FOLDER / "cdk.tf.json"
LINE = re.compile(r"^  (?P<level>ERROR|WARNING) (?P<rule>FIN-\d+) \[\w+\](?: UNKNOWN)? \S+ \((?P<address>[^)]+)\): ")
EXPECTED_ERRORS = {
    ("FIN-001", "aws_s3_bucket.bucket_empty_team"),
    ("FIN-002", "aws_iam_policy.wildcard"),
    ("FIN-003", "aws_kms_key.key"),
    ("FIN-006", "aws_cloudwatch_log_group.logs_14"),
    ("FIN-007", "aws_lambda_function.undeclared_logs"),
    ("FIN-008", "aws_dynamodb_table.table_29_days"),
    ("FIN-009", "aws_s3_bucket.bucket_kept"),
    ("FIN-009", "aws_s3_bucket.bucket_expired"),
    ("FIN-010", "aws_s3_bucket.bucket_expired"),
    ("FIN-012", "aws_s3_bucket.bucket_short_reason"),
    ("FIN-013", "module.vpc"),
}
EXPECTED_WARNINGS = {("FIN-004", "aws_lambda_function.x86"), ("FIN-011", "aws_s3_bucket.bucket_unused")}


@pytest.fixture(scope="module")
def synth():
    stack, governance = parity(App())
    return full_synth(stack, governance)


def test_synth_applies_every_policy_field(synth):
    report = synth.governance.report
    assert {(f.rule_id, f.address) for f in report.errors} == EXPECTED_ERRORS
    assert {(f.rule_id, f.address) for f in report.warnings} == EXPECTED_WARNINGS
    assert not [f for f in report.findings if f.rule_id == "FIN-005"]  # off
    assert synth.governance.policy == policy_from_mapping(tomllib.loads(PARITY_POLICY), "PARITY_POLICY")


def test_the_fixture_is_the_synthesized_document(synth):
    import json

    written = json.loads(DOCUMENT.read_text())
    for section in ("resource", "data", "module"):
        assert written.get(section) == synth.document.get(section), "stale: run tests/policies/fixtures/generate.py"
    assert written["//"]["governance"] == synth.document["//"]["governance"]


def test_the_cli_reads_the_recorded_policy_and_agrees(synth):
    completed = subprocess.run(
        [sys.executable, "-m", "aspects.cli", str(DOCUMENT), "--today", "2026-11-22"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    assert "(policy: recorded in" in completed.stdout.splitlines()[0]
    found = [m for m in map(LINE.match, completed.stdout.splitlines()[1:]) if m]
    assert {(m["rule"], m["address"]) for m in found if m["level"] == "ERROR"} == EXPECTED_ERRORS
    assert {(m["rule"], m["address"]) for m in found if m["level"] == "WARNING"} == EXPECTED_WARNINGS


def test_an_explicit_policy_file_overrides_the_record(tmp_path):
    policy = tmp_path / "governance.toml"
    policy.write_text('[rules]\nFIN-005 = "error"\nFIN-004 = "error"\n')  # default tags etc., two rules stricter
    completed = subprocess.run(
        [sys.executable, "-m", "aspects.cli", str(DOCUMENT), "--policy", str(policy), "--today", "2026-11-22"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert f"(policy: policy file {policy})" in completed.stdout
    assert "ERROR FIN-005" in completed.stdout and "ERROR FIN-004" in completed.stdout


def test_checkov_agrees_rule_by_rule(fixture_scan):
    for rule_id in CATALOG:
        if rule_id == "FIN-011":  # a warning at synth; checkov has no warning level and no check for it
            continue
        got = fixture_scan.of(FOLDER, fin_check_id(rule_id))
        assert got["FAILED"] == {a for r, a in EXPECTED_ERRORS if r == rule_id}, rule_id
        warned = {a for r, a in EXPECTED_WARNINGS if r == rule_id}
        assert got["SKIPPED"] == warned, rule_id  # a warning under the policy: recorded, not failed
    assert fixture_scan.of(FOLDER, "CKV_FIN_5") == {"PASSED": set(), "FAILED": set(), "SKIPPED": set()}  # off
    assert "aws_s3_bucket.bucket_force" in fixture_scan.of(FOLDER, "CKV_FIN_1")["PASSED"]  # Team from the policy
    comment = fixture_scan.suppress_comments[(FOLDER, "CKV_FIN_4", "aws_lambda_function.x86")]
    assert comment == "FIN-004 is a warning under the governance policy in force"


@pytest.mark.parametrize("how", ["-d", "-f"])
def test_plain_checkov_finds_the_scanned_file_from_its_command_line(tmp_path, how):
    """Without the gate (no GOVERNANCE_SCAN_ROOTS), from another directory: -d or -f tells the checks where."""
    import json

    from policies.gate import CHECKS_DIR
    from tests.policies.conftest import run_checkov

    target = DOCUMENT.parent if how == "-d" else DOCUMENT
    completed = run_checkov(
        how, str(target), "--framework", "terraform_json", "--external-checks-dir", str(CHECKS_DIR),
        "--check", "CKV_FIN_2,CKV_FIN_13", "--skip-download", "-o", "json", cwd=tmp_path,
    )  # fmt: skip
    report = json.loads(completed.stdout)
    failed = {(r["check_id"], r["resource"]) for r in report["results"]["failed_checks"]}
    assert failed == {("CKV_FIN_2", "resource.wildcard"), ("CKV_FIN_13", "module.vpc")}, completed.stdout[-2000:]
