"""The checks the specification composes: pure functions ``(node, context) -> offences``.

No ids, messages or expected texts here (those live in ``spec.py``): a check only says what is
wrong at one selected node, and where. Factories (``attribute(...)``, ``happy_path(...)``) take the
values the specification states, so the specification shows them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

from .engine import MISSING, Check, Context, Node, Offence, Unresolvable, Where

Predicate = Callable[[Any], bool]


# ------------------------------------------------------------------------------------------ values


def dig(value: Any, path: str) -> Any:
    """``dig(resource, "tracing_config.mode")``; a one-element block list is looked through; MISSING if absent."""
    for key in path.split("."):
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if not isinstance(value, Mapping) or key not in value:
            return MISSING
        value = value[key]
    return value


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def equals(expected: Any) -> Predicate:
    return lambda value: value == expected


def is_true(value: Any) -> bool:
    return value is True


def not_true(value: Any) -> bool:
    """Absent or anything but ``true``."""
    return value is not True


def int_between(low: int, high: int) -> Predicate:
    return lambda value: is_int(value) and low <= value <= high


def one_of(allowed: Collection[Any]) -> Predicate:
    return lambda value: value in allowed


def is_literal(value: Any) -> bool:
    """A plain string, not a Terraform expression that only refers to another block."""
    return isinstance(value, str) and not re.fullmatch(r"\$\{[^}]*\}", value)


def _as_list(value: Any) -> list[Any]:
    if value is None or value is MISSING:
        return []
    return value if isinstance(value, list) else [value]


# ------------------------------------------------------------------------------- generic combinators


def attribute(path: str, ok: Predicate) -> Check:
    """The attribute at ``path`` exists and satisfies ``ok``."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        value = dig(node.value, path)
        if value is MISSING or not ok(value):
            yield Offence(value, at=path)

    return check


def attribute_matches_context(path: str, context_attribute: str) -> Check:
    """The attribute at ``path`` equals the context's value (``region`` -> the target region)."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        value = dig(node.value, path)
        if value != getattr(ctx, context_attribute):
            yield Offence(value, at=path)

    return check


def absent_or(path: str, ok: Predicate) -> Check:
    """The attribute at ``path`` is absent or satisfies ``ok``."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        value = dig(node.value, path)
        if value is not MISSING and not ok(value):
            yield Offence(value, at=path)

    return check


def all_of(*checks: Check) -> Check:
    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        for one in checks:
            yield from one(node, ctx)

    return check


def of_types(types: Collection[str]) -> Where:
    return lambda node, ctx: node.resource_type in types


def where_attribute(path: str, ok: Callable[[Any, Context], bool]) -> Where:
    return lambda node, ctx: ok(dig(node.value, path), ctx)


# -------------------------------------------------------------------------------------- governance


def governed(rule_id: str) -> Check:
    """The governance evaluator finds nothing for ``rule_id`` on the node: the invariant states where the
    stack relies on a FIN rule, and the rule's meaning stays in one place (``aspects/rules``)."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        for finding in ctx.governance.findings:
            if finding.rule_id == rule_id and finding.address == node.address:
                yield Offence(finding.message, at=finding.key)

    return check


# ------------------------------------------------------------------------------------------ lambda


def in_every_private_subnet(node: Node, ctx: Context) -> Iterator[Offence]:
    """``vpc_config.subnet_ids`` are exactly the stack's private subnets; a security group is set."""
    subnet_ids = dig(node.value, "vpc_config.subnet_ids")
    private = {
        address
        for address, body in ctx.resources("aws_subnet").items()
        if body.get("map_public_ip_on_launch") is not True
    }
    named = {ctx.referenced(ref) or str(ref) for ref in _as_list(subnet_ids)}
    if subnet_ids is MISSING or named != private or len(_as_list(subnet_ids)) != len(named):
        yield Offence(subnet_ids, at="vpc_config.subnet_ids", expected=f"exactly the private subnets {sorted(private)}")
    if not _as_list(dig(node.value, "vpc_config.security_group_ids")):
        yield Offence(dig(node.value, "vpc_config.security_group_ids"), at="vpc_config.security_group_ids")


