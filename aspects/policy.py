"""The organisation's governance policy: one definition that synth, the CLI and checkov all read.

Pure Python (no cdktf): the checkov checks import it too.

A policy is written once, in one of two syntaxes of the same schema:

* a policy file, ``governance.toml``::

      [tags]
      required = ["CostCenter", "Environment", "Owner", "Project", "ManagedBy"]
      defaults = { ManagedBy = "cdktf" }      # applied by govern() where a resource lacks the key

      [logs]
      allowed_retention_days = [7, 14, 30, 90, 365]

      [dynamodb]
      min_pitr_recovery_days = 35

      [rules]                                  # error (fails synth and the gate), warning, or off
      FIN-003 = "warning"

* the record ``govern()`` writes into the synthesized document (top-level ``"//"``, under
  ``governance.policy``), so the policy in force travels with the output it judged.

Which policy applies (:func:`resolve_policy`): an explicit one (``govern(stack, policy)``, ``--policy``,
the ``GOVERNANCE_POLICY`` environment variable) first, then the one recorded in the document, then a
``governance.toml`` in the working directory, then :class:`GovernancePolicy` ()'s defaults. Every
problem in a policy is reported at once, each naming its file and field.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from aspects.catalog import CATALOG, LEVELS
from aspects.suppressions import META_KEY

#: Every value CloudWatch Logs accepts for ``retention_in_days`` except 0 (never expire).
CLOUDWATCH_RETENTION_DAYS: frozenset[int] = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
)

#: Required FinOps tag keys and the value the tagging aspect applies when a resource lacks the key.
#: ``None`` means "required, but there is no safe default": the stack must set it (provider
#: ``default_tags``, resource ``tags`` or ``GovernancePolicy(tags=...)``) or synth fails.
DEFAULT_REQUIRED_TAGS: Mapping[str, str | None] = MappingProxyType(
    {"CostCenter": None, "Environment": None, "Owner": None, "Project": None, "ManagedBy": "cdktf"}
)

POLICY_FILE = "governance.toml"
POLICY_ENV = "GOVERNANCE_POLICY"
#: Where the policy record lives in a synthesized document: ``document["//"]["governance"]["policy"]``.
RECORD_KEY = "policy"
_SECTIONS = {
    "tags": {"required", "defaults"},
    "logs": {"allowed_retention_days"},
    "dynamodb": {"min_pitr_recovery_days"},
}


class PolicyError(ValueError):
    """A policy that cannot be used; the message lists every problem with its source and field."""


@dataclass(frozen=True, kw_only=True)
class GovernancePolicy:
    """Organisation policy. Layered: defaults here < a policy file < what the caller passes.

    ``tags``: required tag keys mapped to the value to apply automatically (``None``: required, not applied).
    ``allowed_log_retention_days``: the retention values a log group may use (all must be positive).
    ``min_pitr_recovery_days``: when set, PITR recovery period (AWS default 35) must be >= it.
    ``rules``: level per rule id (``error``, ``warning``, ``off``) where it differs from the catalog's.
    """

    tags: Mapping[str, str | None] = field(default_factory=lambda: dict(DEFAULT_REQUIRED_TAGS))
    allowed_log_retention_days: frozenset[int] = CLOUDWATCH_RETENTION_DAYS
    min_pitr_recovery_days: int | None = None
    rules: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValueError("invalid GovernancePolicy: " + "; ".join(problems))
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))
        object.__setattr__(self, "allowed_log_retention_days", frozenset(self.allowed_log_retention_days))
        object.__setattr__(self, "rules", MappingProxyType(dict(sorted(self.rules.items()))))

    @classmethod
    def with_tags(cls, **values: str) -> GovernancePolicy:
        """Default policy with tag values filled in: ``GovernancePolicy.with_tags(Owner="data")``."""
        return cls(tags={**DEFAULT_REQUIRED_TAGS, **values})

    def replace_tags(self, **values: str) -> GovernancePolicy:
        """This policy with tag values filled in (required keys stay required; new keys become required)."""
        return GovernancePolicy(
            tags={**self.tags, **values},
            allowed_log_retention_days=self.allowed_log_retention_days,
            min_pitr_recovery_days=self.min_pitr_recovery_days,
            rules=self.rules,
        )

    @property
    def required_tag_keys(self) -> tuple[str, ...]:
        return tuple(self.tags)

    @property
    def tags_to_apply(self) -> dict[str, str]:
        return {k: v for k, v in self.tags.items() if v is not None}

    def level(self, rule_id: str, default: str) -> str:
        """The level of a rule under this policy (``default``: the catalog's)."""
        return self.rules.get(rule_id, default)

    def to_record(self) -> dict[str, Any]:
        """The policy as the mapping :func:`policy_from_mapping` reads (what a policy file holds)."""
        record: dict[str, Any] = {
            "tags": {
                "required": list(self.tags),
                "defaults": {k: v for k, v in self.tags.items() if v is not None},
            },
            "logs": {"allowed_retention_days": sorted(self.allowed_log_retention_days)},
        }
        if self.min_pitr_recovery_days is not None:
            record["dynamodb"] = {"min_pitr_recovery_days": self.min_pitr_recovery_days}
        if self.rules:
            record["rules"] = dict(self.rules)
        return record


def _problems(policy: GovernancePolicy) -> list[str]:
    problems = []
    if not policy.tags:
        problems.append("tags: at least one required tag key")
    problems += [
        f"tags[{k!r}]: value must be a non-empty string or None"
        for k, v in policy.tags.items()
        if v is not None and (not isinstance(v, str) or not v.strip())
    ]
    problems += [f"tags: key {k!r} must be a non-empty string" for k in policy.tags if not isinstance(k, str) or not k]
    days = policy.allowed_log_retention_days
    bad_days = sorted(d for d in days if isinstance(d, bool) or not isinstance(d, int) or d <= 0)
    if bad_days or not days:
        problems.append(f"allowed_log_retention_days: positive integers required (got {bad_days or 'none'})")
    minimum = policy.min_pitr_recovery_days
    if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= 35):
        problems.append(f"min_pitr_recovery_days: an integer between 1 and 35 (got {minimum!r})")
    for rule_id, level in policy.rules.items():
        if rule_id not in CATALOG:
            problems.append(f"rules[{rule_id!r}]: unknown rule id (known: {', '.join(CATALOG)})")
        if level not in LEVELS:
            problems.append(f"rules[{rule_id!r}]: level {level!r} is not one of {', '.join(LEVELS)}")
    return problems


