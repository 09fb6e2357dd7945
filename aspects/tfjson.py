"""Read any Terraform JSON configuration into one shape (pure Python, no cdktf).

Terraform's JSON syntax (HCL's JSON mapping) lets a writer spell the same configuration several ways,
and the governance evaluator must read all of them, not only the one cdktf writes:

* a body is a JSON object, or a JSON array of objects whose properties are read in order
  (``[{"resource": ...}, {"provider": ...}]`` at the top level);
* at every label level, an object or an array of objects (``"resource": [{"aws_s3_bucket": {...}}]``,
  ``"resource": {"aws_s3_bucket": [{"a": {...}}, {"b": {...}}]}``);
* the innermost value, the block itself, is an object or an array of objects, each a separate block
  (``"provider": {"aws": [{...}, {"alias": "eu", ...}]}``);
* ``"//"`` properties are comments (cdktf keeps its metadata there) at any level;
* ``null`` means "not set", for a whole section and for an argument.

:func:`read_document` turns a parsed document into a :class:`Document`; anything that is not Terraform
JSON raises :class:`DocumentError` naming the source and the JSON path (``$.resource[0].aws_s3_bucket``)
of the first thing wrong. :func:`load_document` also reads the file and reports invalid JSON with its
line and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COMMENT = "//"
#: Top-level block types with two labels (type, name) that the evaluator reads as resources.
_TWO_LABELS = {"resource": "resource", "data": "data"}
#: Top-level block types Terraform knows; anything else is reported (a typo would hide a whole section).
KNOWN_BLOCK_TYPES = frozenset(
    {
        "resource",
        "data",
        "provider",
        "module",
        "terraform",
        "variable",
        "output",
        "locals",
        "moved",
        "import",
        "check",
        "removed",
        "ephemeral",
        COMMENT,
    }
)


class DocumentError(ValueError):
    """Input that is not Terraform JSON: names the source and the JSON path of the problem."""

    def __init__(self, source: str, path: str, problem: str) -> None:
        self.source = source
        self.path = path
        self.problem = problem
        super().__init__(f"{source}: {path}: {problem}")


@dataclass(frozen=True)
class Resource:
    """One resource, data source or module call (``config`` excludes ``"//"`` and ``null`` arguments)."""

    type: str  # resource type; "module" for a module call
    name: str
    config: Mapping[str, Any]
    meta: Mapping[str, Any] = field(default_factory=dict)
    mode: str = "resource"  # "resource", "data" or "module"

    @classmethod
    def from_config(cls, type_: str, name: str, config: Mapping[str, Any], mode: str = "resource") -> Resource:
        body = {k: v for k, v in config.items() if k != COMMENT and v is not None}
        raw_meta = config.get(COMMENT)
        meta: Mapping[str, Any] = raw_meta if isinstance(raw_meta, Mapping) else {}
        return cls(type_, name, body, meta, mode)

    @property
    def address(self) -> str:
        if self.mode == "module":
            return f"module.{self.name}"
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"

    @property
    def construct_path(self) -> str:
        metadata = self.meta.get("metadata") if isinstance(self.meta, Mapping) else None
        path = metadata.get("path") if isinstance(metadata, Mapping) else None
        return path if isinstance(path, str) else self.address


@dataclass(frozen=True)
class Provider:
    """One provider block: ``key`` is ``aws`` or ``aws.<alias>`` (how resources refer to it)."""

    type: str
    alias: str | None
    config: Mapping[str, Any]

    @property
    def key(self) -> str:
        return f"{self.type}.{self.alias}" if self.alias else self.type


@dataclass(frozen=True)
class Document:
    """A Terraform JSON configuration in one shape: resources, data sources and module calls in
    document order, provider blocks, and the top-level ``"//"`` metadata."""

    resources: tuple[Resource, ...]
    providers: tuple[Provider, ...]
    meta: Mapping[str, Any]
    source: str = "<document>"

    def of_mode(self, mode: str) -> Iterator[Resource]:
        return (r for r in self.resources if r.mode == mode)

    def of_type(self, type_: str, mode: str = "resource") -> dict[str, Resource]:
        """Resources of one type by name."""
        return {r.name: r for r in self.resources if r.mode == mode and r.type == type_}


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def _objects(value: Any, path: str, source: str, what: str) -> Iterator[tuple[Mapping[str, Any], str]]:
    """An object, or each object of an array of objects, with its JSON path."""
    if isinstance(value, Mapping):
        yield value, path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise DocumentError(source, f"{path}[{index}]", f"expected {what} (an object), got {_kind(item)}")
            yield item, f"{path}[{index}]"
    else:
        raise DocumentError(source, path, f"expected {what} (an object or an array of objects), got {_kind(value)}")


def _properties(value: Any, path: str, source: str, what: str) -> Iterator[tuple[str, Any, str]]:
    """(name, value, path) of every property at one level, skipping comments and nulls."""
    for obj, where in _objects(value, path, source, what):
        for key, item in obj.items():
            if key == COMMENT or item is None:
                continue
            yield key, item, f"{where}.{key}"


def _bodies(value: Any, path: str, source: str, what: str) -> Iterator[tuple[Mapping[str, Any], str]]:
    if isinstance(value, list) and not value:
        raise DocumentError(source, path, f"expected {what} (an object), got an empty array")
    yield from _objects(value, path, source, what)


def read_document(raw: Any, source: str = "<document>") -> Document:
    """Read a parsed Terraform JSON document in any of its syntaxes; raise :class:`DocumentError`."""
    if not isinstance(raw, Mapping | list):
        raise DocumentError(source, "$", f"expected a Terraform JSON object, got {_kind(raw)}")
    resources: list[Resource] = []
    providers: list[Provider] = []
    meta: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for obj, where in _objects(raw, "$", source, "a Terraform JSON body"):
        for block_type, section in obj.items():
            path = f"{where}.{block_type}"
            if block_type == COMMENT:
                if isinstance(section, Mapping):
                    meta.update(section)
                continue
            if block_type not in KNOWN_BLOCK_TYPES:
                raise DocumentError(source, path, f"unknown top-level block type {block_type!r}")
            if section is None:
                continue
            if block_type in _TWO_LABELS:
                mode = _TWO_LABELS[block_type]
                for type_, by_name, type_path in _properties(section, path, source, f"{block_type} types"):
                    for name, blocks, name_path in _properties(by_name, type_path, source, f"{type_} names"):
                        for body, body_path in _bodies(blocks, name_path, source, f"the {block_type} body"):
                            resource = Resource.from_config(type_, name, body, mode)
                            _unique(seen, resource.address, body_path, source)
                            resources.append(resource)
            elif block_type == "module":
                for name, blocks, name_path in _properties(section, path, source, "module names"):
                    for body, body_path in _bodies(blocks, name_path, source, "the module body"):
                        resource = Resource.from_config("module", name, body, "module")
                        _unique(seen, resource.address, body_path, source)
                        resources.append(resource)
            elif block_type == "provider":
                for type_, blocks, type_path in _properties(section, path, source, "provider types"):
                    for body, _ in _bodies(blocks, type_path, source, "the provider body"):
                        alias = body.get("alias")
                        config = {k: v for k, v in body.items() if k != COMMENT and v is not None}
                        providers.append(Provider(type_, alias if isinstance(alias, str) else None, config))
    return Document(tuple(resources), tuple(providers), meta, source)


def _unique(seen: dict[str, str], address: str, path: str, source: str) -> None:
    if address in seen:
        raise DocumentError(source, path, f"{address} is declared twice (first at {seen[address]})")
    seen[address] = path


def load_document(path: Path | str) -> Document:
    """Read and parse one ``*.tf.json`` file; every problem is a :class:`DocumentError` naming the file."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DocumentError(source, "$", f"cannot read the file: {error}") from error
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentError(
            source, "$", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from error
    return read_document(raw, source)


def parse_document(raw: Any, source: str = "<document>") -> Document:
    """A :class:`Document` from a parsed document or one already read (idempotent)."""
    return raw if isinstance(raw, Document) else read_document(raw, source)
