"""FIN-003: a KMS key policy allowing kms:* to the account root is a documented, suppressible finding."""

import json

from aspects.rules.kms_root_key_admin import check
from tests.aspects.govern_cases import expected_findings, expected_suppressed
from tests.aspects.rules.rule_cases import FAIL, NA, OK, run

ROOT = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}


def test_synth_findings_are_exact(violations):
    assert violations.findings("FIN-003") == expected_findings("FIN-003")
    assert violations.suppressed("FIN-003") == expected_suppressed("FIN-003")


def test_root_principal_with_interpolated_account_id():
    statement = {**ROOT, "Principal": {"AWS": "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"}}
    policy = json.dumps({"Statement": [statement]})
    assert run(check, "aws_kms_key_policy", {"policy": policy}) == (FAIL, {"kms:*"}, set())


def test_named_role_or_explicit_actions_are_not_root_admin():
    role = {**ROOT, "Principal": {"AWS": "arn:aws:iam::111122223333:role/admin"}}
    explicit = {**ROOT, "Action": ["kms:Describe*", "kms:Encrypt"]}
    policy = json.dumps({"Statement": [role, explicit]})
    assert run(check, "aws_kms_key", {"policy": policy}) == (OK, set(), set())
    assert run(check, "aws_iam_policy", {"policy": json.dumps({"Statement": [ROOT]})})[0] is NA


def test_bare_account_id_principal_is_the_root():
    policy = json.dumps({"Statement": [{**ROOT, "Principal": {"AWS": ["111122223333"]}}]})
    assert run(check, "aws_kms_key", {"policy": policy}) == (FAIL, {"kms:*"}, set())
