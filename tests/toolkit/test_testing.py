"""aspects.testing: the assertions run the real validation and say exactly what is wrong and where."""

from __future__ import annotations

import pytest

from aspects import GovernancePolicy, govern
from aspects.testing import Allow, GovernanceAssertionError, assert_governed, governance_findings
from tests.toolkit.stacks import WILDCARD, resource, team_stack

POLICY = GovernancePolicy.with_tags()


def governed(lib, *, fixed: bool = False, policy: GovernancePolicy = POLICY):
    _, stack = team_stack(lib, fixed=fixed)
    govern(stack, policy)
    return stack


def test_findings_are_those_of_a_full_synth(lib):
    findings = governance_findings(governed(lib))
    assert [(f.rule_id, f.level, f.address, f.key) for f in findings] == [
        ("FIN-004", "error", "aws_lambda_function.render_fn", "architectures"),
        ("FIN-006", "error", "aws_cloudwatch_log_group.render_logs", "retention_in_days"),
        ("FIN-002", "error", "aws_iam_policy.render_policy", WILDCARD),
    ]
    assert governance_findings(governed(lib, fixed=True)) == []


def test_warnings_are_findings_but_do_not_fail_unless_asked(lib):
    stack = governed(lib, policy=GovernancePolicy(rules={"FIN-004": "warning", "FIN-006": "off", "FIN-002": "off"}))
    assert [(f.rule_id, f.level) for f in governance_findings(stack)] == [("FIN-004", "warning")]
    assert governance_findings(stack, warnings=False) == []
    assert_governed(stack)
    with pytest.raises(GovernanceAssertionError, match="FIN-004 \\[MEDIUM\\] warning at aws_lambda_function"):
        assert_governed(stack, warnings=True)


def test_a_failure_names_rule_address_construct_key_problem_and_fix(lib):
    with pytest.raises(GovernanceAssertionError) as raised:
        assert_governed(governed(lib), allow=["FIN-004 aws_lambda_function.render_fn"])
    message = str(raised.value)
    assert message.startswith(
        "stack 'team-dev': 2 governance finding(s) not allowed (3 error(s), 0 warning(s), 0 suppressed in total):\n"
        "  FIN-006 [HIGH] error at aws_cloudwatch_log_group.render_logs\n"
        "      construct: team-dev/render_logs\n"
        "      key:       retention_in_days\n"
        "      problem:   Log groups expire: retention_in_days is missing (never expires); "
        "allowed: 1, 3, 5, 7, 14, 30, ..., 3653.\n"
        "      fix:       Set retention_in_days to one of the values the policy allows "
        "([logs] allowed_retention_days).\n"
        "  FIN-002 [HIGH] error at aws_iam_policy.render_policy\n"
        "      construct: team-dev/render_policy\n"
        "      key:       s3:*\n"
    ), message
    assert "FIN-004" not in message


def test_allow_entries_must_each_match_a_finding(lib):
    stack = governed(lib)
    allow = [
        "FIN-004 aws_lambda_function.render_fn",
        ("FIN-006", "team-dev/render_logs"),  # construct path
        Allow("FIN-002", "aws_iam_policy.render_policy", key=WILDCARD),
    ]
    report = assert_governed(stack, allow=allow)
    assert len(report.errors) == 3
    with pytest.raises(GovernanceAssertionError) as raised:
        assert_governed(stack, allow=[*allow, "FIN-002 aws_iam_policy.render_policy s3:GetObject"])
    assert str(raised.value) == (
        "allow entries that match no finding (remove or correct them):\n"
        "  FIN-002 aws_iam_policy.render_policy s3:GetObject"
    )


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("FIN-002", "expected 'RULE ADDRESS-OR-PATH \\[KEY\\]'"),
        ("FIN-999 aws_iam_policy.x", "rule 'FIN-999' is not a catalog rule id"),
        ("FIN-002 *", "'at' must name one Terraform address or construct path exactly"),
        ("FIN-002 aws_iam_policy.* s3:*", "'at' must name one"),
        ("FIN-002 aws_iam_policy.x *", "key must name one issue"),
    ],
)
def test_allow_entries_cannot_be_broad(entry, problem):
    with pytest.raises(ValueError, match=problem):
        Allow.parse(entry)


def test_an_ungoverned_stack_is_a_failure_not_a_pass(lib):
    _, stack = team_stack(lib)
    with pytest.raises(GovernanceAssertionError, match="stack 'team-dev' is not governed: govern\\(stack\\) was never"):
        assert_governed(stack)


def test_a_synth_failing_for_another_reason_is_not_swallowed(lib):
    stack = governed(lib, fixed=True)
    broken = resource(lib, stack, "broken", "aws_s3_bucket", bucket="b", force_destroy=True)
    lib.Annotations.of(broken).add_error("the team's own validation failed")
    with pytest.raises(RuntimeError, match="the team's own validation failed"):
        assert_governed(stack)
