"""Which tag keys are required and which values they may take.

Two sources, one shape (:class:`TagRequirements`):

* the governance catalog the synth-time aspects enforce (``aspects.policy.GovernancePolicy``): the
  required keys, any non-empty value;
* an AWS Organizations tag policy (the JSON of a policy or of ``describe-effective-policy``): every
  key under ``"tags"`` is treated as required, with ``tag_key`` giving its exact capitalisation and
  ``tag_value`` its allowed values (``*`` is a wildcard, as in tag policies).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aspects.policy import GovernancePolicy
from aspects.tags import is_present

# Per-key problems, in the order reports list them.
MISSING = "missing"
EMPTY = "empty"
WRONG_CASE = "wrong-case"  # present only with another capitalisation than the policy's tag_key
DISALLOWED = "disallowed"
UNKNOWN = "unknown"  # a synthesized value that is an expression and allowed values are set

_TOKEN = re.compile(r"\$\{")


class PolicyError(ValueError):
    """A tag policy file that cannot be read; the message says which file and what is wrong."""


@dataclass(frozen=True)
class TagRequirements:
    keys: tuple[str, ...]
    allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # key -> patterns; absent: any value
    source: str = "catalog"

    @classmethod
    def from_catalog(cls, policy: GovernancePolicy | None = None, source: str | None = None) -> TagRequirements:
        """The required keys of ``policy`` (default: the built-in ``GovernancePolicy``); ``source`` names it."""
        policy = policy or GovernancePolicy()
        return cls(keys=policy.required_tag_keys, source=source or "governance catalog aspects.policy.GovernancePolicy")

    @classmethod
    def from_tag_policy(cls, path: Path) -> TagRequirements:
        try:
            document = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            raise PolicyError(f"cannot read tag policy {path}: {error}") from error
        tags = document.get("tags") if isinstance(document, Mapping) else None
        if not isinstance(tags, Mapping) or not tags:
            raise PolicyError(f'tag policy {path}: no "tags" object with at least one key')
        keys: list[str] = []
        allowed: dict[str, tuple[str, ...]] = {}
        for name, entry in tags.items():
            if not isinstance(entry, Mapping):
                raise PolicyError(f"tag policy {path}: tags.{name} is not an object")
            key = _assigned(entry.get("tag_key"))
            if key is None:
                key = name
            elif not isinstance(key, str) or not key:
                raise PolicyError(f"tag policy {path}: tags.{name}.tag_key must assign a string")
            keys.append(key)
            values = _assigned(entry.get("tag_value"))
            if values is not None:
                if isinstance(values, str):
                    values = [values]
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise PolicyError(f"tag policy {path}: tags.{name}.tag_value must assign a list of strings")
                allowed[key] = tuple(values)
        return cls(keys=tuple(keys), allowed=allowed, source=f"tag policy {path}")

    def problems(self, tags: Mapping[str, Any]) -> dict[str, str]:
        """Required key -> problem, for the keys that are not satisfied by ``tags``."""
        found: dict[str, str] = {}
        lowered = {k.lower(): k for k in tags}
        for key in self.keys:
            if key not in tags:
                found[key] = WRONG_CASE if key.lower() in lowered else MISSING
                continue
            value = tags[key]
            if not is_present(value):
                found[key] = EMPTY
            elif key in self.allowed:
                if _TOKEN.search(value):
                    found[key] = UNKNOWN
                elif not any(_matches(pattern, value) for pattern in self.allowed[key]):
                    found[key] = DISALLOWED
        return found


def _assigned(entry: Any) -> Any:
    """The ``@@assign`` value of a tag policy field (a bare value is accepted too)."""
    if isinstance(entry, Mapping):
        return entry.get("@@assign")
    return entry


def _matches(pattern: str, value: str) -> bool:
    if "*" not in pattern:
        return pattern == value
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, value) is not None
