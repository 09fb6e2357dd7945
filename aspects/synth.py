"""The CDK for Terraform adapter: the only module of ``aspects`` that touches cdktf or cdktn.

``govern(stack)`` adds

1. :class:`FinOpsTagAspect`, a mutating aspect that visits every resource top-down: it adds the
   required tags that are not already effective (provider ``default_tags`` merged with resource
   ``tags``) and writes the inherited suppressions into the element's ``"//"`` metadata;
2. :class:`GovernanceValidation`, a construct validation on the stack. cdktf runs validations after
   ALL aspects (``StackSynthesizer.synthesize``: invokeAspects, then runAllValidations, then it
   collects error annotations), so it sees the final document, including ``add_override`` escape
   hatches and every other aspect's changes. It evaluates ``stack.to_terraform()`` (resolved) with
   :func:`aspects.document.evaluate_document` and adds one error annotation per violation, so a
   full synth fails listing all of them.

It works the same on stacks built with ``cdktf`` (0.21) and ``cdktn`` (CDK Terrain, 0.24): the library is
the one the stack's own classes come from (:mod:`aspects.flavour`), and the aspect is declared to jsii
as that library's ``IAspect``. Neither library is imported here; only core classes are used (no provider
bindings).
"""

from __future__ import annotations

import datetime as dt
import sys
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

import jsii
from constructs import IConstruct, IValidation

from aspects.data import taggability
from aspects.document import Report, evaluate_document
from aspects.flavour import library_of, load
from aspects.policy import RECORD_KEY, GovernancePolicy, explicit_policy, resolve_policy
from aspects.suppressions import META_KEY, Suppression, make
from aspects.tags import effective_tags, provider_default_tags
from aspects.tfjson import Resource, read_document
from aspects.values import as_list

_GOVERNED_METADATA = "governance:governed"

#: stack -> {construct path -> suppression records attached there}. Kept on the Python side (jsii
#: returns the same Python object for a construct every time): reading construct metadata through
#: jsii costs ~0.5 ms a node, which would break the overhead budget.
_SUPPRESSIONS: weakref.WeakKeyDictionary[Any, dict[str, list[dict[str, Any]]]] = weakref.WeakKeyDictionary()
#: stack -> the Governance handle govern() returned for it (the pytest plugin finds it here).
_GOVERNED: weakref.WeakKeyDictionary[Any, Governance] = weakref.WeakKeyDictionary()


def _stack_of(construct: IConstruct) -> Any:
    """The TerraformStack ``construct`` belongs to, looked up with its own library's class."""
    return load(library_of(construct)).TerraformStack.of(construct)


def suppress(
    construct: IConstruct,
    rule_id: str,
    reason: str,
    *,
    expires: dt.date | str | None = None,
    finding: str | None = None,
) -> Suppression:
    """Suppress ``rule_id`` on ``construct`` and every resource below it.

    ``reason`` is mandatory (at least 10 characters); ``expires`` (date or ``"YYYY-MM-DD"``, inclusive)
    makes the suppression a violation (FIN-010) after that day; ``finding`` limits it to one issue key
    (for FIN-002, one IAM action such as ``"s3:Get*"``; ``"UNKNOWN"`` for an unreadable policy).
    Call it before synth; the records land in each affected resource's ``"//"`` metadata.
    """
    path = construct.node.path
    suppression = make(rule_id, reason, expires=expires, finding=finding, source=path)
    stack = _stack_of(construct)
    _SUPPRESSIONS.setdefault(stack, {}).setdefault(path, []).append(suppression.to_record())
    return suppression


def suppressions_of(construct: IConstruct) -> list[dict[str, Any]]:
    """Suppression records that apply to ``construct``: its own and its ancestors' (outermost first)."""
    registry = _SUPPRESSIONS.get(_stack_of(construct))
    return _inherited(registry, construct.node.path) if registry else []


def _inherited(registry: dict[str, list[dict[str, Any]]], path: str) -> list[dict[str, Any]]:
    parts = path.split("/")
    records: list[dict[str, Any]] = []
    for depth in range(1, len(parts) + 1):
        records += registry.get("/".join(parts[:depth]), [])
    return [dict(record) for record in records]