# --------------------------------------------------------------------------------------------- iam

_POLICY_REF = re.compile(r"^\$\{data\.aws_iam_policy_document\.[A-Za-z0-9_-]+\.(json|minified_json)\}$")


def policy_attributes(attributes: Mapping[str, Collection[str]]) -> Check:
    """Each policy-holding attribute is ``${data.aws_iam_policy_document.<name>.json}`` of a declared document."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        for name in attributes.get(node.resource_type or "", ()):
            if "." in name:  # a policy inside repeated blocks: inline_policy below
                continue
            value = dig(node.value, name)
            if value is MISSING:
                continue
            if not (isinstance(value, str) and _POLICY_REF.match(value) and ctx.referenced(value)):
                yield Offence(value, at=name)
        for index, inline in enumerate(_as_list(dig(node.value, "inline_policy"))):
            policy = inline.get("policy") if isinstance(inline, Mapping) else inline
            if not (isinstance(policy, str) and _POLICY_REF.match(policy) and ctx.referenced(policy)):
                yield Offence(policy, at=f"inline_policy[{index}].policy")

    return check


def is_allow(node: Node, ctx: Context) -> bool:
    """An IAM policy document statement whose effect is Allow (the default)."""
    return isinstance(node.value, Mapping) and node.value.get("effect", "Allow") == "Allow"


def _sid(statement: Mapping[str, Any], index: int) -> str:
    return f"statement {statement.get('sid') or index}"


def is_unscoped(resource: Any) -> bool:
    """``*``, or an ARN whose service, region, account or resource part is a bare ``*``."""
    if not isinstance(resource, str):
        return True
    if resource == "*":
        return True
    if resource.startswith("arn:"):
        parts = resource.split(":", 5)
        return len(parts) < 6 or any(part == "*" for part in parts[2:])
    return False  # a reference to a declared resource, optionally narrowed ("${aws_x.y.arn}/raw/*")


def role_statements(ctx: Context, role_address: str) -> Iterator[tuple[str, Mapping[str, Any] | Offence]]:
    """Every statement the role's identity policies hold, as (where, statement); un-inspectable grants as Offences."""
    role_body = ctx.blocks[role_address]
    for index, inline in enumerate(_as_list(role_body.get("inline_policy"))):
        try:
            address, statements = ctx.policy_statements(inline.get("policy") if isinstance(inline, Mapping) else inline)
        except Unresolvable as error:
            yield f"{role_address}.inline_policy[{index}]", Offence(f"<{error}>")
            continue
        for i, st in enumerate(statements):
            yield f"{address} {_sid(st, i)}", st
    for arn in _as_list(role_body.get("managed_policy_arns")):
        yield f"{role_address}.managed_policy_arns", Offence(arn, expected="no managed policies on a Lambda role")
    for address, policy in ctx.resources("aws_iam_role_policy").items():
        if ctx.referenced(policy.get("role")) == role_address:
            try:
                doc, statements = ctx.policy_statements(policy.get("policy"))
            except Unresolvable as error:
                yield address, Offence(f"<{error}>")
                continue
            for i, st in enumerate(statements):
                yield f"{address} -> {doc} {_sid(st, i)}", st
    for address, attachment in ctx.resources("aws_iam_role_policy_attachment").items():
        if ctx.referenced(attachment.get("role")) == role_address:
            yield address, Offence(attachment.get("policy_arn"), expected="no managed policies on a Lambda role")


