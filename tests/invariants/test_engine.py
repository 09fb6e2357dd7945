"""The engine on hand-written documents (no synth): addresses, construct paths, counts, unknowns, output."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .checks import attribute, equals, exact_resources, governed, is_unscoped
from .engine import ANY, NONE, Context, Invariant, Node, Offence, anything, evaluate, exactly, report


def doc(**resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "provider": {"aws": [{"region": "us-east-2", "default_tags": [{"tags": {"Environment": "dev"}}]}]},
        "resource": resources,
    }


def fn(name: str, **body: Any) -> dict[str, Any]:
    return {name: {"//": {"metadata": {"path": f"pipeline-dev/{name}/function"}}, **body}}


def ctx(document: dict[str, Any]) -> Context:
    return Context(document=document, suffix="dev", region="us-east-2")


ARM64 = Invariant(
    id="T-ARM64",
    area="Test",
    description="arm64.",
    select="$.resource.aws_lambda_function.*",
    check=attribute("architectures", equals(["arm64"])),
    expected='architectures == ["arm64"]',
)


def test_a_failure_names_rule_address_construct_path_location_value_and_expectation() -> None:
    (failure,) = evaluate(ARM64, ctx(doc(aws_lambda_function=fn("f", architectures=["x86_64"]))))
    assert (failure.rule, failure.address, failure.construct_path, failure.at, failure.value) == (
        "T-ARM64",
        "aws_lambda_function.f",
        "pipeline-dev/f/function",
        "architectures",
        ["x86_64"],
    )
    assert str(failure) == (
        "[T-ARM64] aws_lambda_function.f\n"
        "    construct: pipeline-dev/f/function\n"
        "    at:        architectures\n"
        '    found:     ["x86_64"]\n'
        '    expected:  architectures == ["arm64"]'
    )
    assert report([failure]).startswith("1 invariant failure(s):\n[T-ARM64]")


def test_a_missing_attribute_fails_visibly() -> None:
    (failure,) = evaluate(ARM64, ctx(doc(aws_lambda_function=fn("f"))))
    assert "found:     <missing>" in str(failure)


def test_selecting_nothing_is_a_failure_not_a_pass() -> None:
    (failure,) = evaluate(ARM64, ctx(doc()))
    assert failure.address == "(selector) $.resource.aws_lambda_function.*"
    assert "0 applicable of 0 selected" in str(failure.value)


def test_any_count_allows_nothing_and_exact_count_is_enforced() -> None:
    assert evaluate(replace(ARM64, count=ANY), ctx(doc())) == []
    two = doc(aws_lambda_function={**fn("a", architectures=["arm64"]), **fn("b", architectures=["arm64"])})
    (failure,) = evaluate(replace(ARM64, count=exactly(1)), ctx(two))
    assert "2 applicable of 2 selected" in failure.value and "pipeline-dev/a/function" in failure.value


def test_none_count_reports_every_present_node() -> None:
    forbidden = Invariant(
        id="T-NO-NAT",
        area="Test",
        description="none.",
        select="$.resource.aws_nat_gateway.*",
        count=NONE,
        check=anything,
        expected="none",
    )
    assert evaluate(forbidden, ctx(doc())) == []
    failures = evaluate(forbidden, ctx(doc(aws_nat_gateway={**fn("x", subnet_id="s"), **fn("y")})))
    assert [(f.address, f.construct_path) for f in failures] == [
        ("aws_nat_gateway.x", "pipeline-dev/x/function"),
        ("aws_nat_gateway.y", "pipeline-dev/y/function"),
    ]
    assert failures[0].value == {"subnet_id": "s"}


def test_a_check_that_raises_is_a_failure() -> None:
    def broken(node: Node, context: Context) -> list[Any]:
        raise KeyError("role")

    invariant = replace(ARM64, check=broken)
    (failure,) = evaluate(invariant, ctx(doc(aws_lambda_function=fn("f"))))
    assert failure.value == "<cannot evaluate: KeyError: 'role'>"


def test_an_unresolvable_reference_is_a_failure() -> None:
    invariant = replace(ARM64, check=exact_resources(frozenset()))
    (failure,) = evaluate(invariant, ctx(doc(aws_lambda_function=fn("f", role="${aws_iam_role.gone.arn}"))))
    assert "does not declare" in failure.value


def test_statement_nodes_are_addressed_by_their_document_and_index() -> None:
    document = {
        "data": {
            "aws_iam_policy_document": {
                "p": {
                    "//": {"metadata": {"path": "pipeline-dev/p"}},
                    "statement": [{"sid": "Ok", "actions": ["s3:GetObject"]}, {"sid": "Bad", "actions": ["s3:*"]}],
                }
            }
        }
    }
    invariant = Invariant(
        id="T-WILD",
        area="Test",
        description="wild.",
        select="$.data.aws_iam_policy_document.*.statement[*]",
        check=lambda node, _: (Offence(a, at="actions") for a in node.value["actions"] if "*" in a),
        expected="no *",
    )
    (failure,) = evaluate(invariant, ctx(document))
    assert (failure.address, failure.construct_path, failure.at, failure.value) == (
        "data.aws_iam_policy_document.p",
        "pipeline-dev/p",
        "statement[1] / actions",
        "s3:*",
    )


def test_governed_reports_the_evaluator_findings_of_one_rule_on_the_node() -> None:
    document = doc(aws_lambda_function={**fn("x86"), **fn("arm", architectures=["arm64"])})
    invariant = Invariant(id="T-GOV", area="Test", description="arm.", select="$.resource.aws_lambda_function.*",
                          check=governed("FIN-004"), expected="no FIN-004 finding")  # fmt: skip
    (failure,) = evaluate(invariant, ctx(document))
    assert (failure.address, failure.at) == ("aws_lambda_function.x86", "architectures")
    assert "Lambda functions run on arm64: architectures is missing (x86_64)" in failure.value


def test_placeholders_in_expectations_are_filled() -> None:
    invariant = replace(ARM64, expected="named for <suffix> in <region>")
    (failure,) = evaluate(invariant, ctx(doc(aws_lambda_function=fn("f"))))
    assert failure.expected == "named for dev in us-east-2"


def test_unscoped_resources() -> None:
    assert is_unscoped("*") and is_unscoped("arn:aws:s3:::*") and is_unscoped("arn:aws:dynamodb:*:1:table/t")
    assert not is_unscoped("${aws_dynamodb_table.t.arn}") and not is_unscoped("${aws_s3_bucket.b.arn}/raw/*")
    assert not is_unscoped("arn:aws:ec2:us-east-2:123456789012:network-interface/*")
