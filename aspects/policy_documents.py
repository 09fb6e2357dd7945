"""Find and read every IAM grant a resource carries (pure Python, no cdktf).

Where grants live comes from the provider schema (:func:`aspects.data.policy_locations`): policy
documents (``policy``, ``inline_policy.policy``, ...), policies attached by ARN (``policy_arn``,
``managed_policy_arns``, ...), single granted actions (``aws_lambda_permission.action``) and customer
managed policies attached by name. :func:`grants` turns them into:

* :class:`Statement`: one policy statement to judge;
* :class:`ManagedGrant`: an AWS managed policy (resolved in the dated snapshot,
  :func:`aspects.data.managed_policies`) with the statements that can grant more than they name;
* :class:`Unreadable`: something that cannot be evaluated at synth (a computed policy, an ARN that is
  neither in the stack nor in the snapshot): reported as UNKNOWN, never a pass.

A reference to a document or policy declared in the same stack yields nothing here: it is evaluated
where it is declared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aspects.data import ManagedPolicy, managed_policies, policy_locations
from aspects.values import Unknown, as_list, expression, parse_jsonencode, values_at

if TYPE_CHECKING:
    from aspects.context import StackContext
    from aspects.tfjson import Resource

_PARTITION = r"(?:aws[\w-]*|\$\{[^}]+\})"
_MANAGED_ARN = re.compile(rf"^arn:{_PARTITION}:iam::aws:policy(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)$")
_CUSTOMER_ARN = re.compile(
    rf"^arn:{_PARTITION}:iam::(?:\d{{12}}|\$\{{[^}}]+\}}):policy(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)$"
)
_REFERENCE = re.compile(r"^(?P<address>(?:data\.)?[a-z0-9_]+\.[\w-]+)\.(?P<attribute>\w+)$")
_ROOT = re.compile(r"^(arn:aws[\w-]*:iam::(\d{12}|\$\{[^}]+\}):root|\d{12})$")  # a bare account id is root


@dataclass(frozen=True)
class Statement:
    where: str  # e.g. "policy statement 0"
    effect: Any  # "Allow" / "Deny" / Unknown
    actions: tuple[Any, ...]
    not_actions: tuple[Any, ...]
    principals: tuple[Any, ...]


@dataclass(frozen=True)
class ManagedGrant:
    where: str  # the argument that attaches it, e.g. "policy_arn"
    policy: ManagedPolicy
    snapshot_date: str

    def statements(self) -> Iterator[Statement]:
        for index, st in enumerate(self.policy.statements):
            yield Statement(
                f"{self.where}: {self.policy.name} statement {st.get('Sid', index)}",
                st.get("Effect"),
                tuple(as_list(st.get("Action"))),
                tuple(as_list(st.get("NotAction"))),
                (),
            )


@dataclass(frozen=True)
class Unreadable:
    where: str
    why: str
    key: str = "UNKNOWN"  # what a per-finding suppression names (the ARN for an unknown policy ARN)


Grant = Statement | ManagedGrant | Unreadable


def kms_types() -> frozenset[str]:
    """Types whose policy is a KMS key policy."""
    return frozenset(t for t in policy_locations().documents if t.startswith("aws_kms_"))


def _aws_principals(principal: Any) -> tuple[Any, ...]:
    if isinstance(principal, dict):
        return tuple(as_list(principal.get("AWS")))
    return tuple(as_list(principal))


def _json_statements(where: str, document: Any) -> Iterator[Grant]:
    if isinstance(document, Unknown) or not isinstance(document, dict):
        yield Unreadable(where, "the policy document is not a literal object")
        return
    statements = document.get("Statement")
    if isinstance(statements, Unknown):
        yield Unreadable(where, f"Statement is {statements.source}")
        return
    for index, st in enumerate(as_list(statements)):
        label = f"{where} statement {st.get('Sid', index) if isinstance(st, dict) else index}"
        if not isinstance(st, dict):
            yield Unreadable(label, "statement is not a literal object")
            continue
        yield Statement(
            label,
            st.get("Effect"),
            tuple(as_list(st.get("Action"))),
            tuple(as_list(st.get("NotAction"))),
            _aws_principals(st.get("Principal")),
        )


# --- policies referred to by ARN, name or data source ----------------------------------------------


def _managed(where: str, name: str, path: str | None, shown: str) -> Grant:
    snapshot = managed_policies()
    policy = snapshot.by_name.get(name)
    if policy is None:
        return Unreadable(
            where,
            f"{shown} is not an AWS managed policy in the snapshot of {snapshot.snapshot_date} and not a policy "
            "declared in this stack",
            shown,
        )
    if path is not None and path != policy.path:
        return Unreadable(
            where, f"{shown}: the AWS managed policy {name} has the path {policy.path}, not {path}", shown
        )
    return ManagedGrant(where, policy, snapshot.snapshot_date)


def _declared_policy_named(name: str, path: str | None, context: StackContext) -> bool:
    """An ``aws_iam_policy`` with this literal name (and path) is declared in the stack."""
    for candidate in context.document.of_type("aws_iam_policy").values():
        if candidate.config.get("name") == name and (path is None or candidate.config.get("path", "/") == path):
            return True
    return False


def _data_policy(where: str, name: str, context: StackContext, shown: str) -> Grant | None:
    """Resolve ``data.aws_iam_policy.<name>``: by its literal ``arn``, else its literal ``name``."""
    source = context.declared(f"data.aws_iam_policy.{name}")
    if source is None:
        return Unreadable(where, f"{shown} refers to a data source that is not declared in this stack", shown)
    arn = source.config.get("arn")
    if isinstance(arn, str) and expression(arn) is None:
        return resolve_arn(where, arn, context)
    policy_name = source.config.get("name")
    if isinstance(policy_name, str) and expression(policy_name) is None:
        if _declared_policy_named(policy_name, None, context):
            return None
        return _managed(where, policy_name, None, f"data.aws_iam_policy.{name} (name {policy_name!r})")
    return Unreadable(where, f"data.aws_iam_policy.{name} looks the policy up by a computed arn or name", shown)


def resolve_arn(where: str, value: Any, context: StackContext) -> Grant | None:
    """What a policy ARN grants: None when the policy is declared in this stack (evaluated there)."""
    if not isinstance(value, str):
        return Unreadable(where, f"the policy ARN is {value!r}")
    expr = expression(value)
    if expr is not None:
        ref = _REFERENCE.match(expr)
        if ref and ref.group("attribute") == "arn":
            address = ref.group("address")
            if address.startswith("data.aws_iam_policy."):
                return _data_policy(where, address.split(".", 2)[2], context, value)
            if address.startswith("aws_iam_policy.") and context.declared(address):
                return None
        return Unreadable(where, f"the policy ARN is the expression {value}", value)
    managed = _MANAGED_ARN.match(value)
    if managed:
        return _managed(where, managed.group("name"), managed.group("path"), value)
    customer = _CUSTOMER_ARN.match(value)
    if customer and _declared_policy_named(customer.group("name"), customer.group("path"), context):
        return None
    return Unreadable(where, f"{value} is neither a policy declared in this stack nor an AWS managed policy", value)


def read_policy(where: str, value: Any, context: StackContext) -> Iterator[Grant]:
    """Statements of one policy value (JSON string, literal object, jsonencode token, or reference)."""
    if value is None or value == "":
        return
    if isinstance(value, dict):
        yield from _json_statements(where, value)
        return
    if not isinstance(value, str):
        yield Unreadable(where, f"unexpected policy value {value!r}")
        return
    expr = expression(value)
    if expr is not None:
        ref = _REFERENCE.match(expr)
        if ref:
            address, attribute = ref.group("address"), ref.group("attribute")
            if address.startswith("data.aws_iam_policy_document.") and attribute in ("json", "minified_json"):
                if context.declared(address):
                    return  # evaluated where it is declared
            elif address.startswith("data.aws_iam_policy.") and attribute == "policy":
                resolved = _data_policy(where, address.split(".", 2)[2], context, value)
                if resolved is not None:
                    yield resolved
                return
            elif attribute == "policy" and context.declared(address) and address.split(".")[0] in (
                policy_locations().documents
            ):
                return  # another resource's policy, evaluated there
        if expr.startswith("jsonencode("):
            try:
                parsed = parse_jsonencode(value)
            except ValueError as error:
                yield Unreadable(where, f"jsonencode(...) could not be parsed: {error}")
                return
            yield from _json_statements(where, parsed)
            return
        yield Unreadable(where, f"the policy is the expression ${{{expr}}}")
        return
    try:
        parsed = json.loads(value)
    except ValueError:
        yield Unreadable(where, "the policy is not valid JSON" + (" (it embeds ${...})" if "${" in value else ""))
        return
    yield from _json_statements(where, parsed)


# --- where the grants are in a resource ------------------------------------------------------------


def _data_document(config: Mapping[str, Any], context: StackContext) -> Iterator[Grant]:
    for index, st in enumerate(as_list(config.get("statement"))):
        label = f"statement {st.get('sid', index) if isinstance(st, dict) else index}"
        if not isinstance(st, dict):
            yield Unreadable(label, "statement is an expression")
            continue
        principals = tuple(
            ident
            for p in as_list(st.get("principals"))
            if isinstance(p, dict) and p.get("type") == "AWS"
            for ident in as_list(p.get("identifiers"))
        )
        yield Statement(
            label,
            st.get("effect", "Allow"),
            tuple(as_list(st.get("actions"))),
            tuple(as_list(st.get("not_actions"))),
            principals,
        )
    dynamic = config.get("dynamic")
    if isinstance(dynamic, Mapping) and "statement" in dynamic:
        yield Unreadable("statement", 'statements are generated by dynamic "statement"')
    for attribute in ("source_policy_documents", "override_policy_documents"):
        values = config.get(attribute)
        if isinstance(values, str):
            yield Unreadable(attribute, f"{attribute} is the expression {values}")
            continue
        for index, value in enumerate(as_list(values)):
            yield from read_policy(f"{attribute}[{index}]", value, context)


def grants(resource: Resource, context: StackContext) -> Iterator[Grant]:
    """Every grant a resource or data source declares (see the module docstring)."""
    config = resource.config
    if resource.mode == "data":
        if resource.type == "aws_iam_policy_document":
            yield from _data_document(config, context)
        return
    if resource.mode != "resource":
        return
    locations = policy_locations()
    for path in locations.documents.get(resource.type, ()):
        for where, value in values_at(config, path):
            if isinstance(value, Unknown):
                yield Unreadable(where, value.source)
            else:
                yield from read_policy(where, value, context)
    for path in locations.policy_arns.get(resource.type, ()):
        for where, value in values_at(config, path):
            if isinstance(value, Unknown) or (isinstance(value, str) and path.endswith("arns")):
                shown = value.source if isinstance(value, Unknown) else value
                yield Unreadable(where, f"the attached policy ARNs are {shown}", str(shown))
                continue
            for index, arn in enumerate(as_list(value)):
                label = where if not isinstance(value, list) else f"{where}[{index}]"
                resolved = resolve_arn(label, arn, context)
                if resolved is not None:
                    yield resolved
    for path in locations.actions.get(resource.type, ()):
        for where, value in values_at(config, path):
            actions = tuple(as_list(value.source if isinstance(value, Unknown) else value))
            yield Statement(where, "Allow", actions, (), ())
    block = locations.name_references.get(resource.type)
    if block:
        for where, reference in values_at(config, block):
            name = reference.get("name") if isinstance(reference, Mapping) else None
            raw_path = reference.get("path", "/") if isinstance(reference, Mapping) else None
            policy_path = raw_path if isinstance(raw_path, str) else None
            declared = isinstance(name, str) and expression(name) is None
            if not (declared and _declared_policy_named(str(name), policy_path, context)):
                shown = f"customer managed policy {name!r}" if isinstance(name, str) else repr(reference)
                yield Unreadable(where, f"{shown} is not declared in this stack (it lives in each account)", str(name))


def applies(resource: Resource) -> bool:
    if resource.mode == "data":
        return resource.type == "aws_iam_policy_document"
    return resource.mode == "resource" and resource.type in policy_locations().types


def is_root_key_admin(resource: Resource, statement: Statement) -> bool:
    """A KMS key policy statement that allows ``kms:*`` to the account root (the AWS default key policy)."""
    return (
        resource.type in kms_types()
        and statement.effect == "Allow"
        and not statement.not_actions
        and statement.actions == ("kms:*",)
        and bool(statement.principals)
        and all(isinstance(p, str) and _ROOT.match(p) for p in statement.principals)
    )