def exact_resources(exempt_actions: Collection[str]) -> Check:
    """Every Allow statement of the function's role names resources; ``*`` only for ``exempt_actions``."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        role = ctx.reference(node.value.get("role"))[0]
        if not role.startswith("aws_iam_role."):
            raise Unresolvable(f"role refers to {role}, not an aws_iam_role")
        for where, statement in role_statements(ctx, role):
            if isinstance(statement, Offence):
                yield Offence(statement.value, at=where, expected=statement.expected)
                continue
            if statement.get("effect", "Allow") != "Allow":
                continue
            if "not_resources" in statement or not _as_list(statement.get("resources")):
                yield Offence({k: statement.get(k) for k in ("resources", "not_resources") if k in statement}, at=where)
                continue
            wild = [r for r in statement["resources"] if is_unscoped(r)]
            scoped_actions = [a for a in _as_list(statement.get("actions")) if a not in exempt_actions]
            if wild and scoped_actions:
                yield Offence({"actions": scoped_actions, "resources": wild}, at=where)

    return check


def source_account_trust(node: Node, ctx: Context) -> Iterator[Offence]:
    """Each service principal in the trust policy is limited by an ``aws:SourceAccount`` condition."""
    address, statements = ctx.policy_statements(node.value.get("assume_role_policy"))
    for i, st in enumerate(statements):
        services = [p for p in _as_list(st.get("principals")) if isinstance(p, Mapping) and p.get("type") == "Service"]
        if st.get("effect", "Allow") != "Allow" or not services:
            continue
        conditions = {(c.get("test"), c.get("variable")) for c in _as_list(st.get("condition"))}
        if ("StringEquals", "aws:SourceAccount") not in conditions:
            yield Offence(st.get("condition", MISSING), at=f"{address} {_sid(st, i)}")


# -------------------------------------------------------------------------------------------- tags


def merged_tags(node: Node, ctx: Context) -> Mapping[str, Any]:
    tags = node.value.get("tags") or {}
    if not isinstance(tags, Mapping):
        raise Unresolvable(f"tags is not a literal map: {tags!r}")
    return {**ctx.default_tags(node.value.get("provider")), **tags}


def environment_tag(node: Node, ctx: Context) -> Iterator[Offence]:
    tags = merged_tags(node, ctx)
    if tags.get("Environment") != ctx.suffix:
        yield Offence(tags.get("Environment", MISSING), at="tags.Environment (merged with default_tags)")


# ------------------------------------------------------------------------------------------ naming


def names_carry_suffix(attributes: Collection[str], per_type: Mapping[str, Collection[str]]) -> Check:
    """Every literal name attribute contains the environment suffix as a whole ``-``/``/``-delimited token."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        token = re.compile(rf"(?<![A-Za-z0-9]){re.escape(ctx.suffix)}(?![A-Za-z0-9])")
        for path in (*attributes, *per_type.get(node.resource_type or "", ())):
            value = dig(node.value, path)
            if is_literal(value) and not token.search(value):
                yield Offence(value, at=path)

    return check


# -------------------------------------------------------------------------------------------- s3


def companions(ctx: Context, bucket: Node, rtype: str) -> list[tuple[str, Mapping[str, Any]]]:
    """The ``rtype`` resources attached to this bucket (``bucket`` refers to it or names it)."""
    name = bucket.value.get("bucket")
    return [
        (address, body)
        for address, body in ctx.resources(rtype).items()
        if ctx.referenced(body.get("bucket")) == bucket.address or (is_literal(name) and body.get("bucket") == name)
    ]


