"""Suppressions: mandatory reason, optional expiry and finding, inherited, written into "//"."""

import datetime as dt

import pytest

from aspects.document import evaluate_document
from aspects.suppressions import Suppression, make, records_of
from tests.aspects.govern_cases import TODAY

BAD_BUCKET = {"bucket": "b"}  # violates FIN-009 (no force_destroy) only; untaggable checks aside


def document(*records, config=None):
    config = dict(config or BAD_BUCKET)
    config["//"] = {"metadata": {"path": "s/b"}, "governance": {"suppressions": list(records)}}
    tags = {"CostCenter": "c", "Environment": "e", "Owner": "o", "Project": "p", "ManagedBy": "m"}
    return {"provider": {"aws": [{"default_tags": [{"tags": tags}]}]}, "resource": {"aws_s3_bucket": {"b": config}}}


def outcome(doc):
    report = evaluate_document(doc, today=TODAY)
    return ({(f.rule_id, f.key, f.level) for f in report.findings}, {(f.rule_id, f.key) for f in report.suppressed})


def test_reason_is_mandatory_and_at_least_ten_characters():
    with pytest.raises(ValueError, match="at least 10 characters"):
        make("FIN-009", "too short")
    assert make("FIN-009", "ten chars!").reason == "ten chars!"
    with pytest.raises(ValueError):
        make("FIN-009", "a good reason here", expires="31/12/2026")


def test_record_round_trip():
    suppression = make("FIN-002", "a good reason here", expires="2026-12-31", finding="s3:Get*", source="s/p")
    assert suppression.to_record() == {
        "rule": "FIN-002",
        "reason": "a good reason here",
        "expires": "2026-12-31",
        "finding": "s3:Get*",
        "source": "s/p",
    }
    assert Suppression.from_record(suppression.to_record()) == (suppression, [])
    assert records_of({"governance": {"suppressions": [suppression.to_record()]}}) == [suppression.to_record()]
    assert records_of(None) == [] and records_of({"metadata": {}}) == []


def test_valid_suppression_without_expiry_covers_the_finding():
    assert outcome(document({"rule": "FIN-009", "reason": "bucket keeps audit evidence"})) == (
        set(),
        {("FIN-009", "force_destroy")},
    )


def test_expiry_day_is_inclusive():
    assert (
        outcome(document({"rule": "FIN-009", "reason": "bucket keeps audit evidence", "expires": TODAY.isoformat()}))[0]
        == set()
    )


def test_expired_suppression_is_a_violation_and_covers_nothing():
    past = (TODAY - dt.timedelta(days=1)).isoformat()
    assert outcome(document({"rule": "FIN-009", "reason": "bucket keeps audit evidence", "expires": past})) == (
        {("FIN-009", "force_destroy", "error"), ("FIN-010", "FIN-009", "error")},
        set(),
    )


def test_unused_suppression_is_a_warning():
    compliant = {"bucket": "b", "force_destroy": True}
    assert outcome(document({"rule": "FIN-004", "reason": "no function in this bucket"}, config=compliant)) == (
        {("FIN-011", "FIN-004", "warning")},
        set(),
    )


def test_per_finding_suppression_covers_only_that_finding():
    record = {"rule": "FIN-009", "reason": "bucket keeps audit evidence", "finding": "prevent_destroy"}
    config = {**BAD_BUCKET, "lifecycle": {"prevent_destroy": True}}
    assert outcome(document(record, config=config)) == (
        {("FIN-009", "force_destroy", "error")},
        {("FIN-009", "prevent_destroy")},
    )


@pytest.mark.parametrize(
    "record",
    [
        {"rule": "FIN-009", "reason": "short"},
        {"rule": "FIN-009"},
        {"rule": "FIN-009", "reason": "bucket keeps audit evidence", "expires": "soon"},
        {"rule": "FIN-999", "reason": "bucket keeps audit evidence"},
    ],
)
def test_invalid_records_in_the_json_are_violations_and_cover_nothing(record):
    findings, suppressed = outcome(document(record))
    assert ("FIN-009", "force_destroy", "error") in findings and suppressed == set()
    assert any(rule_id == "FIN-012" for rule_id, _, _ in findings)


def test_synth_writes_inherited_records_into_the_resource_metadata(violations):
    functions = violations.document["resource"]["aws_lambda_function"]
    meta = functions["legacy_fn_inherited_suppressed_92C889F9"]["//"]
    assert meta["governance"] == {
        "suppressions": [
            {
                "rule": "FIN-004",
                "reason": "legacy x86 binaries until the Q3 port",
                "expires": "2027-06-30",
                "source": "violations/legacy",
            },
            {"rule": "FIN-005", "reason": "legacy x86 binaries until the Q3 port", "source": "violations/legacy"},
        ]
    }
    assert "governance" not in functions["fn_arm64_ok"]["//"]


def test_inherited_suppression_is_judged_once_across_the_resources_carrying_it(violations):
    # "legacy" suppresses FIN-004 and FIN-005 for a function and a layer: each is used by one of them.
    assert not {f for f in violations.findings() if f[0] == "FIN-011" and "legacy" in f[1]}
    assert violations.findings("FIN-010") == {
        ("FIN-010", "aws_s3_bucket.bucket_expired_suppression_fail", "FIN-009", "FAILED")
    }
    assert violations.findings("FIN-011") == {
        ("FIN-011", "aws_cloudwatch_log_group.lg_unused_suppression_warn", "FIN-006", "FAILED")
    }
