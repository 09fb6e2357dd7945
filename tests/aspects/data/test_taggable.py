"""The kept taggability lists match the AWS provider schema; the criteria on schema excerpts."""

from aspects.data import TAGGABLE_FILE, taggability, taggable_resource_types
from aspects.data.generate_taggable import render_schema, tag_blocks, taggable_types, without_default_tags
from tests.aspects.data.conftest import excerpt


def test_kept_list_matches_the_provider_schema(schema):
    assert TAGGABLE_FILE.read_text() == render_schema(schema), "stale: run python -m aspects.data.generate_taggable"


def test_criteria_on_a_schema_excerpt():
    schema = excerpt(
        {
            "aws_a": {
                "attributes": {"tags": {"optional": True, "type": ["map", "string"]}, "tags_all": {"computed": True}}
            },
            "aws_own": {"attributes": {"tags": {"optional": True, "type": ["map", "string"]}}},
            "aws_inspector_resource_group": {"attributes": {"tags": {"required": True, "type": ["map", "string"]}}},
            "aws_blocks": {"block_types": {"tag": {"block": {"attributes": {"key": {}, "value": {}}}}}},
            "aws_plain": {"attributes": {"name": {"optional": True}}},
        }
    )
    assert taggable_types(schema) == ["aws_a"]
    assert without_default_tags(schema) == ["aws_own"]  # the inspector filter is excluded by review
    assert tag_blocks(schema) == {"aws_blocks": "tag"}


def test_known_types():
    types = taggable_resource_types()
    assert {"aws_s3_bucket", "aws_lambda_function", "aws_dynamodb_table", "aws_autoscaling_group"} <= types
    assert not {"aws_iam_role_policy", "aws_s3_bucket_policy", "aws_inspector_resource_group"} & types
    assert taggability().tag_blocks == {"aws_autoscaling_group": "tag"}
