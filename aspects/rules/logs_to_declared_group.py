"""Lambda functions and state machines log to a log group declared in the same stack."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aspects.rules._result import COMPLIANT, NOT_APPLICABLE, Issue, RuleResult
from aspects.rules._terraform import first_block

if TYPE_CHECKING:
    from aspects.document import Resource, StackContext


def _lambda(resource: Resource, context: StackContext) -> RuleResult:
    logging = first_block(resource.config.get("logging_config")) or {}
    target = logging.get("log_group")
    if target is None:
        function_name = resource.config.get("function_name")
        if not isinstance(function_name, str):
            return RuleResult.from_issues([Issue("log_group", "function_name is missing")])
        target = f"/aws/lambda/{function_name}"
        own = f"/aws/lambda/${{aws_lambda_function.{resource.name}.function_name}}"
        if any(cfg.get("name") == own for cfg in context.log_groups.values()):
            return COMPLIANT
    if context.declared_log_group(target):
        return COMPLIANT
    return RuleResult.from_issues(
        [Issue("log_group", f"logs go to {target!r}, which is not a log group declared in this stack")]
    )


def _state_machine(resource: Resource, context: StackContext) -> RuleResult:
    logging = first_block(resource.config.get("logging_configuration"))
    if not logging:
        return RuleResult.from_issues([Issue("logging_configuration", "logging_configuration is missing")])
    issues = []
    if logging.get("level", "OFF") == "OFF":
        issues.append(Issue("level", "logging_configuration.level is OFF"))
    destination = logging.get("log_destination")
    if not context.declared_log_group(destination):
        issues.append(
            Issue(
                "log_destination",
                f"log_destination {destination!r} is not a log group declared in this stack",
            )
        )
    return RuleResult.from_issues(issues)


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource":
        return NOT_APPLICABLE
    if resource.type == "aws_lambda_function":
        return _lambda(resource, context)
    if resource.type == "aws_sfn_state_machine":
        return _state_machine(resource, context)
    return NOT_APPLICABLE
