"""Data generated from the AWS provider schema (see ``generate_taggable.py``)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TAGGABLE_FILE = Path(__file__).with_name("taggable_resources.json")


@cache
def taggable_resource_types() -> frozenset[str]:
    """Resource types that accept ``tags`` and inherit provider ``default_tags``."""
    return frozenset(json.loads(TAGGABLE_FILE.read_text())["resource_types"])