def companion(rtype: str, ok: Callable[[Mapping[str, Any], Context, Node], Iterator[Offence]]) -> Check:
    """Exactly one ``rtype`` is attached to the bucket, and ``ok`` finds nothing wrong with it."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        found = companions(ctx, node, rtype)
        if len(found) != 1:
            yield Offence(sorted(a for a, _ in found) or MISSING, at=rtype, expected=f"exactly one {rtype}")
            return
        address, body = found[0]
        for offence in ok(body, ctx, node):
            yield Offence(offence.value, at=f"{address}.{offence.at}".rstrip("."), expected=offence.expected)

    return check


def _fields(expected: Mapping[str, Any]) -> Callable[[Mapping[str, Any], Context, Node], Iterator[Offence]]:
    def ok(body: Mapping[str, Any], ctx: Context, bucket: Node) -> Iterator[Offence]:
        for path, want in expected.items():
            if dig(body, path) != want:
                yield Offence(dig(body, path), at=path)

    return ok


def versioning_enabled() -> Check:
    return companion("aws_s3_bucket_versioning", _fields({"versioning_configuration.status": "Enabled"}))


def public_access_blocked() -> Check:
    flags = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    return companion("aws_s3_bucket_public_access_block", _fields(dict.fromkeys(flags, True)))


def sse_kms() -> Check:
    def ok(body: Mapping[str, Any], ctx: Context, bucket: Node) -> Iterator[Offence]:
        rules = _as_list(body.get("rule"))
        default = dig(rules[0], "apply_server_side_encryption_by_default") if len(rules) == 1 else MISSING
        if dig(default, "sse_algorithm") != "aws:kms":
            yield Offence(
                dig(default, "sse_algorithm"), at="rule.apply_server_side_encryption_by_default.sse_algorithm"
            )
        key = dig(default, "kms_master_key_id")
        if not (ctx.referenced(key) or "").startswith("aws_kms_key."):
            yield Offence(key, at="rule.apply_server_side_encryption_by_default.kms_master_key_id")

    return companion("aws_s3_bucket_server_side_encryption_configuration", ok)


def tls_only_policy() -> Check:
    """The bucket policy denies s3:* on the bucket and its objects to anyone when SecureTransport is false."""

    def ok(body: Mapping[str, Any], ctx: Context, bucket: Node) -> Iterator[Offence]:
        address, statements = ctx.policy_statements(body.get("policy"))
        arn = f"${{{bucket.address}.arn}}"
        for st in statements:
            principals = _as_list(st.get("principals"))
            if (
                st.get("effect") == "Deny"
                and {"s3:*"} <= set(_as_list(st.get("actions")))
                and {arn, f"{arn}/*"} <= set(_as_list(st.get("resources")))
                and any("*" in _as_list(p.get("identifiers")) for p in principals if isinstance(p, Mapping))
                and {"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}
                in _as_list(st.get("condition"))
            ):
                return
        yield Offence([s.get("sid") for s in statements], at=f"policy -> {address}")

    return companion("aws_s3_bucket_policy", ok)


def lifecycle_rule(block: str, **fields: Any) -> Check:
    """An enabled lifecycle rule covering the whole bucket has a ``block`` entry with these fields.

    A field's expected value is either a literal or a predicate (``int_between(1, 365)``).
    """

    def whole_bucket(rule: Mapping[str, Any]) -> bool:
        flt = dig(rule, "filter")
        return flt is MISSING or flt in ({}, [], [{}]) or dig(rule, "filter.prefix") == ""

    def matches(entry: Any) -> bool:
        return isinstance(entry, Mapping) and all(
            want(entry.get(key)) if callable(want) else entry.get(key) == want for key, want in fields.items()
        )

    def check(body: Mapping[str, Any], ctx: Context, bucket: Node) -> Iterator[Offence]:
        rules = [r for r in _as_list(body.get("rule")) if r.get("status") == "Enabled" and whole_bucket(r)]
        if not any(matches(entry) for rule in rules for entry in _as_list(rule.get(block))):
            found = [entry for rule in rules for entry in _as_list(rule.get(block))]
            yield Offence(found or MISSING, at=f"rule.{block}")

    return companion("aws_s3_bucket_lifecycle_configuration", check)


# ------------------------------------------------------------------------------------ step functions


def _states(definition: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
    """(path, state, its States map) for every state, including Parallel branches and Map processors."""
    for name, state in definition["States"].items():
        yield f"States.{name}", state, definition["States"]
        for key in ("Branches", "Iterator", "ItemProcessor"):
            for index, branch in enumerate(_as_list(state.get(key))):
                for path, inner, scope in _states(branch):
                    yield f"States.{name}.{key}[{index}].{path}", inner, scope


def _follow(states: Mapping[str, Any], start: Any) -> list[str]:
    """State names from ``start`` following Next (a Choice: its Default) until End."""
    path, current = [], start
    while isinstance(current, str) and current not in path:
        path.append(current)
        state = states.get(current, {})
        current = state.get("Default") if state.get("Type") == "Choice" else state.get("Next")
    return path


def _main_path(definition: Mapping[str, Any]) -> list[str]:
    """State names from StartAt following Next, and a Choice's Default, until End (a small file where nothing fails)."""
    return _follow(definition["States"], definition.get("StartAt"))


