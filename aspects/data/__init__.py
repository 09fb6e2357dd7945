"""Reviewed lists the rules depend on, each generated from a named source by a committed generator.

* ``taggable_resources.json``: the AWS provider schema (``generate_taggable.py``);
* ``policy_locations.json``: the provider schema + a reviewed classification (``generate_policy_locations.py``);
* ``destroy_protection.json``: the provider schema + reviewed semantics and defaults
  (``generate_destroy_protection.py``);
* ``aws_managed_policies.json``: moto's dated snapshot of the AWS managed policies
  (``generate_managed_policies.py``);
* ``service_log_groups.py``: the log group names AWS services write to, from AWS documentation (reviewed,
  checked against the provider schema by the tests).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
TAGGABLE_FILE = HERE / "taggable_resources.json"
POLICY_LOCATIONS_FILE = HERE / "policy_locations.json"
DESTROY_PROTECTION_FILE = HERE / "destroy_protection.json"
MANAGED_POLICIES_FILE = HERE / "aws_managed_policies.json"


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Taggability:
    """How each resource type carries tags (``taggable_resources.json``)."""

    with_default_tags: frozenset[str]  # ``tags`` + ``tags_all``: provider default_tags merge in
    own_tags_only: frozenset[str]  # ``tags`` without ``tags_all``: default_tags never reach them
    tag_blocks: Mapping[str, str]  # type -> name of the repeated key/value block

    def taggable(self, type_: str) -> bool:
        return type_ in self.with_default_tags or type_ in self.own_tags_only or type_ in self.tag_blocks

    @property
    def types(self) -> frozenset[str]:
        return self.with_default_tags | self.own_tags_only | frozenset(self.tag_blocks)


@cache
def taggability() -> Taggability:
    data = _load(TAGGABLE_FILE)
    return Taggability(
        frozenset(data["resource_types"]), frozenset(data["without_default_tags"]), dict(data["tag_blocks"])
    )


@cache
def taggable_resource_types() -> frozenset[str]:
    """Every resource type that carries tags, however they are given."""
    return taggability().types


@dataclass(frozen=True)
class PolicyLocations:
    """Where IAM grants live (``policy_locations.json``): type -> argument paths (dotted through blocks)."""

    documents: Mapping[str, tuple[str, ...]]
    policy_arns: Mapping[str, tuple[str, ...]]
    actions: Mapping[str, tuple[str, ...]]
    name_references: Mapping[str, str]

    @property
    def types(self) -> frozenset[str]:
        return (
            frozenset(self.documents)
            | frozenset(self.policy_arns)
            | frozenset(self.actions)
            | frozenset(self.name_references)
        )


@cache
def policy_locations() -> PolicyLocations:
    data = _load(POLICY_LOCATIONS_FILE)

    def paths(section: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {type_: tuple(values) for type_, values in section.items()}

    return PolicyLocations(
        paths(data["documents"]), paths(data["policy_arns"]), paths(data["actions"]), dict(data["name_references"])
    )


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    path: str
    version: str
    updated: str
    statements: tuple[Mapping[str, Any], ...]  # only Allow statements with a wildcard action or NotAction

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::aws:policy{self.path}{self.name}"


@dataclass(frozen=True)
class ManagedPolicies:
    source: str
    snapshot_date: str
    by_name: Mapping[str, ManagedPolicy]


@cache
def managed_policies() -> ManagedPolicies:
    data = _load(MANAGED_POLICIES_FILE)
    return ManagedPolicies(
        data["source"],
        data["snapshot_date"],
        {
            name: ManagedPolicy(name, p["path"], p["version"], p["updated"], tuple(p["Statement"]))
            for name, p in data["managed_policies"].items()
        },
    )


@cache
def destroy_protection() -> Mapping[str, tuple[Mapping[str, Any], ...]]:
    """Resource type -> the arguments that keep the resource or make ``terraform destroy`` fail."""
    data = _load(DESTROY_PROTECTION_FILE)
    return {type_: tuple(entries) for type_, entries in data["arguments"].items()}


@cache
def never_destroyed() -> Mapping[str, str]:
    """Resource type -> why ``terraform destroy`` cannot remove it whatever its arguments."""
    return dict(_load(DESTROY_PROTECTION_FILE)["never_destroyed"])
