"""The cdktf adapter: govern() makes a real full synth fail, listing every violation at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsii
import pytest

from aspects import GovernancePolicy, govern, suppress
from aspects.document import evaluate_document
from tests.aspects.govern_cases import (
    ALL_TAGS,
    EXPECTED_SUPPRESSED,
    EXPECTED_VIOLATIONS,
    TODAY,
    full_synth,
    function,
    policy_json,
)
from tfcdk import App, Aspects, IAspect, TerraformResource, TerraformStack

HERE = Path(__file__).parent


def test_all_violations_in_one_run(violations):
    assert violations.findings() == EXPECTED_VIOLATIONS
    assert violations.suppressed() == EXPECTED_SUPPRESSED


def test_synth_fails_with_one_line_per_error_naming_everything(violations):
    assert violations.error is not None and 'Encountered Annotations with level "ERROR"' in violations.error
    lines = [line for line in violations.error.splitlines() if line.startswith("[")]
    errors = violations.governance.report.errors
    assert len(lines) == len(errors) == len(EXPECTED_VIOLATIONS) - 1  # FIN-011 is a warning
    for finding in errors:
        line = f"[{finding.construct_path}] {finding.format()}"
        assert line in lines
        for part in (finding.rule_id, f"[{finding.severity}]", finding.construct_path, finding.address, "Fix: "):
            assert part in line


def test_example_line_format(violations):
    line = next(
        f.format()
        for f in violations.governance.report.findings
        if f.address == "aws_lambda_function.fn_missing_arch_fail"
    )
    assert line == (
        "FIN-004 [MEDIUM] violations/fn_missing_arch_fail (aws_lambda_function.fn_missing_arch_fail): "
        "Lambda functions run on arm64: architectures is missing (x86_64), not ['arm64']. "
        'Fix: Set architectures=["arm64"] on the function.'
    )


def test_warnings_are_annotated_but_do_not_fail(clean):
    assert clean.error is None
    assert [f.rule_id for f in clean.governance.report.findings] == ["FIN-011"]
    logs = clean.stack.node.find_child("logs")
    warnings = [m.data for m in logs.node.metadata if m.type == "@cdktf/warn"]
    assert len(warnings) == 1 and warnings[0].startswith("FIN-011 [LOW] clean/logs")


def test_clean_stack_document_carries_the_suppression_record(clean):
    meta = clean.document["resource"]["aws_iam_policy"]["reader"]["//"]
    assert meta["governance"]["suppressions"] == [
        {
            "rule": "FIN-002",
            "reason": "listing prefixes needs all List actions",
            "finding": "s3:List*",
            "source": "clean/reader",
        }
    ]
    # the plain document evaluator (what CI and checkov see) agrees with the synth-time result
    report = evaluate_document(clean.document, today=TODAY)
    assert report.errors == () and {f.key for f in report.suppressed} == {"s3:List*"}


def test_untagged_stack_gets_every_policy_tag():
    from tests.aspects.govern_cases import build_untagged

    result = full_synth(*build_untagged(App()))
    assert result.error is None and result.governance.report.findings == ()
    assert result.document["resource"]["aws_s3_bucket"]["bucket"]["tags"] == {**ALL_TAGS, "Owner": "data-team"}
    assert "tags" not in result.document["resource"]["aws_iam_role_policy"]["untaggable"]


@jsii.implements(IAspect)
class BreakEverything:
    """A user aspect that runs AFTER govern's tag aspect on the same nodes and breaks the rules."""

    def visit(self, node):
        if isinstance(node, TerraformResource) and node.terraform_resource_type == "aws_lambda_function":
            node.add_override("architectures", ["x86_64"])
            node.add_override("tags.Owner", "")


def test_validation_sees_changes_made_by_aspects_that_run_after_tagging():
    stack = TerraformStack(App(), "ordering")
    from tests.aspects.govern_cases import AwsProvider, LogGroup

    AwsProvider(stack, "aws", region="eu-west-1", default_tags=[{"tags": ALL_TAGS}])
    logs = LogGroup(stack, "logs", name="/app/o", retention_in_days=7)
    governance = govern(stack, today=TODAY)
    Aspects.of(stack).add(BreakEverything())  # added after govern: runs after the tag aspect per node
    function(stack, "fn", log_group=logs)
    result = full_synth(stack, governance)
    assert result.findings() == {
        ("FIN-004", "aws_lambda_function.fn", "architectures", "FAILED"),
        ("FIN-001", "aws_lambda_function.fn", "Owner", "FAILED"),
    }
    assert result.error is not None


def test_govern_rejects_non_stacks_and_double_registration():
    stack = TerraformStack(App(), "twice")
    govern(stack)
    with pytest.raises(ValueError, match="already"):
        govern(stack)
    with pytest.raises(TypeError):
        govern(App())


def test_suppress_rejects_a_short_reason():
    stack = TerraformStack(App(), "short")
    with pytest.raises(ValueError, match="at least 10"):
        suppress(stack, "FIN-001", "because")


