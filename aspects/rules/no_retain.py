"""Nothing keeps a resource or makes ``terraform destroy`` fail.

The arguments that can, per resource type and with their defaults, come from the provider schema through
a reviewed table (:func:`aspects.data.destroy_protection`); ``lifecycle.prevent_destroy`` applies to every
resource.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aspects.data import destroy_protection, never_destroyed
from aspects.result import NOT_APPLICABLE, Issue, RuleResult
from aspects.values import Unknown, first_block, has_token, truthy, values_at

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource


def _shown(value: Any) -> str:
    """A value as Terraform writes it (true, "ACTIVE"), or "missing"."""
    return "missing" if value is None else json.dumps(value)


def _blocks_when(entry: Mapping[str, Any], where: str, value: Any) -> Issue | None:
    values = entry["values"]
    effective = entry["default"] if value is None else value
    if effective is None:
        return None
    if isinstance(value, Unknown) or has_token(value):
        return Issue(entry["argument"], f"{where} is {value!r}", unknown=True)
    if values == [True]:
        blocked = truthy(effective) is True
    else:
        blocked = isinstance(effective, str) and effective.upper() in {v.upper() for v in values}
    if not blocked:
        return None
    state = f"is {_shown(value)}" if value is not None else f"is not set (default {_shown(entry['default'])})"
    return Issue(entry["argument"], f"{where} {state}: {entry['effect']}")


def _required(entry: Mapping[str, Any], where: str, value: Any) -> Issue | None:
    if isinstance(value, Unknown) or has_token(value):
        return Issue(entry["argument"], f"{where} is {value!r}", unknown=True)
    if truthy(value) is True:
        return None
    return Issue(entry["argument"], f"{where} is {_shown(value)}, not true: {entry['effect']}")


def _final_snapshot(entry: Mapping[str, Any], config: Mapping[str, Any], where: str, value: Any) -> Issue | None:
    if has_token(value):
        return Issue(entry["argument"], f"{where} is {value!r}", unknown=True)
    if truthy(value) is True:
        return None
    companion = config.get(entry["companion"])
    if companion is not None and companion != "":
        return None
    return Issue(
        entry["argument"],
        f"{where} is {_shown(value)} and {entry['companion']} is not set: {entry['effect']}",
    )


def check(resource: Resource, context: StackContext) -> RuleResult:
    if resource.mode != "resource":
        return NOT_APPLICABLE
    issues = []
    lifecycle = first_block(resource.config.get("lifecycle")) or {}
    prevent = truthy(lifecycle.get("prevent_destroy"))
    if prevent is not False:
        issues.append(Issue("prevent_destroy", "lifecycle.prevent_destroy is set", unknown=prevent is None))
    reason = never_destroyed().get(resource.type)
    if reason:
        issues.append(Issue(resource.type, f"{resource.type} cannot be destroyed: {reason}"))
    for entry in destroy_protection().get(resource.type, ()):
        for where, value in values_at(resource.config, entry["argument"]):
            kind = entry["kind"]
            if kind == "blocks_when":
                issue = _blocks_when(entry, where, value)
            elif kind == "required":
                issue = _required(entry, where, value)
            else:
                issue = _final_snapshot(entry, resource.config, where, value)
            if issue is not None:
                issues.append(issue)
    return RuleResult.from_issues(issues)
