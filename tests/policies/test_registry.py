"""Census of the CKV_FIN_* checks: every check loads, ids are unique, every catalog rule has a check."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from aspects.catalog import CATALOG
from policies.gate import CHECKS_DIR, skipped_builtin_checks
from tests.policies.conftest import CHECKOV_PYTHON, FIN_CHECK_IDS, REFINED_CHECKS, fin_check_id, require_checkov

pytestmark = pytest.mark.checkov
SHARED_MODULES = {"fin_base", "fin_key_policy"}  # the adapters: no check object


@pytest.fixture(scope="module")
def census() -> dict:
    require_checkov()
    script = Path(__file__).with_name("load_checks.py")
    completed = subprocess.run(
        [str(CHECKOV_PYTHON), str(script), str(CHECKS_DIR)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, f"a check failed to load:\n{completed.stderr}"
    return json.loads(completed.stdout)


def all_checks(census: dict) -> dict[str, dict]:
    return {name: info for name, info in census["files"].items() if name not in SHARED_MODULES}


def checks(census: dict) -> dict[str, dict]:
    """The catalog-backed CKV_FIN_<n> checks."""
    return {name: info for name, info in all_checks(census).items() if info and not info["refines"]}


def refined(census: dict) -> dict[str, dict]:
    """The CKV_FIN_AWS_* checks (a built-in check minus KMS key-policy statements)."""
    return {name: info for name, info in all_checks(census).items() if info and info["refines"]}


def test_every_file_defines_one_check_named_after_its_class(census):
    assert set(census["files"]) - set(all_checks(census)) == SHARED_MODULES
    assert census["files"]["fin_base"] is None and census["files"]["fin_key_policy"] is None
    for name, info in all_checks(census).items():
        assert info is not None, f"{name}.py defines no `check = {name}()`"
        assert info["class"] == name
        assert info["name"].startswith("Ensure ")


def test_ids_are_unique_and_cover_every_catalog_rule(census):
    ids = [info["id"] for info in all_checks(census).values()]
    assert len(ids) == len(set(ids))
    assert sorted(info["id"] for info in checks(census).values()) == sorted(FIN_CHECK_IDS)
    assert not set(ids) & set(census["builtin_ids"]), "collides with a built-in checkov id"


def test_refined_checks_replace_exactly_the_skipped_builtins(census):
    table = {info["id"]: info["refines"] for info in refined(census).values()}
    assert table == REFINED_CHECKS
    assert set(table.values()) <= set(census["builtin_ids"])
    assert set(table.values()) <= set(skipped_builtin_checks()), "the built-in would run twice"
    for info in refined(census).values():
        assert info["rule"] is None and info["supported"] == ["aws_iam_policy_document"]
        assert info["name"].endswith(f"({info['refines']}, KMS key-policy statements excluded)")


def test_each_check_carries_its_catalog_rule(census):
    for info in checks(census).values():
        rule = CATALOG[info["rule"]]
        assert info["id"] == fin_check_id(rule.id)
        assert info["severity"] == rule.severity
        assert info["supported"], info


def test_checks_register_for_resources_and_where_needed_data_sources(census):
    assert census["registered"]["resource"] == sorted(set(FIN_CHECK_IDS) - {"CKV_FIN_13"})
    assert census["registered"]["module"] == ["CKV_FIN_13"]  # module calls only
    # policy documents and suppression records on data sources; the refined IAM checks scan only those
    assert census["registered"]["data"] == sorted(["CKV_FIN_10", "CKV_FIN_12", "CKV_FIN_2", *REFINED_CHECKS])


def test_census_lists_every_rule_with_its_severity(census):
    table = {info["id"]: (info["rule"], info["severity"]) for info in checks(census).values()}
    assert table == {
        "CKV_FIN_1": ("FIN-001", "HIGH"),
        "CKV_FIN_2": ("FIN-002", "HIGH"),
        "CKV_FIN_3": ("FIN-003", "MEDIUM"),
        "CKV_FIN_4": ("FIN-004", "MEDIUM"),
        "CKV_FIN_5": ("FIN-005", "MEDIUM"),
        "CKV_FIN_6": ("FIN-006", "HIGH"),
        "CKV_FIN_7": ("FIN-007", "HIGH"),
        "CKV_FIN_8": ("FIN-008", "HIGH"),
        "CKV_FIN_9": ("FIN-009", "MEDIUM"),
        "CKV_FIN_10": ("FIN-010", "HIGH"),
        "CKV_FIN_12": ("FIN-012", "HIGH"),
        "CKV_FIN_13": ("FIN-013", "HIGH"),
    }