def _invokes(ctx: Context, state: Mapping[str, Any], step: str) -> bool:
    """The Task invokes the stack's own Lambda function named for ``step``."""
    function = ctx.referenced(dig(state, "Parameters.FunctionName")) or ""
    name = str(ctx.blocks.get(function, {}).get("function_name", ""))
    return function.startswith("aws_lambda_function.") and bool(re.search(rf"\b{step.lower()}\b", name))


def happy_path(steps: tuple[str, ...]) -> Check:
    """Following Next from StartAt, the Task states are exactly ``steps``, each invoking its own declared Lambda."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        definition = ctx.state_machine_definition(node.value)
        path = _main_path(definition)
        tasks = [name for name in path if definition["States"].get(name, {}).get("Type") == "Task"]
        if tasks != list(steps) or definition["States"].get(path[-1], {}).get("End") is not True:
            yield Offence(" -> ".join(path), at="definition (Next chain from StartAt)")
            return
        for step in steps:
            if not _invokes(ctx, definition["States"][step], step):
                target = dig(definition["States"][step], "Parameters.FunctionName")
                yield Offence(target, at=f"definition States.{step}.Parameters.FunctionName")

    return check


def fanout_path(*, tasks: tuple[str, str], maps: tuple[str, str], then: str, max_concurrency: int) -> Check:
    """A Choice on the main path sends large objects along ``tasks[0]`` -> two Map states (``maps``, each over a
    list in the state input, one Task inside, at most ``max_concurrency`` at once) -> ``tasks[1]`` -> ``then``."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        definition = ctx.state_machine_definition(node.value)
        states = definition["States"]
        routes = [
            c.get("Next")
            for name in _main_path(definition)
            if states.get(name, {}).get("Type") == "Choice"
            for c in _as_list(states[name].get("Choices"))
        ]
        starts = [r for r in routes if states.get(r, {}).get("Type") == "Task" and _invokes(ctx, states[r], tasks[0])]
        if not starts:
            yield Offence(routes or MISSING, at=f"definition: no Choice on the main path leads to {tasks[0]}")
            return
        path = _follow(states, starts[0])
        kinds = [(states[n].get("Type"), n) for n in path]
        shape = ["Task", "Map", "Map", "Task"]
        if [k for k, _ in kinds[:4]] != shape or (path[4:5] != [then]):
            yield Offence(" -> ".join(path), at=f"definition (Next chain from {starts[0]})")
            return
        if not _invokes(ctx, states[path[3]], tasks[1]):
            yield Offence(dig(states[path[3]], "Parameters.FunctionName"), at=f"definition States.{path[3]}")
        for name, step in zip(path[1:3], maps, strict=True):
            state = states[name]
            inner = state.get("ItemProcessor") or state.get("Iterator") or {}
            inner_states = inner.get("States", {})
            only = list(inner_states.values())
            if not (len(only) == 1 and only[0].get("Type") == "Task" and _invokes(ctx, only[0], step)):
                yield Offence(sorted(inner_states), at=f"definition States.{name}.ItemProcessor (one Task: {step})")
            if "ItemReader" in state or not str(state.get("ItemsPath", "")).startswith("$."):
                yield Offence(state.get("ItemsPath", MISSING), at=f"definition States.{name}.ItemsPath")
            if state.get("MaxConcurrency") != max_concurrency:
                yield Offence(state.get("MaxConcurrency", MISSING), at=f"definition States.{name}.MaxConcurrency")

    return check


