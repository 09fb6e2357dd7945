"""Regenerate ``taggable_resources.json`` from the AWS provider schema (offline).

Three ways a resource type carries tags, each with the tags it really gets:

* ``resource_types``: an optional ``tags`` map and the computed ``tags_all``: the provider merges its
  ``default_tags`` into these (effective tags = default tags + resource tags);
* ``without_default_tags``: a ``tags`` map without ``tags_all``: provider ``default_tags`` never reach
  them, so only the resource's own ``tags`` count;
* ``tag_blocks``: tags given as repeated blocks (``tag { key value propagate_at_launch }``), which
  ``default_tags`` do not reach either (``aws_autoscaling_group``).

Types the criteria find whose ``tags``/``tag`` are not the resource's own tags (a filter, a tag of
another resource) are excluded by name in :data:`EXCLUDED`, each with the reason.

Usage::

    python -m aspects.data.generate_taggable            # rewrite the JSON file
    python -m aspects.data.generate_taggable --check    # exit 1 if the kept file is stale
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aspects.data.schema import PROVIDER_SOURCE, PROVIDER_VERSION, resource_schemas, run_generator

OUTPUT = Path(__file__).with_name("taggable_resources.json")

#: Reviewed: matched by a criterion below, but these arguments are not the resource's own tags.
EXCLUDED: Mapping[str, str] = {
    "aws_inspector_resource_group": "its required 'tags' map is the filter that selects EC2 instances, "
    "not tags of the resource group",
    "aws_autoscaling_group_tag": "its 'tag' block is one tag written onto another resource (the Auto Scaling "
    "group named by autoscaling_group_name); it has no tags of its own",
}


def _is_map(attribute: Mapping[str, Any]) -> bool:
    return attribute.get("type") == ["map", "string"] and bool(attribute.get("optional") or attribute.get("required"))


def taggable_types(schema: Mapping[str, Any]) -> list[str]:
    """Resource types with an optional ``tags`` argument and a ``tags_all`` attribute, sorted."""
    found = []
    for name, spec in resource_schemas(schema).items():
        attributes = spec["block"].get("attributes", {})
        tags = attributes.get("tags")
        if tags and tags.get("optional") and "tags_all" in attributes:
            found.append(name)
    return sorted(found)


def without_default_tags(schema: Mapping[str, Any]) -> list[str]:
    """Types with a ``tags`` map but no ``tags_all`` (default_tags do not apply), minus :data:`EXCLUDED`."""
    found = []
    for name, spec in resource_schemas(schema).items():
        attributes = spec["block"].get("attributes", {})
        if name not in EXCLUDED and _is_map(attributes.get("tags", {})) and "tags_all" not in attributes:
            found.append(name)
    return sorted(found)


def tag_blocks(schema: Mapping[str, Any]) -> dict[str, str]:
    """Types whose tags are repeated ``tag`` blocks with ``key`` and ``value``: type -> block name."""
    found = {}
    for name, spec in resource_schemas(schema).items():
        block = spec["block"].get("block_types", {}).get("tag")
        if name in EXCLUDED or block is None or "tags" in spec["block"].get("attributes", {}):
            continue
        if {"key", "value"} <= set(block["block"].get("attributes", {})):
            found[name] = "tag"
    return dict(sorted(found.items()))


def render_schema(schema: Mapping[str, Any]) -> str:
    document = {
        "provider": PROVIDER_SOURCE,
        "version": PROVIDER_VERSION,
        "criterion": "optional 'tags' argument and computed 'tags_all' attribute (default_tags apply)",
        "resource_types": taggable_types(schema),
        "without_default_tags_criterion": "a 'tags' map without 'tags_all': default_tags do not apply",
        "without_default_tags": without_default_tags(schema),
        "tag_blocks_criterion": "repeated 'tag' blocks with 'key' and 'value' (and no 'tags' map)",
        "tag_blocks": tag_blocks(schema),
        "excluded": dict(sorted(EXCLUDED.items())),
    }
    return json.dumps(document, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    return run_generator("aspects.data.generate_taggable", OUTPUT, render_schema, argv)


if __name__ == "__main__":
    sys.exit(main())
