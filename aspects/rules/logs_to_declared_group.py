"""Services log to a log group declared in the same stack (so FIN-006 governs its retention).

Lambda functions and state machines always; other services when their logging is on, from the reviewed
table of the names AWS uses (:mod:`aspects.data.service_log_groups`): a group AWS would create itself,
outside the stack and without retention, must be declared with exactly that name.
"""

from __future__ import annotations

import itertools
import json
import string
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from aspects.data.service_log_groups import (
    CODEBUILD_DEFAULT_NAME,
    CODEBUILD_PROJECT,
    CODEBUILD_SOURCE,
    DESTINATIONS,
    ECS_TASK_DEFINITION,
    NAMED,
    LogDestination,
    NamedLogGroup,
)
from aspects.result import COMPLIANT, NOT_APPLICABLE, Issue, RuleResult
from aspects.values import Unknown, as_list, expression, first_block, has_token, parse_jsonencode, truthy, values_at

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource


def _lambda(resource: Resource, context: StackContext) -> list[Issue]:
    logging = first_block(resource.config.get("logging_config")) or {}
    target = logging.get("log_group")
    if target is None:
        function_name = resource.config.get("function_name")
        if not isinstance(function_name, str):
            return [Issue("log_group", "function_name is missing")]
        target = f"/aws/lambda/{function_name}"
        own = f"/aws/lambda/${{aws_lambda_function.{resource.name}.function_name}}"
        if any(cfg.get("name") == own for cfg in context.log_groups.values()):
            return []
    if context.declared_log_group(target):
        return []
    return [Issue("log_group", f"logs go to {target!r}, which is not a log group declared in this stack")]


def _state_machine(resource: Resource, context: StackContext) -> list[Issue]:
    logging = first_block(resource.config.get("logging_configuration"))
    if not logging:
        return [Issue("logging_configuration", "logging_configuration is missing")]
    issues = []
    if logging.get("level", "OFF") == "OFF":
        issues.append(Issue("level", "logging_configuration.level is OFF"))
    destination = logging.get("log_destination")
    if not context.declared_log_group(destination):
        issues.append(
            Issue("log_destination", f"log_destination {destination!r} is not a log group declared in this stack")
        )
    return issues


def _is_on(on: str, value: Any, default_on: bool = False) -> bool | None:
    """Whether a trigger value turns logging on; None when it is computed."""
    if isinstance(value, Unknown) or has_token(value):
        return None
    if value is None:
        return default_on
    if on == "items":
        return bool(as_list(value))
    if on == "not_off":
        return str(value).upper() != "OFF"
    if on == "codebuild":
        return str(value).upper() != "DISABLED"
    if on == "flow_log":
        return value == "cloud-watch-logs"
    if on == "cloudwatch-logs":
        return value == "cloudwatch-logs"
    if isinstance(value, Mapping | list):
        return True  # a block that is present (log_config { ... })
    return truthy(value) is True


def _forms(resource: Resource, argument: str, context: StackContext) -> tuple[set[str], bool]:
    """The ways a declared group's name may spell this argument's value, and whether it is computed."""
    self_reference = f"${{{resource.type}.{resource.name}.{argument}}}"
    value = resource.config.get(argument)
    forms = {self_reference}
    if isinstance(value, str):
        forms.add(value)
        resolved = context.resolve(value)
        if resolved is not None:
            forms.add(resolved)
        return forms, expression(value) is not None and resolved is None
    return forms, False


def _expected_names(
    entry: NamedLogGroup, resource: Resource, item: str | None, context: StackContext
) -> tuple[set[str], bool]:
    fields = [name for _, name, _, _ in string.Formatter().parse(entry.name) if name and name != "item"]
    choices = []
    computed = False
    for field in fields:
        forms, unknown = _forms(resource, field, context)
        computed = computed or unknown
        choices.append(sorted(forms))
    names = set()
    for combination in itertools.product(*choices):
        names.add(entry.name.format(item=item, **dict(zip(fields, combination, strict=True))))
    return names, computed


def _declared_names(context: StackContext) -> set[str]:
    return {cfg["name"] for cfg in context.log_groups.values() if isinstance(cfg.get("name"), str)}


def _named(entry: NamedLogGroup, resource: Resource, context: StackContext) -> Iterator[Issue]:
    for where, value in values_at(resource.config, entry.trigger):
        on = _is_on(entry.on, value, entry.default_on)
        if on is None:
            yield Issue(where, f"{where} is {value!r}: cannot tell whether logging is on", unknown=True)
            continue
        if not on:
            continue
        items: list[Any] = as_list(value) if entry.on == "items" else [None]
        seen: set[str] = set()
        for item in items:
            if item is not None and (not isinstance(item, str) or has_token(item)):
                yield Issue(where, f"{where} has the computed entry {item!r}", unknown=True)
                continue
            expected, computed = _expected_names(entry, resource, item, context)
            if expected & _declared_names(context) or seen & expected:
                continue
            seen |= expected
            shown = min(expected, key=lambda n: (has_token(n), len(n)))
            key = f"{where}:{item}" if item is not None else where
            yield Issue(
                key,
                f"{where} turns on logging to {shown!r}, which AWS creates without retention: it is not a log "
                "group declared in this stack",
                unknown=computed,
            )


