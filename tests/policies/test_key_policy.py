"""Unit: policies.key_policy.is_key_policy_statement, the one decision the CKV_FIN_AWS_* checks add."""

import pytest

from policies.key_policy import is_key_policy_statement

ROOT = [{"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root"]}]
KEY_ADMIN = {"actions": ["kms:PutKeyPolicy", "kms:CreateGrant"], "resources": ["*"], "principals": ROOT}


@pytest.mark.parametrize(
    "statement",
    [
        KEY_ADMIN,
        {**KEY_ADMIN, "actions": "kms:Decrypt", "resources": "*"},  # single values
        {**KEY_ADMIN, "actions": ["KMS:Encrypt*"]},  # action names are case-insensitive
        {**KEY_ADMIN, "principals": ROOT[0], "condition": [{"test": "StringEquals"}]},  # one block, unwrapped
    ],
)
def test_key_policy_statements(statement):
    assert is_key_policy_statement(statement) is True


@pytest.mark.parametrize(
    ("statement", "why"),
    [
        ({k: v for k, v in KEY_ADMIN.items() if k != "principals"}, "no principal: an identity policy"),
        ({**KEY_ADMIN, "principals": []}, "empty principals"),
        ({**KEY_ADMIN, "actions": ["kms:Decrypt", "s3:GetObject"]}, "a non-KMS action"),
        ({**KEY_ADMIN, "actions": ["s3:PutObject"]}, "a bucket-policy statement"),
        ({**KEY_ADMIN, "actions": []}, "no actions"),
        ({**KEY_ADMIN, "resources": ["arn:aws:kms:us-east-2:123456789012:key/k"]}, "a named resource"),
        ({**KEY_ADMIN, "resources": ["*", "arn:aws:s3:::b"]}, "more than the key"),
        ({**KEY_ADMIN, "resources": "${var.r}", "actions": "${var.a}"}, "an expression is not *"),
        ({**KEY_ADMIN, "actions": [{"unresolved": 1}]}, "actions that are not strings"),
        ({**KEY_ADMIN, "not_actions": ["kms:Decrypt"]}, "not_actions"),
        ({**KEY_ADMIN, "not_resources": ["*"]}, "not_resources"),
        ({**KEY_ADMIN, "not_principals": ROOT}, "not_principals"),
    ],
)
def test_everything_else_is_analysed(statement, why):
    assert is_key_policy_statement(statement) is False, why