class FinOpsTagAspect:
    """Adds missing required tags to taggable resources; records inherited suppressions in ``"//"``.

    Registered on the stack, so cdktf visits the stack first, then every construct top-down. Each
    visit costs a jsii round trip, so the aspect reads as little as possible: a resource's config is
    read only when some tag to apply may be missing from the tags it really gets (:mod:`aspects.tags`):
    provider ``default_tags`` cover the types that receive them; types that do not (``tag`` blocks,
    ``tags`` without ``tags_all``) get the policy's tag values written into their own tags.

    ``library`` is the cdktf or cdktn module the stack is built with: its classes tell the nodes apart.
    Create it with :func:`tag_aspect`, which declares it to jsii as that library's ``IAspect``.
    """

    def __init__(self, policy: GovernancePolicy, library: ModuleType) -> None:
        self.policy = policy
        self._stack_class = library.TerraformStack
        self._resource_class = library.TerraformResource
        self._provider_class = library.TerraformProvider
        self._data_source_class = library.TerraformDataSource
        self._other_elements = (library.TerraformDataSource, library.TerraformModule)
        self._kinds = taggability()
        self._types: dict[type, str] = {}
        self._default_tags: dict[str, Mapping[str, Any] | str] = {}  # provider ("aws", "aws.alias") -> tags
        self._uncovered: dict[str, str] = dict(policy.tags_to_apply)
        self._suppressions: dict[str, list[dict[str, Any]]] = {}

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, self._stack_class):
            self._prepare(node)
        elif isinstance(node, self._resource_class):
            if self._suppressions:
                self._record_suppressions(node)
            if self.policy.tags_to_apply:
                type_ = self._type(node)
                if (
                    type_ in self._kinds.tag_blocks
                    or type_ in self._kinds.own_tags_only
                    or (self._uncovered and type_ in self._kinds.with_default_tags)
                ):
                    self._tag(node, type_)
        elif isinstance(node, self._other_elements) and self._suppressions:
            self._record_suppressions(node)

    def _prepare(self, stack: Any) -> None:
        providers: dict[str, Any] = {}
        for child in stack.node.children:
            if isinstance(child, self._provider_class):
                for provider_type, blocks in (child.to_terraform().get("provider") or {}).items():
                    providers.setdefault(provider_type, []).extend(blocks if isinstance(blocks, list) else [blocks])
        if not providers:  # providers declared deeper in the tree: read them from the document
            providers = stack.to_terraform().get("provider") or {}
        self._default_tags = provider_default_tags(read_document({"provider": providers}, stack.node.path))
        wanted = self.policy.tags_to_apply
        covered = list(self._default_tags.values()) or [{}]
        self._uncovered = {
            k: v for k, v in wanted.items() if not all(isinstance(t, Mapping) and t.get(k) is not None for t in covered)
        }
        self._suppressions = _SUPPRESSIONS.get(stack, {})

    def _type(self, resource: Any) -> str:
        """The resource type, read through jsii once per generated class (a plain TerraformResource,
        declared without provider bindings, can be any type: it is read every time)."""
        cls = type(resource)
        if cls is self._resource_class:
            return resource.terraform_resource_type
        if cls not in self._types:
            self._types[cls] = resource.terraform_resource_type
        return self._types[cls]

    def _record_suppressions(self, element: Any) -> None:
        records = _inherited(self._suppressions, element.node.path)
        if not records:
            return
        value = {"suppressions": records}
        if isinstance(element, self._resource_class):
            element.add_override(f"//.{META_KEY}", value)
            return
        # A data source (or module) replaces its whole "//" with cdktf's metadata after applying its own
        # overrides; the stack's overrides are merged last, into the final document, so they land next to it.
        if isinstance(element, self._data_source_class):
            address = f"data.{element.terraform_resource_type}.{element.friendly_unique_id}"
        else:
            address = f"module.{element.friendly_unique_id}"
        self._stack_class.of(element).add_override(f"{address}.//.{META_KEY}", value)

    def _tag(self, resource: Any, type_: str) -> None:
        config = next(iter(next(iter(resource.to_terraform()["resource"].values())).values()))
        parsed = Resource.from_config(type_, "_", config)
        effective = effective_tags(parsed, self._default_tags, self._kinds)
        if effective is None or effective.unknown:
            return  # an expression: FIN-001 reports it as UNKNOWN
        # a value the stack sets, even an empty one, is never replaced: FIN-001 reports an empty value
        missing = {k: v for k, v in self.policy.tags_to_apply.items() if effective.tags.get(k) is None}
        if not missing:
            return
        if type_ in self._kinds.tag_blocks:
            block = self._kinds.tag_blocks[type_]
            added = [{"key": k, "value": v, "propagate_at_launch": True} for k, v in missing.items()]
            resource.add_override(block, [*(b for b in as_list(config.get(block)) if isinstance(b, Mapping)), *added])
            return
        tags = config.get("tags")
        if any("." in key for key in missing):
            resource.add_override("tags", {**(tags or {}), **missing})
        else:
            for key, value in missing.items():
                resource.add_override(f"tags.{key}", value)


@jsii.implements(IValidation)
class GovernanceValidation:
    """Evaluates the stack's final, resolved document and annotates every violation."""

    def __init__(self, stack: Any, governance: Governance) -> None:
        self.stack = stack
        self.governance = governance

    def validate(self) -> list[str]:
        document = self.stack.to_terraform()
        report = evaluate_document(document, self.governance.policy, today=self.governance.today)
        self.governance.report = report
        stack_path = self.stack.node.path
        for finding in report.findings:
            target = _find(self.stack, stack_path, finding.construct_path)
            annotations = self.governance.annotations.of(target)
            if finding.level == "error":
                annotations.add_error(finding.format())
            else:
                annotations.add_warning(finding.format())
        return []


def _find(stack: Any, stack_path: str, path: str) -> IConstruct:
    node: IConstruct = stack
    if not path.startswith(stack_path + "/"):
        return stack
    for part in path[len(stack_path) + 1 :].split("/"):
        child = node.node.try_find_child(part)
        if child is None:
            return node
        node = child
    return node


