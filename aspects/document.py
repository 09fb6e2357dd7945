"""The evaluator: a Terraform JSON document -> findings, under one policy (pure Python, no cdktf).

Every entry point runs this one function on the same document, so they cannot disagree:

* the synth-time validation (``aspects.synth``) on ``stack.to_terraform()``;
* ``python -m aspects.cli`` on any ``cdk.tf.json``;
* the checkov checks (``policies/checks``), which look up their rule's findings in the report of the
  document they scan (each document is evaluated once)::

    from aspects.document import evaluate_document
    report = evaluate_document(json.load(open("cdk.tf.json")))
    print(report.format()); sys.exit(1 if report.errors else 0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from aspects.catalog import CATALOG, SUPPRESSION_EXPIRED, SUPPRESSION_INVALID, SUPPRESSION_UNUSED, Rule, rules
from aspects.context import StackContext
from aspects.policy import GovernancePolicy, recorded_policy
from aspects.result import Issue, Status
from aspects.suppressions import Suppression, records_of
from aspects.tfjson import Document, Resource, parse_document

# --- findings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    level: str  # "error" fails synth and the gate, "warning" does not (the policy may change a rule's level)
    status: str  # "FAILED" or "UNKNOWN"
    address: str
    construct_path: str
    key: str
    message: str
    fix: str
    suppressed_by: Suppression | None = None

    def format(self) -> str:
        """One line: rule id, severity, construct path, address, what is wrong, how to fix."""
        status = " UNKNOWN" if self.status == "UNKNOWN" else ""
        return (
            f"{self.rule_id} [{self.severity}]{status} {self.construct_path} ({self.address}): "
            f"{self.message} Fix: {self.fix}"
        )


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]  # unsuppressed: errors and warnings
    suppressed: tuple[Finding, ...]
    applicable: frozenset[tuple[str, str]] = frozenset()  # (address, rule id) of every rule that applied
    policy: GovernancePolicy = field(default_factory=GovernancePolicy, repr=False)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "warning")

    def format(self) -> str:
        return "\n".join(f.format() for f in self.findings)

    def of(self, address: str, rule_id: str) -> tuple[list[Finding], list[Finding]]:
        """(findings, suppressed findings) of one rule on one resource."""
        return (
            [f for f in self.findings if f.address == address and f.rule_id == rule_id],
            [f for f in self.suppressed if f.address == address and f.rule_id == rule_id],
        )


def _finding(
    rule: Rule, resource: Resource, issue: Issue, level: str, suppressed_by: Suppression | None = None
) -> Finding:
    if issue.unknown:
        message = f"{rule.title}: cannot be evaluated at synth ({issue.detail})."
    else:
        message = f"{rule.title}: {issue.detail}."
    return Finding(
        rule.id,
        rule.severity,
        level,
        "UNKNOWN" if issue.unknown else "FAILED",
        resource.address,
        resource.construct_path,
        issue.key,
        message,
        rule.fix,
        suppressed_by,
    )


def _active_rules(policy: GovernancePolicy, rule_ids: Iterable[str] | None) -> list[tuple[Rule, str]]:
    """(rule, level) of every rule to run: the catalog's checks minus those the policy turns off."""
    selected = set(rule_ids) if rule_ids is not None else None
    active = []
    for rule in rules():
        level = policy.level(rule.id, rule.level)
        if level != "off" and (selected is None or rule.id in selected):
            active.append((rule, level))
    return active