def test_policy_document_json_is_the_exact_shape_terraform_reads(violations):
    policy = violations.document["resource"]["aws_iam_policy"]["iam_exact_ok"]["policy"]
    assert json.loads(policy) == json.loads(
        policy_json({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"})
    )


def test_real_app_exits_non_zero_and_continue_on_error_does_not_hide_violations(tmp_path):
    """``python app.py`` fails; with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS it writes cdk.tf.json, and the
    document-level evaluator (what the test suite and the checkov layer run) still finds every violation."""
    env = {k: v for k, v in os.environ.items() if k != "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS"}
    failing = subprocess.run(
        [sys.executable, HERE / "violating_app.py", tmp_path / "fail"],
        env=env,
        capture_output=True,
        text=True,
        cwd=HERE.parent.parent,
        timeout=120,
    )
    assert failing.returncode != 0
    assert "FIN-004 [MEDIUM] violations/fn_missing_arch_fail (aws_lambda_function.fn_missing_arch_fail)" in (
        failing.stderr + failing.stdout
    )
    assert not (tmp_path / "fail" / "stacks" / "violations" / "cdk.tf.json").exists()

    env["CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS"] = "1"
    passing = subprocess.run(
        [sys.executable, HERE / "violating_app.py", tmp_path / "ok"],
        env=env,
        capture_output=True,
        text=True,
        cwd=HERE.parent.parent,
        timeout=120,
    )
    assert passing.returncode == 0, passing.stderr
    document = json.loads((tmp_path / "ok" / "stacks" / "violations" / "cdk.tf.json").read_text())
    report = evaluate_document(document, GovernancePolicy(min_pitr_recovery_days=14), today=TODAY)
    assert {(f.rule_id, f.address, f.key, f.status) for f in report.findings} == EXPECTED_VIOLATIONS

    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "aspects.cli",
            tmp_path / "ok",
            "--today",
            TODAY.isoformat(),
        ],
        capture_output=True,
        text=True,
        cwd=HERE.parent.parent,
        timeout=60,
    )
    assert cli.returncode == 1
    assert f"{len(EXPECTED_VIOLATIONS) - 1} errors, 1 warnings, {len(EXPECTED_SUPPRESSED)} suppressed" in cli.stdout
    assert "(policy: recorded in" in cli.stdout  # the app's min_pitr_recovery_days=14 travels with the document


@jsii.implements(IAspect)
class AddManagedByTag:
    """A user aspect that tags resources itself (like a team's own tagging aspect)."""

    def visit(self, node):
        if isinstance(node, TerraformResource) and node.terraform_resource_type == "aws_s3_bucket":
            node.add_override("tags.ManagedBy", "team-aspect")


def _ordering_stack(name: str):
    from tests.aspects.govern_cases import SITE_TAGS, AwsProvider, S3Bucket

    stack = TerraformStack(App(), name)
    AwsProvider(stack, "aws", region="eu-west-1", default_tags=[{"tags": SITE_TAGS}])  # no ManagedBy
    bucket = S3Bucket(stack, "bucket", force_destroy=True)
    return stack, bucket


def test_user_aspect_added_before_govern_runs_first_and_its_tags_are_kept():
    stack, _ = _ordering_stack("user_first")
    Aspects.of(stack).add(AddManagedByTag())
    result = full_synth(stack, govern(stack, today=TODAY))
    assert result.error is None
    assert result.document["resource"]["aws_s3_bucket"]["bucket"]["tags"] == {"ManagedBy": "team-aspect"}


def test_aspect_on_a_child_runs_after_the_stack_level_tag_aspect_and_is_still_validated():
    stack, bucket = _ordering_stack("child_last")
    governance = govern(stack, today=TODAY)
    Aspects.of(bucket).add(AddManagedByTag())  # inherited aspects (ours) run before a node's own
    result = full_synth(stack, governance)
    assert result.document["resource"]["aws_s3_bucket"]["bucket"]["tags"] == {"ManagedBy": "team-aspect"}
    assert result.error is None


@jsii.implements(IAspect)
class GovernFromInsideAnAspect:
    def __init__(self):
        self.governance = None

    def visit(self, node):
        if isinstance(node, TerraformStack) and self.governance is None:
            self.governance = govern(node, today=TODAY)


def test_govern_called_from_inside_an_aspect_still_validates_but_cannot_tag():
    """cdktf never runs an aspect added by another aspect (it only warns), so the tag aspect is lost; the
    validation is not an aspect, so the violations still fail synth. Call govern() at construction time."""
    stack, _ = _ordering_stack("nested")
    nested = GovernFromInsideAnAspect()
    Aspects.of(stack).add(nested)
    result = full_synth(stack, None)
    assert result.error is not None
    assert {(f.rule_id, f.key) for f in nested.governance.report.errors} == {("FIN-001", "ManagedBy")}
    warnings = [m.data for m in stack.node.metadata if m.type == "@cdktf/warn"]
    assert any("Aspect was added via another Aspect" in w for w in warnings)


def test_two_governed_stacks_in_one_app_keep_their_own_policy_and_suppressions():
    from tests.aspects.govern_cases import SITE_TAGS, AwsProvider, S3Bucket

    app = App()
    results = {}
    for name in ("team_a", "team_b"):
        stack = TerraformStack(app, name)
        AwsProvider(stack, "aws", region="eu-west-1", default_tags=[{"tags": SITE_TAGS}])
        bucket = S3Bucket(stack, "bucket")  # no force_destroy: FIN-009
        if name == "team_a":
            suppress(bucket, "FIN-009", "holds the audit trail for 7 years")
        policy = GovernancePolicy.with_tags(ManagedBy=f"cdktf-{name}")
        results[name] = full_synth(stack, govern(stack, policy, today=TODAY))
    assert results["team_a"].error is None and results["team_a"].suppressed() == {
        ("FIN-009", "aws_s3_bucket.bucket", "force_destroy")
    }
    assert results["team_b"].findings() == {("FIN-009", "aws_s3_bucket.bucket", "force_destroy", "FAILED")}
    assert results["team_b"].document["resource"]["aws_s3_bucket"]["bucket"]["tags"] == {"ManagedBy": "cdktf-team_b"}
