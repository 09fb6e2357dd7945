"""FIN-001: effective tags (provider default_tags merged with resource tags) carry every required key."""

from aspects.rules.required_tags import check
from tests.aspects.govern_cases import expected_findings
from tests.aspects.rules.rule_cases import FAIL, NA, OK, TAGS, UNKNOWN, run

PROVIDER = {"provider": {"aws": [{"default_tags": [{"tags": TAGS}]}, {"alias": "bare", "region": "us-east-1"}]}}


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-001") == expected_findings("FIN-001")


def test_default_tags_count_toward_effective_tags():
    assert run(check, "aws_s3_bucket", {}, document=PROVIDER) == (OK, set(), set())


def test_aliased_provider_without_default_tags_is_not_covered():
    status, missing, _ = run(check, "aws_s3_bucket", {"provider": "aws.bare"}, document=PROVIDER)
    assert status is FAIL and missing == set(TAGS)


def test_resource_tag_with_empty_value_overrides_a_default():
    assert run(check, "aws_s3_bucket", {"tags": {"Owner": " "}}, document=PROVIDER) == (FAIL, {"Owner"}, set())


def test_whole_tags_expression_is_unknown():
    assert run(check, "aws_s3_bucket", {"tags": "${var.tags}"}) == (UNKNOWN, set(), {"tags"})


def test_tag_value_expression_counts_as_set():
    tags = {**TAGS, "Owner": "${var.owner}"}
    assert run(check, "aws_s3_bucket", {"tags": tags}) == (OK, set(), set())


def test_untaggable_types_and_data_sources_are_never_flagged():
    assert run(check, "aws_iam_role_policy", {})[0] is NA  # no tags argument in the provider schema
    assert run(check, "aws_inspector_resource_group", {})[0] is NA  # tags is a filter, no tags_all
    assert run(check, "aws_s3_bucket", {}, mode="data")[0] is NA


def test_the_tagging_aspect_adds_only_what_is_not_already_effective(clean):
    buckets = clean.document["resource"]["aws_s3_bucket"]
    assert "tags" not in buckets["bucket"]  # every key comes from default_tags: no duplicates
    assert buckets["bucket_own_tags"]["tags"] == {"Owner": "data-team"}


def test_the_tagging_aspect_applies_policy_values_without_overwriting(violations):
    buckets = violations.document["resource"]["aws_s3_bucket"]
    assert buckets["tags_default_merge_ok"]["tags"] == {"ManagedBy": "cdktf"}
    assert buckets["tags_resource_override_ok"]["tags"] == {"Owner": "someone-else", "ManagedBy": "cdktf"}


def test_tag_blocks_are_the_only_tags_an_autoscaling_group_gets():
    blocks = [{"key": k, "value": v, "propagate_at_launch": True} for k, v in TAGS.items()]
    assert run(check, "aws_autoscaling_group", {"tag": blocks}, document=PROVIDER) == (OK, set(), set())
    status, missing, _ = run(check, "aws_autoscaling_group", {"tag": blocks[:2]}, document=PROVIDER)
    assert status is FAIL and missing == set(list(TAGS)[2:])  # default_tags do not reach it
    assert run(check, "aws_autoscaling_group", {"dynamic": {"tag": {"for_each": "${var.t}"}}}) == (
        UNKNOWN,
        set(),
        {"tags"},
    )


def test_default_tags_given_as_an_expression_are_unknown_unless_the_resource_sets_every_key():
    computed = {"provider": {"aws": [{"default_tags": [{"tags": "${var.tags}"}]}]}}
    assert run(check, "aws_s3_bucket", {}, document=computed) == (UNKNOWN, set(), {"tags"})
    assert run(check, "aws_s3_bucket", {"tags": TAGS}, document=computed)[0] is OK
