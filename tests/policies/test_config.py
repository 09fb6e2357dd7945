"""The gate's checkov config: every skipped built-in check has its reason right above it."""

from __future__ import annotations

import re

from policies.gate import CONFIG_FILE, skipped_builtin_checks

MIN_REASON = 80  # characters of comment: a sentence that says why and what compensates


def test_every_skipped_check_has_a_reason_above_it():
    lines = CONFIG_FILE.read_text().splitlines()
    skipped = skipped_builtin_checks()
    assert skipped, "the skip list is empty: remove this test's expectation or the config entry"
    assert len(skipped) == len(set(skipped))
    for check_id in skipped:
        index = next(i for i, line in enumerate(lines) if line.strip() == f"- {check_id}")
        comment = []
        for line in reversed(lines[:index]):
            if line.strip().startswith("- "):
                continue  # a group of ids sharing one reason
            if not line.strip().startswith("#"):
                break
            comment.insert(0, line.strip().lstrip("#").strip())
        reason = " ".join(comment)
        assert check_id in reason, f"{check_id}: the reason above it must name it"
        assert len(reason) >= MIN_REASON, f"{check_id}: reason too short: {reason!r}"


def test_no_custom_check_is_skipped_and_the_gate_stays_offline():
    text = CONFIG_FILE.read_text()
    assert not any(check_id.startswith("CKV_FIN_") for check_id in skipped_builtin_checks())
    assert re.search(r"^skip-download: true$", text, re.M)
    assert re.search(r"^framework:\n  - terraform_json$", text, re.M)