# --- reading a policy ----------------------------------------------------------------------------------


def policy_from_mapping(data: Any, source: str) -> GovernancePolicy:
    """A policy from the policy-file schema (a parsed ``governance.toml`` or a document's record).

    Raises :class:`PolicyError` listing every problem as ``<source>: [section] field: problem``.
    """
    if not isinstance(data, Mapping):
        raise PolicyError(f"{source}: the policy must be a table (an object), got {type(data).__name__}")
    problems: list[str] = []
    for section in data:
        if section not in (*_SECTIONS, "rules"):
            problems.append(f"[{section}]: unknown section (known: tags, logs, dynamodb, rules)")
    sections = {}
    for name, known in _SECTIONS.items():
        value = data.get(name, {})
        if not isinstance(value, Mapping):
            problems.append(f"[{name}]: must be a table, got {type(value).__name__}")
            value = {}
        problems += [
            f"[{name}] {key}: unknown field (known: {', '.join(sorted(known))})" for key in value if key not in known
        ]
        sections[name] = value

    tags: dict[str, str | None] = dict(DEFAULT_REQUIRED_TAGS)
    required = sections["tags"].get("required")
    defaults = sections["tags"].get("defaults", {})
    if required is not None:
        if not isinstance(required, list) or not required or not all(isinstance(k, str) and k for k in required):
            problems.append("[tags] required: a non-empty list of tag keys (strings)")
        else:
            duplicates = sorted({k for k in required if required.count(k) > 1})
            if duplicates:
                problems.append(f"[tags] required: duplicate keys {duplicates}")
            tags = {key: None for key in required}
    if not isinstance(defaults, Mapping):
        problems.append("[tags] defaults: a table of tag key = value")
        defaults = {}
    for key, value in defaults.items():
        if key not in tags:
            problems.append(f"[tags] defaults.{key}: not a required tag (add it to [tags] required)")
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"[tags] defaults.{key}: must be a non-empty string, got {value!r}")
        else:
            tags[key] = value

    days_value = sections["logs"].get("allowed_retention_days")
    days = CLOUDWATCH_RETENTION_DAYS
    if days_value is not None:
        if not isinstance(days_value, list) or not days_value:
            problems.append("[logs] allowed_retention_days: a non-empty list of days")
        else:
            for index, day in enumerate(days_value):
                if isinstance(day, bool) or not isinstance(day, int) or day not in CLOUDWATCH_RETENTION_DAYS:
                    problems.append(
                        f"[logs] allowed_retention_days[{index}]: {day!r} is not a retention CloudWatch Logs "
                        f"accepts ({', '.join(map(str, sorted(CLOUDWATCH_RETENTION_DAYS)))})"
                    )
            days = frozenset(d for d in days_value if isinstance(d, int) and d in CLOUDWATCH_RETENTION_DAYS) or days

    minimum = sections["dynamodb"].get("min_pitr_recovery_days")
    if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= 35):
        problems.append(f"[dynamodb] min_pitr_recovery_days: an integer between 1 and 35, got {minimum!r}")
        minimum = None

    rules = data.get("rules", {})
    levels: dict[str, str] = {}
    if not isinstance(rules, Mapping):
        problems.append("[rules]: must be a table of rule id = level")
    else:
        for rule_id, level in rules.items():
            if rule_id not in CATALOG:
                problems.append(f"[rules] {rule_id}: unknown rule id (known: {', '.join(CATALOG)})")
            elif level not in LEVELS:
                problems.append(f"[rules] {rule_id}: level {level!r} is not one of {', '.join(LEVELS)}")
            else:
                levels[rule_id] = level
    if problems:
        raise PolicyError(f"{source}: invalid governance policy:\n  - " + "\n  - ".join(problems))
    return GovernancePolicy(tags=tags, allowed_log_retention_days=days, min_pitr_recovery_days=minimum, rules=levels)


