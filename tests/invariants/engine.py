"""Evaluate declarative invariants over a synthesized ``cdk.tf.json``.

An :class:`Invariant` is data: an id, a one-line description, a jsonpath-ng expression selecting
nodes of the document, an optional applicability filter, a cardinality for the selection, a check
(a pure function ``(node, context) -> offences``) and the expected value in words. The engine
turns every offence into a :class:`Failure` naming the rule, the Terraform address, the construct
path (from the resource's ``"//".metadata.path``), where inside the resource, the offending value
and the expected one.

Failing to evaluate is a finding, not a pass: a selector that matches nothing (unless the
invariant says none must exist), a check that raises, or a reference that does not resolve all
become failures that say so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from jsonpath_ng import Child, Fields, Index, JSONPath, Root, This
from jsonpath_ng.ext.parser import parse


class _Missing:
    """The value of an attribute a resource does not set."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()
REFERENCE = re.compile(r"^\$\{(?P<address>(?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.(?P<attribute>[A-Za-z0-9_]+)\}")


class Unresolvable(Exception):
    """A value the invariant needs cannot be read from the document (reported as a failure)."""


# --------------------------------------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Node:
    """One value selected by an invariant's jsonpath, with its full path from the document root."""

    path: tuple[str | int, ...]
    value: Any

    @property
    def is_block(self) -> bool:
        """A resource or data source (or something inside one), as opposed to a provider or a whole type map."""
        return len(self.path) >= 3 and self.path[0] in ("resource", "data")

    @property
    def resource_type(self) -> str | None:
        return str(self.path[1]) if len(self.path) >= 2 and self.path[0] in ("resource", "data") else None

    @property
    def address(self) -> str:
        """The Terraform address: ``aws_x.name``, ``data.aws_x.name``, ``provider.aws[0]``, or ``aws_x.*``."""
        head = self.path[:3]
        if self.path[:1] == ("resource",) and len(head) == 3:
            return f"{head[1]}.{head[2]}"
        if self.path[:1] == ("resource",) and len(head) == 2:
            return f"{head[1]}.*"
        if self.path[:1] == ("data",) and len(head) == 3:
            return f"data.{head[1]}.{head[2]}"
        return _render_path(self.path) or "$"

    @property
    def inner(self) -> str:
        """Where the node sits inside its resource (``statement[2]``), empty for the resource itself."""
        if self.path[:1] in (("resource",), ("data",)):
            return _render_path(self.path[3:])
        if self.path[:1] == ("provider",):
            return _render_path(self.path[3:])
        return ""