def task_retries(*, jitter: str) -> Check:
    """Every Task retries: BackoffRate > 1, a positive MaxDelaySeconds and the jitter strategy, on every retrier."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        for path, state, _ in _states(ctx.state_machine_definition(node.value)):
            if state.get("Type") != "Task":
                continue
            retriers = _as_list(state.get("Retry"))
            if not retriers:
                yield Offence(MISSING, at=f"definition {path}.Retry")
            for index, retrier in enumerate(retriers):
                backoff, delay = retrier.get("BackoffRate", 2.0), retrier.get("MaxDelaySeconds")
                if not (
                    isinstance(backoff, int | float)
                    and backoff > 1
                    and is_int(delay)
                    and delay > 0
                    and retrier.get("JitterStrategy") == jitter
                ):
                    shown = {k: retrier.get(k, MISSING) for k in ("BackoffRate", "MaxDelaySeconds", "JitterStrategy")}
                    yield Offence(shown, at=f"definition {path}.Retry[{index}]")

    return check


def _reaches_fail(scope: Mapping[str, Any], start: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in scope:
            continue
        seen.add(name)
        state = scope[name]
        if state.get("Type") == "Fail":
            return True
        todo += [state.get("Next"), state.get("Default"), *(c.get("Next") for c in _as_list(state.get("Choices")))]
        todo += [c.get("Next") for c in _as_list(state.get("Catch"))]
    return False


def task_catches(node: Node, ctx: Context) -> Iterator[Offence]:
    """Every Task and Map (main and failure path) catches States.ALL into a path that ends in a Fail state."""
    definition = ctx.state_machine_definition(node.value)
    scope = definition["States"]
    for name in scope:
        state = scope.get(name, {})
        if state.get("Type") not in ("Task", "Map"):
            continue
        catchers = [c for c in _as_list(state.get("Catch")) if "States.ALL" in _as_list(c.get("ErrorEquals"))]
        if not any(_reaches_fail(scope, c.get("Next")) for c in catchers):
            yield Offence(state.get("Catch", MISSING), at=f"definition States.{name}.Catch")


_MARK_FAILED = "arn:aws:states:::dynamodb:updateItem"
_PUBLISH = "arn:aws:states:::sns:publish"


def _through_passes(scope: Mapping[str, Any], start: Any) -> str | None:
    """The first state that is not a Pass, following Next from ``start``."""
    seen: set[str] = set()
    while isinstance(start, str) and start not in seen and scope.get(start, {}).get("Type") == "Pass":
        seen.add(start)
        start = scope[start].get("Next")
    return start if isinstance(start, str) else None


def _publishes_before_fail(scope: Mapping[str, Any], start: Any) -> bool:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if not isinstance(name, str) or name in seen or name not in scope:
            continue
        seen.add(name)
        state = scope[name]
        if state.get("Resource") == _PUBLISH:
            return True
        todo += [state.get("Next"), *(c.get("Next") for c in _as_list(state.get("Catch")))]
    return False


def failure_marked_once(node: Node, ctx: Context) -> Iterator[Offence]:
    """Every work state's (Lambda Task, Map) Catch on States.ALL reaches, through Pass states only, the conditional
    update that marks the job FAILED; that update refuses a job already FAILED and then ends without an alert;
    Tasks inside a Map catch nothing (a failed item must fail its Map)."""
    definition = ctx.state_machine_definition(node.value)
    scope = definition["States"]
    for name, state in scope.items():
        work = state.get("Type") == "Map" or (
            state.get("Type") == "Task" and state.get("Resource") not in (_MARK_FAILED, _PUBLISH)
        )
        if not work:
            continue
        for index, catcher in enumerate(_as_list(state.get("Catch"))):
            if "States.ALL" not in _as_list(catcher.get("ErrorEquals")):
                continue
            target = _through_passes(scope, catcher.get("Next"))
            marker = scope.get(target or "", {})
            condition = str(dig(marker, "Parameters.ConditionExpression") or "")
            if marker.get("Resource") != _MARK_FAILED or "<> :failed" not in condition:
                yield Offence(target or MISSING, at=f"definition States.{name}.Catch[{index}] (to MarkJobFailed)")
                continue
            again = [c for c in _as_list(marker.get("Catch"))
                     if "DynamoDB.ConditionalCheckFailedException" in _as_list(c.get("ErrorEquals"))]  # fmt: skip
            if not again or any(_publishes_before_fail(scope, c.get("Next")) for c in again):
                yield Offence(marker.get("Catch", MISSING), at=f"definition States.{target}.Catch (already FAILED)")
        for path, inner, _ in _states({"States": {name: state}}):
            if path != f"States.{name}" and inner.get("Catch"):
                yield Offence(inner["Catch"], at=f"definition {path}.Catch (inside a Map)")


# ------------------------------------------------------------------------------------------ network


def distinct_zones(count: int) -> Check:
    """The selected map of subnets spans ``count`` distinct availability zones of the stack's region."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        zones = [body.get("availability_zone") for body in node.value.values()]
        if len(set(zones)) != count or not all(isinstance(z, str) and z.startswith(ctx.region) for z in zones):
            yield Offence(zones, at="availability_zone")

    return check


