"""The checkov skip lists (the toolkit's and the pipeline stack's): every skipped built-in check has its
reason right above it, and the gate refuses a stack skip list that does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policies.gate import CONFIG_FILE, skip_reasons, skipped_builtin_checks, stack_skips
from tests.conftest import REPO_ROOT

MIN_REASON = 80  # characters of comment: a sentence that says why and what compensates
PIPELINE_SKIPS = REPO_ROOT / "stack" / "checkov-skips.yaml"


@pytest.mark.parametrize("config", [CONFIG_FILE, PIPELINE_SKIPS], ids=["toolkit", "pipeline"])
def test_every_skipped_check_has_a_reason_above_it(config):
    text = config.read_text()
    reasons = skip_reasons(config)
    assert reasons, "the skip list is empty: remove this test's expectation or the config entry"
    listed = re.findall(r"^  - (\S+)$", text.split("\nskip-check:\n", 1)[1], re.M)
    assert sorted(listed) == sorted(reasons)  # every entry parsed, none twice
    for check_id, reason in reasons.items():
        assert check_id in reason, f"{check_id}: the reason above it must name it"
        assert len(reason) >= MIN_REASON, f"{check_id}: reason too short: {reason!r}"


def test_the_toolkit_skips_only_what_its_refined_checks_replace():
    assert skipped_builtin_checks() == ["CKV_AWS_109", "CKV_AWS_111", "CKV_AWS_356"]
    pipeline, problems = stack_skips([PIPELINE_SKIPS])
    assert problems == [] and pipeline == ["CKV_AWS_338", "CKV_AWS_272", "CKV_AWS_18", "CKV_AWS_144", "CKV2_AWS_34"]


def test_a_stack_skip_without_a_reason_or_of_a_custom_check_is_refused(tmp_path: Path):
    config = tmp_path / "skips.yaml"
    config.write_text(
        "skip-check:\n"
        "  # CKV_AWS_18: access logs go to the account's central bucket, configured outside this stack\n"
        "  - CKV_AWS_18\n"
        "\n"
        "  - CKV_AWS_21\n"
        "  # CKV_FIN_4: x86 only\n"
        "  - CKV_FIN_4\n"
    )
    ids, problems = stack_skips([config, tmp_path / "missing.yaml"])
    assert ids == ["CKV_AWS_18"]
    assert problems == [
        f"{config}: CKV_AWS_21 needs a reason in the comment right above it, naming it",
        f"{config}: CKV_FIN_4 cannot be skipped: suppress the finding with a reason instead",
        f"{tmp_path / 'missing.yaml'}: not found",
    ]


def test_no_custom_check_is_skipped_and_the_gate_stays_offline():
    text = CONFIG_FILE.read_text()
    assert not any(check_id.startswith("CKV_FIN_") for check_id in skipped_builtin_checks())
    assert re.search(r"^skip-download: true$", text, re.M)
    assert re.search(r"^framework:\n  - terraform_json$", text, re.M)
