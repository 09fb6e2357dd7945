"""govern(), suppress() and the report on a stack built with the library under test (cdktf or cdktn).

Real full synths (``Testing.full_synth``: aspects, validations, error annotations), exact findings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aspects import GovernancePolicy, govern, suppress, suppressions_of, synth_app
from aspects.testing import governance_report
from tests.toolkit.conftest import LIBRARY
from tests.toolkit.stacks import TEAM_TAGS, WILDCARD, resource, team_stack

POLICY = GovernancePolicy.with_tags()  # the built-in defaults, whatever ./governance.toml says
VIOLATIONS = [
    ("FIN-004", "aws_lambda_function.render_fn", "team-dev/render_fn", "architectures"),
    ("FIN-006", "aws_cloudwatch_log_group.render_logs", "team-dev/render_logs", "retention_in_days"),
    ("FIN-002", "aws_iam_policy.render_policy", "team-dev/render_policy", WILDCARD),
]


def synthesized(lib, stack) -> dict:
    outdir = lib.Testing.full_synth(stack)
    return json.loads(Path(outdir, "stacks", stack.node.id, "cdk.tf.json").read_text())


def test_the_handle_names_the_library(lib):
    _, stack = team_stack(lib, fixed=True)
    governance = govern(stack, POLICY)
    assert governance.library == LIBRARY
    assert governance.report is None  # set by the validation during synth


def test_a_full_synth_fails_listing_every_violation(lib):
    _, stack = team_stack(lib)
    governance = govern(stack, POLICY)
    with pytest.raises(RuntimeError) as raised:
        lib.Testing.full_synth(stack)
    for rule, address, path, _ in VIOLATIONS:
        assert f"[{path}] {rule} " in str(raised.value) and f"({address})" in str(raised.value)
    assert [(f.rule_id, f.address, f.construct_path, f.key) for f in governance.report.findings] == VIOLATIONS


def test_the_fixed_stack_synthesizes_clean_and_is_tagged(lib):
    _, stack = team_stack(lib, fixed=True)
    governance = govern(stack, POLICY)
    document = synthesized(lib, stack)
    assert governance.report.findings == () and governance.report.suppressed == ()
    # the tag aspect visited the resources: ManagedBy (the only default) added where default_tags lack it
    for type_, name in [("aws_s3_bucket", "reports_ok"), ("aws_lambda_function", "render_fn")]:
        assert document["resource"][type_][name]["tags"] == {"ManagedBy": "cdktf"}
    assert document["provider"]["aws"][0]["default_tags"] == [{"tags": TEAM_TAGS}]
    assert document["//"]["governance"]["policy"] == POLICY.to_record()


def test_tags_missing_from_default_tags_are_applied_or_reported(lib):
    _, stack = team_stack(lib, fixed=True)
    governance = govern(stack, GovernancePolicy.with_tags(Owner="platform", Team="b"))
    document = synthesized(lib, stack)
    assert governance.report.findings == ()
    assert document["resource"]["aws_s3_bucket"]["reports_ok"]["tags"] == {"ManagedBy": "cdktf", "Team": "b"}


def test_suppressions_are_inherited_recorded_and_honoured(lib):
    from constructs import Construct

    _, stack = team_stack(lib)
    legacy = Construct(stack, "legacy")
    resource(lib, legacy, "x86_fn", "aws_lambda_function", function_name="legacy", architectures=["x86_64"])
    resource(lib, legacy, "x86_logs", "aws_cloudwatch_log_group", name="/aws/lambda/legacy", retention_in_days=7)
    reason = "vendor library ships x86 wheels only, until 2027"
    suppress(legacy, "FIN-004", reason, expires="2099-01-01")
    assert [r["reason"] for r in suppressions_of(stack.node.find_child("legacy").node.find_child("x86_fn"))] == [reason]
    govern(stack, POLICY)
    report = governance_report(stack)
    suppressed = [("FIN-004", "aws_lambda_function.legacy_x86_fn_C6908045")]  # cdktf's unique id of legacy/x86_fn
    assert [(f.rule_id, f.address) for f in report.suppressed] == suppressed
    assert [f.suppressed_by.reason for f in report.suppressed] == [reason]
    assert [(f.rule_id, f.address, f.construct_path, f.key) for f in report.findings] == VIOLATIONS


def test_govern_refuses_what_is_not_a_stack_and_a_second_call(lib):
    app, stack = team_stack(lib, fixed=True)
    with pytest.raises(TypeError, match="govern\\(\\) expects a TerraformStack, got App"):
        govern(app)
    with pytest.raises(TypeError, match="govern\\(\\) expects a TerraformStack: expected a construct"):
        govern(object())
    govern(stack, POLICY)
    with pytest.raises(ValueError, match="already called on stack 'team-dev'"):
        govern(stack, POLICY)


def test_synth_app_lists_every_error_once_and_exits_1(lib, tmp_path, capsys):
    app, stack = team_stack(lib, app=lib.App(outdir=str(tmp_path / "out")))
    governance = govern(stack, POLICY)
    assert synth_app(app) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "error: synth failed with 3 governance/validation errors:",
        *(f"  [{f.construct_path}] {f.format()}" for f in governance.report.errors),
    ]
    assert [f.rule_id for f in governance.report.errors] == [rule for rule, *_ in VIOLATIONS]


def test_synth_app_reports_each_governed_stack(lib, tmp_path, capsys):
    app, stack = team_stack(lib, fixed=True, app=lib.App(outdir=str(tmp_path / "out")))
    govern(stack, POLICY)
    assert synth_app(app) == 0
    assert capsys.readouterr().out == (
        f"synthesized {tmp_path / 'out'}: 1 governed stack(s)\n"
        "governance: team-dev: 0 errors, 0 warnings, 0 suppressed (policy: govern() argument)\n"
    )
    assert (tmp_path / "out" / "stacks" / "team-dev" / "cdk.tf.json").is_file()