def _destination(entry: LogDestination, resource: Resource, context: StackContext) -> Iterator[Issue]:
    if entry.trigger is not None:
        default_on = entry.on == "flow_log"
        states = [_is_on(entry.on, value, default_on) for _, value in values_at(resource.config, entry.trigger)]
        if not any(state is not False for state in states or [default_on]):
            return
    for where, value in values_at(resource.config, entry.destination):
        if value is not None:
            yield from _must_be_declared(where, value, context)


def _must_be_declared(where: str, value: Any, context: StackContext) -> Iterator[Issue]:
    if context.declared_log_group(value):
        return
    computed = isinstance(value, Unknown) or (has_token(value) and "aws_cloudwatch_log_group." not in str(value))
    shown = value.source if isinstance(value, Unknown) else value
    yield Issue(
        where, f"{where} sends logs to {shown!r}, which is not a log group declared in this stack", unknown=computed
    )


def _codebuild(resource: Resource, context: StackContext) -> Iterator[Issue]:
    """CodeBuild logs to CloudWatch unless told not to: into group_name, or /aws/codebuild/<project>."""
    logs = first_block(resource.config.get("logs_config")) or {}
    cloudwatch = first_block(logs.get("cloudwatch_logs")) or {}
    status = cloudwatch.get("status", "ENABLED")
    on = _is_on("codebuild", status)
    if on is False:
        return
    if on is None:
        yield Issue("logs_config", f"logs_config.cloudwatch_logs.status is {status!r}", unknown=True)
        return
    group = cloudwatch.get("group_name")
    if group is not None:
        yield from _must_be_declared("logs_config.cloudwatch_logs.group_name", group, context)
        return
    default = NamedLogGroup(resource.type, "name", "true", CODEBUILD_DEFAULT_NAME, CODEBUILD_SOURCE)
    expected, computed = _expected_names(default, resource, None, context)
    if not expected & _declared_names(context):
        shown = min(expected, key=lambda n: (has_token(n), len(n)))
        yield Issue(
            "logs_config",
            f"CodeBuild logs to {shown!r} by default (logs_config.cloudwatch_logs.status is ENABLED unless set), "
            "which AWS creates without retention: it is not a log group declared in this stack",
            unknown=computed,
        )


def _containers(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_jsonencode(value) if value.startswith("${jsonencode(") else json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


def _ecs(resource: Resource, context: StackContext) -> Iterator[Issue]:
    value = resource.config.get("container_definitions")
    containers = _containers(value)
    if containers is None:
        if value is not None:
            yield Issue(
                "container_definitions",
                "container_definitions is computed: cannot tell whether a container creates its log group",
                unknown=True,
            )
        return
    for index, container in enumerate(containers):
        if not isinstance(container, Mapping):
            yield Issue("container_definitions", f"container {index} is not a literal object", unknown=True)
            continue
        config = container.get("logConfiguration")
        if not isinstance(config, Mapping) or config.get("logDriver") != "awslogs":
            continue
        raw_options = config.get("options")
        options: Mapping[str, Any] = raw_options if isinstance(raw_options, Mapping) else {}
        create = options.get("awslogs-create-group")
        if create is None or str(create).lower() != "true":
            continue
        group = options.get("awslogs-group")
        if context.declared_log_group(group):
            continue
        name = container.get("name", index)
        yield Issue(
            f"container {name}",
            f"container {name!r} creates the log group {group!r} (awslogs-create-group), which is not a log group "
            "declared in this stack",
            unknown=isinstance(group, Unknown) or (isinstance(group, str) and has_token(group)),
        )


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource":
        return NOT_APPLICABLE
    if resource.type == "aws_lambda_function":
        return RuleResult.from_issues(_lambda(resource, context))
    if resource.type == "aws_sfn_state_machine":
        return RuleResult.from_issues(_state_machine(resource, context))
    issues: list[Issue] = []
    applies = False
    for named in NAMED:
        if named.type == resource.type:
            applies = True
            issues += _named(named, resource, context)
    for destination in DESTINATIONS:
        if destination.type == resource.type:
            applies = True
            issues += _destination(destination, resource, context)
    if resource.type == ECS_TASK_DEFINITION:
        applies = True
        issues += _ecs(resource, context)
    if resource.type == CODEBUILD_PROJECT:
        applies = True
        issues += _codebuild(resource, context)
    if not applies:
        return NOT_APPLICABLE
    return RuleResult.from_issues(issues) if issues else COMPLIANT
