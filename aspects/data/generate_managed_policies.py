"""Regenerate ``aws_managed_policies.json``: the AWS managed IAM policies, offline and dated.

Source: the snapshot of every AWS managed policy document that moto ships and refreshes from a live
account (``moto/iam/aws_managed_policies.py``, ``make aws_managed_policies`` in moto's repository).
The snapshot date recorded is the newest ``UpdateDate`` in it: no policy in the file is newer.

What is kept per policy: its path, default version, last update and only the Allow statements that
can grant more than they name: statements with a wildcard (``*``/``?``) in an action, or with
``NotAction``. A policy with none of these is kept with no statements, so "known and clean" differs
from "unknown" (an ARN that is not in the file is an UNKNOWN finding, never a pass). The rule reads the
kept statements with the same code as every other policy document.

Usage (moto is in the project's dev environment)::

    python -m aspects.data.generate_managed_policies            # rewrite the JSON file
    python -m aspects.data.generate_managed_policies --check    # exit 1 if the kept file is stale
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aspects.data.schema import run_generator

OUTPUT = Path(__file__).with_name("aws_managed_policies.json")
SOURCE = "moto/iam/aws_managed_policies.py (moto {version})"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def broad_statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The Allow statements of a policy document that use a wildcard action or NotAction (trimmed)."""
    kept = []
    for statement in _as_list(document.get("Statement")):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        wildcards = sorted(a for a in _as_list(statement.get("Action")) if "*" in a or "?" in a)
        if not wildcards and statement.get("NotAction") is None:
            continue
        trimmed: dict[str, Any] = {"Effect": "Allow"}
        if "Sid" in statement:
            trimmed["Sid"] = statement["Sid"]
        if wildcards:
            trimmed["Action"] = wildcards
        if statement.get("NotAction") is not None:
            trimmed["NotAction"] = statement["NotAction"]
        kept.append(trimmed)
    return kept


def snapshot(policies: Mapping[str, Mapping[str, Any]], moto_version: str) -> dict[str, Any]:
    kept = {
        name: {
            "path": policy["Path"],
            "version": policy["DefaultVersionId"],
            "updated": policy["UpdateDate"][:10],
            "Statement": broad_statements(policy["Document"]),
        }
        for name, policy in sorted(policies.items())
    }
    return {
        "source": SOURCE.format(version=moto_version),
        "snapshot_date": max(p["updated"] for p in kept.values()),
        "policies": len(kept),
        "kept": "Allow statements with a wildcard action or NotAction; other statements are dropped",
        "managed_policies": kept,
    }


def render_from_moto() -> str:
    import moto
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.dumps(snapshot(json.loads(aws_managed_policies_data), moto.__version__), indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    return run_generator(
        "aspects.data.generate_managed_policies", OUTPUT, str, argv, text=render_from_moto, source="moto's snapshot"
    )


if __name__ == "__main__":
    sys.exit(main())