@cache
def tag_aspect(library_name: str) -> type[FinOpsTagAspect]:
    """:class:`FinOpsTagAspect` declared to jsii as the ``IAspect`` of ``library_name`` (cdktf or cdktn)."""
    library = load(library_name)
    declared = type(FinOpsTagAspect.__name__, (FinOpsTagAspect,), {"__module__": __name__})
    return jsii.implements(library.IAspect)(declared)


@dataclass
class Governance:
    """Handle returned by :func:`govern`: the policy in force and the last synth's report.

    ``library`` is ``"cdktf"`` or ``"cdktn"``, the library the stack is built with; ``policy_source`` says
    where the policy came from (``govern()``'s argument, a policy file, the built-in defaults).
    """

    stack: Any
    policy: GovernancePolicy
    library: str
    policy_source: str = "govern() argument"
    today: dt.date | None = None  # None: the current UTC date at synth
    report: Report | None = field(default=None, repr=False)

    @property
    def annotations(self) -> Any:
        """The ``Annotations`` class of the stack's library."""
        return load(self.library).Annotations


def governance_of(stack: Any) -> Governance | None:
    """The handle :func:`govern` returned for ``stack``, or None when it was not governed."""
    return _GOVERNED.get(stack)


def govern(stack: Any, policy: GovernancePolicy | None = None, *, today: dt.date | None = None) -> Governance:
    """Attach the governance aspects to ``stack``: tag automatically, fail synth on every violation.

    ``policy`` defaults to the policy file named by ``$GOVERNANCE_POLICY``, else ``./governance.toml``,
    else :class:`aspects.policy.GovernancePolicy` (). The policy in force is recorded in the synthesized
    document (top-level ``"//"``, ``governance.policy``), where ``python -m aspects.cli`` and the checkov
    checks read it. ``today`` fixes the date used for suppression expiry (tests). Calling it twice on the
    same stack raises ValueError.
    """
    try:
        library_name = library_of(stack)
    except TypeError as error:
        raise TypeError(f"govern() expects a TerraformStack: {error}") from None
    library = load(library_name)
    if not isinstance(stack, library.TerraformStack):
        raise TypeError(f"govern() expects a TerraformStack, got {type(stack).__name__}")
    if any(entry.type == _GOVERNED_METADATA for entry in stack.node.metadata):
        raise ValueError(f"govern() was already called on stack {stack.node.path!r}")
    source = "govern() argument"
    if policy is None:
        policy, source = resolve_policy(None, explicit_policy())
    stack.node.add_metadata(_GOVERNED_METADATA, True)
    governance = Governance(stack=stack, policy=policy, library=library_name, policy_source=source, today=today)
    stack.add_override(f"//.{META_KEY}.{RECORD_KEY}", policy.to_record())
    library.Aspects.of(stack).add(tag_aspect(library_name)(governance.policy, library))
    stack.node.add_validation(GovernanceValidation(stack, governance))
    _GOVERNED[stack] = governance
    return governance


ANNOTATIONS_HEADER = 'Encountered Annotations with level "ERROR"'


def annotation_errors(text: str) -> list[str]:
    """The ``[construct path] message`` lines cdktf/cdktn list when error annotations stop a synth."""
    if ANNOTATIONS_HEADER not in text:
        return []
    lines = text.split(ANNOTATIONS_HEADER, 1)[1].splitlines()
    return [line.strip() for line in lines if line.strip().startswith("[")]


def synth_failure(error: Exception) -> int:
    """For ``except`` around ``app.synth()``: print every error annotation once on stderr and return the exit
    code 1; re-raise ``error`` when it is not a synth stopped by error annotations."""
    errors = annotation_errors(str(error))
    if not errors:
        raise error
    print(f"error: synth failed with {len(errors)} governance/validation errors:", file=sys.stderr)
    for line in errors:
        print(f"  {line}", file=sys.stderr)
    return 1


def synth_app(app: Any) -> int:
    """``app.synth()`` for an app's entry point: 0 and one governance line per governed stack, or 1 and every
    error annotation listed once (instead of the JavaScript stack trace jsii raises)::

        sys.exit(synth_app(app))
    """
    try:
        app.synth()
    except RuntimeError as error:  # jsii raises the synth's JavaScript error as a RuntimeError
        return synth_failure(error)
    governed = [g for stack, g in list(_GOVERNED.items()) if stack.node.root is app]
    print(f"synthesized {app.outdir}: {len(governed)} governed stack(s)")
    for governance in sorted(governed, key=lambda g: str(g.stack.node.path)):
        report = governance.report
        if report is None:
            print(f"governance: {governance.stack.node.path}: not evaluated")
            continue
        print(
            f"governance: {governance.stack.node.path}: {len(report.errors)} errors, {len(report.warnings)} warnings, "
            f"{len(report.suppressed)} suppressed (policy: {governance.policy_source})"
        )
        for finding in report.warnings:
            print(f"  warning: {finding.format()}")
    return 0