def evaluate_resource(
    resource: Resource,
    context: StackContext,
    *,
    today: dt.date | None = None,
    rule_ids: Iterable[str] | None = None,
    applicable: set[tuple[str, str]] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """Run the catalog rules on one resource and apply the suppressions in its ``"//"`` metadata.

    Returns ``(findings, suppressed)``: the findings no valid, unexpired suppression covers, and the
    ones a suppression covers (``Finding.suppressed_by``). ``rule_ids`` limits the rules run; rules the
    policy turns off never run. ``applicable`` collects (address, rule id) for every rule that applied.
    Findings about the suppressions themselves (expired, invalid, unused) are judged per suppression
    across the document: :func:`suppression_findings`.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    active = [s for s, problems in parse_suppressions(resource) if not problems and not s.is_expired(today)]
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    for rule, level in _active_rules(context.policy, rule_ids):
        assert rule.check is not None  # rules() only yields rules with a check
        result = rule.check(resource, context)
        if result.status is Status.NOT_APPLICABLE:
            continue
        if applicable is not None:
            applicable.add((resource.address, rule.id))
        for issue in result.issues:
            match = next((s for s in active if s.matches(rule.id, issue.key)), None)
            if match is None:
                findings.append(_finding(rule, resource, issue, level))
            else:
                suppressed.append(_finding(rule, resource, issue, level, match))
    return findings, suppressed


def parse_suppressions(resource: Resource) -> list[tuple[Suppression, list[str]]]:
    """The suppression records of a resource, parsed, each with its problems (empty when valid)."""
    return [Suppression.from_record(record) for record in records_of(resource.meta)]


def suppression_findings(
    carriers: Iterable[tuple[Resource, Suppression, list[str]]],
    used: set[Suppression],
    today: dt.date,
    policy: GovernancePolicy | None = None,
) -> list[Finding]:
    """FIN-010 (expired), FIN-012 (invalid) and FIN-011 (unused) findings, once per suppression.

    ``carriers`` are (resource, suppression, problems) for every record in the document: a
    suppression attached to a construct is carried by every resource below it and is unused only
    when it covered no finding on any of them. The finding names the construct the suppression was
    attached to (``source``) and the first resource carrying it.
    """
    policy = policy or GovernancePolicy()
    first: dict[Suppression, tuple[Resource, list[str]]] = {}
    for resource, suppression, problems in carriers:
        first.setdefault(suppression, (resource, problems))
    findings = []
    for suppression, (resource, problems) in first.items():
        label = suppression.rule + (f" ({suppression.finding})" if suppression.finding else "")
        if not problems and suppression.rule not in CATALOG:
            problems = [f"unknown rule id {suppression.rule!r}"]
        if problems:
            rule_id, detail = SUPPRESSION_INVALID, f"suppression of {label} is invalid: {'; '.join(problems)}"
        elif suppression.is_expired(today):
            rule_id, detail = SUPPRESSION_EXPIRED, f"suppression of {label} expired on {suppression.expires}"
        elif suppression not in used:
            rule_id, detail = SUPPRESSION_UNUSED, f"suppression of {label} matched no finding"
        else:
            continue
        rule = CATALOG[rule_id]
        level = policy.level(rule.id, rule.level)
        if level == "off":
            continue
        finding = _finding(rule, resource, Issue(suppression.rule, detail), level)
        if suppression.source:
            finding = replace(finding, construct_path=suppression.source)
        findings.append(finding)
    return findings


def creates_nothing(resource: Resource) -> bool:
    """``count = 0`` or an empty literal ``for_each``: Terraform creates no instance of it."""
    count = resource.config.get("count")
    for_each = resource.config.get("for_each")
    return (count == 0 and not isinstance(count, bool)) or (isinstance(for_each, dict | list) and not for_each)


def evaluate_document(
    document: Document | Any, policy: GovernancePolicy | None = None, *, today: dt.date | None = None
) -> Report:
    """Evaluate every resource, data source and module call of a Terraform JSON document.

    ``document``: a parsed document in any Terraform JSON syntax, or a :class:`aspects.tfjson.Document`
    (raises :class:`aspects.tfjson.DocumentError` when it is not Terraform JSON). ``policy``: the
    policy to apply; by default the one ``govern()`` recorded in the document, else the defaults.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    parsed = parse_document(document)
    policy = policy or recorded_policy(parsed.meta, parsed.source) or GovernancePolicy()
    context = StackContext(policy=policy, document=parsed)
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    applicable: set[tuple[str, str]] = set()
    carriers = []
    for resource in parsed.resources:
        if creates_nothing(resource):
            continue
        found, covered = evaluate_resource(resource, context, today=today, applicable=applicable)
        findings += found
        suppressed += covered
        carriers += [(resource, s, problems) for s, problems in parse_suppressions(resource)]
    used = {f.suppressed_by for f in suppressed if f.suppressed_by is not None}
    findings += suppression_findings(carriers, used, today, policy)
    return Report(tuple(findings), tuple(suppressed), frozenset(applicable), policy)