def load_policy(path: Path | str) -> GovernancePolicy:
    """Read a policy file (TOML); :class:`PolicyError` names the file and every problem."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyError(f"{path}: cannot read the policy file: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{path}: not valid TOML: {error}") from error
    return policy_from_mapping(data, str(path))


def recorded_policy(meta: Mapping[str, Any], source: str = "the document") -> GovernancePolicy | None:
    """The policy ``govern()`` recorded in a document's top-level ``"//"`` metadata, if any."""
    block = meta.get(META_KEY) if isinstance(meta, Mapping) else None
    record = block.get(RECORD_KEY) if isinstance(block, Mapping) else None
    if record is None:
        return None
    return policy_from_mapping(record, f"{source}: //.governance.{RECORD_KEY}")


def explicit_policy(
    path: Path | str | None = None, env: Mapping[str, str] | None = None
) -> tuple[GovernancePolicy, str] | None:
    """The policy named by ``path`` or, failing that, by ``$GOVERNANCE_POLICY``; None when neither is set."""
    env = os.environ if env is None else env
    chosen = path or env.get(POLICY_ENV) or None
    if chosen is None:
        return None
    return load_policy(chosen), f"policy file {chosen}"


def resolve_policy(
    meta: Mapping[str, Any] | None,
    explicit: tuple[GovernancePolicy, str] | None = None,
    *,
    source: str = "the document",
    cwd: Path | None = None,
) -> tuple[GovernancePolicy, str]:
    """(policy, where it came from): explicit > recorded in the document > ./governance.toml > defaults."""
    if explicit is not None:
        return explicit
    recorded = recorded_policy(meta or {}, source)
    if recorded is not None:
        return recorded, f"recorded in {source} by govern()"
    local = (cwd or Path.cwd()) / POLICY_FILE
    if local.is_file():
        return load_policy(local), f"policy file {local}"
    return GovernancePolicy(), "built-in defaults"