def _render_path(parts: Sequence[str | int]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _path_of(expr: JSONPath) -> tuple[str | int, ...]:
    if isinstance(expr, Child):
        return _path_of(expr.left) + _path_of(expr.right)
    if isinstance(expr, Fields):
        return tuple(expr.fields)
    if isinstance(expr, Index):
        return tuple(expr.indices)
    if isinstance(expr, Root | This):
        return ()
    raise Unresolvable(f"unexpected jsonpath element {expr!r}")


@cache
def compiled(expression: str) -> JSONPath:
    return parse(expression)


def select(expression: str, document: Mapping[str, Any]) -> list[Node]:
    return [Node(_path_of(match.full_path), match.value) for match in compiled(expression).find(document)]


# ------------------------------------------------------------------------------------------- context


@dataclass
class Context:
    """The document under test plus what the invariants compare it with, and lookups they share."""

    document: Mapping[str, Any]
    suffix: str
    region: str

    @cached_property
    def blocks(self) -> dict[str, Mapping[str, Any]]:
        """Every resource and data source by Terraform address."""
        out: dict[str, Mapping[str, Any]] = {}
        for rtype, items in (self.document.get("resource") or {}).items():
            for name, body in (items or {}).items():
                out[f"{rtype}.{name}"] = body
        for dtype, items in (self.document.get("data") or {}).items():
            for name, body in (items or {}).items():
                out[f"data.{dtype}.{name}"] = body
        return out

    def resources(self, rtype: str) -> dict[str, Mapping[str, Any]]:
        """``{address: body}`` of one resource type."""
        items = (self.document.get("resource") or {}).get(rtype) or {}
        return {f"{rtype}.{name}": body for name, body in items.items()}

    def fill(self, text: str) -> str:
        """Replace the ``<suffix>`` and ``<region>`` placeholders of the specification's texts."""
        return text.replace("<suffix>", self.suffix).replace("<region>", self.region)

    def construct_path(self, node: Node) -> str:
        if len(node.path) == 2 and node.path[0] == "resource" and isinstance(node.value, Mapping):
            paths = (self.construct_path(Node((*node.path, name), body)) for name, body in node.value.items())
            return ", ".join(sorted(paths)) or "-"
        if not node.is_block:
            return "-"
        body = self.blocks.get(node.address)
        if not isinstance(body, Mapping):
            return "-"
        return str(body.get("//", {}).get("metadata", {}).get("path", "<no construct metadata>"))

    def reference(self, value: Any) -> tuple[str, str]:
        """``"${aws_x.y.attr}"`` -> (``"aws_x.y"``, ``"attr"``); the address must exist."""
        match = REFERENCE.match(value) if isinstance(value, str) else None
        if not match:
            raise Unresolvable(f"{value!r} is not a reference to a block of this stack")
        if match.group("address") not in self.blocks:
            raise Unresolvable(f"{value!r} refers to {match.group('address')}, which the stack does not declare")
        return match.group("address"), match.group("attribute")

    def referenced(self, value: Any) -> str | None:
        """The address a value refers to, or None when it is not a resolvable reference."""
        try:
            return self.reference(value)[0]
        except Unresolvable:
            return None

    def policy_statements(self, value: Any) -> tuple[str, list[Mapping[str, Any]]]:
        """A policy attribute must be ``${data.aws_iam_policy_document.<name>.json}``: its address and statements."""
        address, attribute = self.reference(value)
        exact = isinstance(value, str) and value == f"${{{address}.{attribute}}}"
        if (
            not exact
            or not address.startswith("data.aws_iam_policy_document.")
            or attribute not in ("json", "minified_json")
        ):
            raise Unresolvable(f"{value!r} is not the json of a data.aws_iam_policy_document")
        statements = self.blocks[address].get("statement")
        if not isinstance(statements, list):
            raise Unresolvable(f"{address} has no literal statement list")
        return address, statements

    def default_tags(self, provider: str | None) -> Mapping[str, Any]:
        """The default_tags of the aws provider a resource uses (``provider = "aws.<alias>"`` or the default)."""
        alias = provider.split(".", 1)[1] if provider and "." in provider else None
        for config in (self.document.get("provider") or {}).get("aws") or []:
            if config.get("alias") == alias:
                merged: dict[str, Any] = {}
                for block in config.get("default_tags") or []:
                    merged.update(block.get("tags") or {})
                return merged
        raise Unresolvable(f"no aws provider configuration for {provider or 'the default provider'}")

    @cached_property
    def governance(self) -> Any:
        """The governance evaluator's report on this document (the one synth, the CLI and checkov run),
        under the policy ``govern()`` recorded in it."""
        from aspects.document import evaluate_document

        return evaluate_document(self.document)

    def state_machine_definition(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        definition = body.get("definition")
        if not isinstance(definition, str):
            raise Unresolvable("definition is not a JSON string")
        try:
            parsed = json.loads(definition)
        except json.JSONDecodeError as error:
            raise Unresolvable(f"definition is not valid JSON: {error}") from error
        if not isinstance(parsed, dict) or not isinstance(parsed.get("States"), dict):
            raise Unresolvable("definition has no States object")
        return parsed


# ----------------------------------------------------------------------------------------- invariants


@dataclass(frozen=True)
class Offence:
    """What is wrong at a node: the offending value, where inside the node, optionally a sharper expectation."""

    value: Any
    at: str = ""
    expected: str | None = None


Check = Callable[[Node, Context], Iterable[Offence]]
Where = Callable[[Node, Context], bool]


@dataclass(frozen=True)
class Count:
    """How many applicable nodes the selector must find; ``NONE`` makes every match a failure."""

    text: str
    minimum: int
    maximum: int | None = None

    def accepts(self, n: int) -> bool:
        return n >= self.minimum and (self.maximum is None or n <= self.maximum)


def exactly(n: int) -> Count:
    return Count(f"exactly {n}", n, n)


AT_LEAST_ONE = Count("at least 1", 1)
ANY = Count("any number of", 0)
NONE = Count("none", 0, 0)


def anything(node: Node, ctx: Context) -> Iterator[Offence]:
    """The check of an invariant that is only about presence or count."""
    return iter(())


@dataclass(frozen=True)
class Invariant:
    id: str
    area: str
    description: str
    select: str
    check: Check
    expected: str
    where: Where | None = None
    count: Count = field(default=AT_LEAST_ONE)


@dataclass(frozen=True)
class Failure:
    rule: str
    address: str
    construct_path: str
    at: str
    value: Any
    expected: str

    def __str__(self) -> str:
        lines = [f"[{self.rule}] {self.address}", f"    construct: {self.construct_path}"]
        if self.at:
            lines.append(f"    at:        {self.at}")
        lines += [f"    found:     {_show(self.value)}", f"    expected:  {self.expected}"]
        return "\n".join(lines)


def _show(value: Any, limit: int = 400) -> str:
    if value is MISSING or (isinstance(value, str) and value.startswith("<")):
        text = str(value)  # <missing>, <cannot evaluate: ...>
    else:
        text = json.dumps(value, sort_keys=True, default=repr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _summary(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if k != "//"}
    return value


def evaluate(invariant: Invariant, ctx: Context) -> list[Failure]:
    """Every failure of one invariant on one document (empty when it holds)."""

    def failure(node: Node | None, offence: Offence) -> Failure:
        where = " / ".join(part for part in ((node.inner if node else ""), offence.at) if part)
        return Failure(
            rule=invariant.id,
            address=node.address if node else f"(selector) {invariant.select}",
            construct_path=ctx.construct_path(node) if node else "-",
            at=where,
            value=offence.value,
            expected=ctx.fill(offence.expected or invariant.expected),
        )

    try:
        nodes = select(invariant.select, ctx.document)
    except Exception as error:  # a selector that cannot run is a finding
        return [failure(None, Offence(f"<selector failed: {type(error).__name__}: {error}>"))]

    failures: list[Failure] = []
    applicable: list[Node] = []
    for node in nodes:
        try:
            if invariant.where is None or invariant.where(node, ctx):
                applicable.append(node)
        except Exception as error:
            failures.append(failure(node, Offence(f"<cannot tell whether it applies: {error}>")))

    if invariant.count == NONE:
        failures += [failure(n, Offence(_summary(n.value), expected="no such node must exist")) for n in applicable]
        return failures
    if not invariant.count.accepts(len(applicable)):
        failures.append(
            failure(
                None,
                Offence(
                    f"<{len(applicable)} applicable of {len(nodes)} selected: "
                    + (", ".join(sorted(f"{n.address} ({ctx.construct_path(n)})" for n in nodes)) or "none")
                    + ">",
                    expected=f"{invariant.count.text} applicable node(s), each: {invariant.expected}",
                ),
            )
        )
    for node in applicable:
        try:
            offences = list(invariant.check(node, ctx))
        except Exception as error:
            offences = [Offence(f"<cannot evaluate: {type(error).__name__}: {error}>")]
        failures += [failure(node, offence) for offence in offences]
    return failures


def evaluate_all(invariants: Iterable[Invariant], ctx: Context) -> dict[str, list[Failure]]:
    """``{invariant id: failures}`` for the invariants that fail."""
    out = {}
    for invariant in invariants:
        failures = evaluate(invariant, ctx)
        if failures:
            out[invariant.id] = failures
    return out


def report(failures: Sequence[Failure]) -> str:
    return f"{len(failures)} invariant failure(s):\n" + "\n".join(str(f) for f in failures)
