"""Static source: the resources of synthesized stacks (``cdktf.out``) with their effective tags.

Effective tags come from :meth:`aspects.document.StackContext.effective_tags`, the code the FIN-001
rule uses; taggability comes from the provider-schema list in ``aspects/data``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aspects.context import StackContext
from aspects.tfjson import DocumentError, Resource, read_document
from tag_audit.model import COMPLIANT, NON_COMPLIANT, NOT_TAGGABLE, UNKNOWN, AuditReport, ResourceResult
from tag_audit.policy import TagRequirements


class InputError(ValueError):
    """A path that holds no synthesized stack, or a file that is not Terraform JSON."""


@dataclass(frozen=True)
class Stack:
    name: str
    path: Path
    document: Mapping[str, Any]


@dataclass(frozen=True)
class ExpectedResource:
    """A synthesized resource with what the audit and the drift comparison need."""

    stack: str
    resource: Resource
    taggable: bool
    tags: Mapping[str, Any]  # effective tags
    tags_unknown: bool  # the tags are an expression: effective tags cannot be known at synth
    unknown_reason: str | None = None

    @property
    def address(self) -> str:
        return self.resource.address


def load_stacks(paths: Iterable[Path]) -> list[Stack]:
    """Stacks from ``cdktf.out`` directories (via ``manifest.json`` or ``stacks/*/cdk.tf.json``),
    ``stacks/<name>`` directories or ``cdk.tf.json`` files."""
    stacks: list[Stack] = []
    for path in paths:
        files = _stack_files(Path(path))
        if not files:
            raise InputError(f"{path}: no synthesized stack (expected cdktf.out, stacks/<name> or a cdk.tf.json)")
        for name, file in files:
            try:
                document = json.loads(file.read_text())
            except (OSError, ValueError) as error:
                raise InputError(f"{file}: cannot read Terraform JSON: {error}") from error
            if not isinstance(document, Mapping):
                raise InputError(f"{file}: not a Terraform JSON object")
            try:
                read_document(document, str(file))
            except DocumentError as error:
                raise InputError(str(error)) from error
            stacks.append(Stack(name, file, document))
    return stacks


def _stack_files(path: Path) -> list[tuple[str, Path]]:
    if path.is_file():
        return [(_stack_name(path), path)]
    manifest = path / "manifest.json"
    if manifest.is_file():
        try:
            entries = json.loads(manifest.read_text()).get("stacks", {})
        except (OSError, ValueError, AttributeError) as error:
            raise InputError(f"{manifest}: cannot read the cdktf manifest: {error}") from error
        return [(name, path / entry["synthesizedStackPath"]) for name, entry in sorted(entries.items())]
    if (path / "cdk.tf.json").is_file():
        return [(_stack_name(path / "cdk.tf.json"), path / "cdk.tf.json")]
    stacks_dir = path / "stacks" if (path / "stacks").is_dir() else path
    return [(_stack_name(f), f) for f in sorted(stacks_dir.glob("*/cdk.tf.json"))]


def _stack_name(file: Path) -> str:
    try:
        name = json.loads(file.read_text())["//"]["metadata"]["stackName"]
    except (OSError, ValueError, KeyError, TypeError):
        name = None
    return name if isinstance(name, str) else file.parent.name


def expected_resources(stack: Stack) -> list[ExpectedResource]:
    """Every managed resource of the stack (data sources are not resources) with the tags it really gets."""
    context = StackContext.from_document(read_document(stack.document, str(stack.path)))
    result = []
    for resource in context.document.of_mode("resource"):
        effective = context.effective_tags(resource)
        result.append(
            ExpectedResource(
                stack=stack.name,
                resource=resource,
                taggable=effective is not None,
                tags=effective.tags if effective is not None else {},
                tags_unknown=effective is not None and effective.unknown is not None,
                unknown_reason=effective.unknown if effective is not None else None,
            )
        )
    return result


def evaluate(expected: ExpectedResource, requirements: TagRequirements) -> ResourceResult:
    """FIN-001's judgement (:mod:`aspects.tags`) against the audit's requirements."""
    if not expected.taggable:
        return ResourceResult(expected.stack, expected.address, expected.resource.type, False, {}, {}, NOT_TAGGABLE)
    problems = requirements.problems(expected.tags)
    if problems and expected.tags_unknown:
        return ResourceResult(
            expected.stack,
            expected.address,
            expected.resource.type,
            True,
            expected.tags,
            {},
            UNKNOWN,
            note=expected.unknown_reason or "the tags are computed",
        )
    status = NON_COMPLIANT if problems else COMPLIANT
    return ResourceResult(
        expected.stack, expected.address, expected.resource.type, True, expected.tags, problems, status
    )


def audit(stacks: list[Stack], requirements: TagRequirements, **options: Any) -> AuditReport:
    results = [evaluate(e, requirements) for stack in stacks for e in expected_resources(stack)]
    return AuditReport("static", tuple(s.name for s in stacks), requirements, results, **options)