_ROUTE_TARGETS = (
    "gateway_id",
    "nat_gateway_id",
    "egress_only_gateway_id",
    "instance_id",
    "network_interface_id",
    "carrier_gateway_id",
)
_DEFAULT_DESTINATIONS = ("0.0.0.0/0", "::/0")


def no_internet_route(node: Node, ctx: Context) -> Iterator[Offence]:
    """No route (an aws_route, or a route block of a route table) targets a gateway, instance or ENI or 0.0.0.0/0."""
    routes = [("", node.value)] if node.resource_type == "aws_route" else []
    routes += [(f"route[{i}]", r) for i, r in enumerate(_as_list(node.value.get("route")))]
    for at, route in routes:
        targets = {k: route[k] for k in _ROUTE_TARGETS if route.get(k)}
        default = [
            route.get(k)
            for k in ("cidr_block", "destination_cidr_block", "ipv6_cidr_block", "destination_ipv6_cidr_block")
        ]
        if targets or any(d in _DEFAULT_DESTINATIONS for d in default):
            yield Offence({k: v for k, v in route.items() if k != "//"}, at=at)


def service_endpoint(service: str) -> Where:
    return lambda node, ctx: node.value.get("service_name") == f"com.amazonaws.{ctx.region}.{service}"


def gateway_on_private_route_tables(node: Node, ctx: Context) -> Iterator[Offence]:
    """A Gateway endpoint on every route table the subnets are associated with."""
    if node.value.get("vpc_endpoint_type") != "Gateway":
        yield Offence(node.value.get("vpc_endpoint_type", MISSING), at="vpc_endpoint_type")
    associated = {
        ctx.referenced(a.get("route_table_id")) for a in ctx.resources("aws_route_table_association").values()
    }
    on = {ctx.referenced(r) for r in _as_list(node.value.get("route_table_ids"))}
    if not associated or not associated <= on:
        yield Offence(
            node.value.get("route_table_ids", MISSING),
            at="route_table_ids",
            expected=f"covers {sorted(map(str, associated))}",
        )


# --------------------------------------------------------------------------------------------- ssm


def parameters_named(names: Collection[str]) -> Check:
    """The selected map of SSM parameters holds ``/pipeline/<suffix>/<name>`` for each name."""

    def check(node: Node, ctx: Context) -> Iterator[Offence]:
        present = {body.get("name") for body in node.value.values()}
        missing = sorted(f"/pipeline/{ctx.suffix}/{n}" for n in names if f"/pipeline/{ctx.suffix}/{n}" not in present)
        if missing:
            yield Offence({"missing": missing, "present": sorted(map(str, present))}, at="name")

    return check


def under_prefix(node: Node, ctx: Context) -> Iterator[Offence]:
    name = node.value.get("name")
    if not (isinstance(name, str) and name.startswith(f"/pipeline/{ctx.suffix}/")):
        yield Offence(name, at="name")
