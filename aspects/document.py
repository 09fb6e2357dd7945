"""The document model: a synthesized Terraform JSON document -> resources + stack context -> findings.

Pure Python (no cdktf). Three callers use it the same way:

* the synth-time aspect (``aspects.synth``) on ``stack.to_terraform()``;
* the checkov checks (issue 4) on ``cdk.tf.json`` read by checkov (unwrap its lists first);
* tests and CI on any ``cdktf.out/stacks/<name>/cdk.tf.json``::

    from aspects.document import evaluate_document
    report = evaluate_document(json.load(open("cdk.tf.json")))
    print(report.format()); sys.exit(1 if report.errors else 0)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aspects.data import taggable_resource_types
from aspects.policy import GovernancePolicy
from aspects.rules._result import Issue, Status
from aspects.suppressions import Suppression, records_of

_LOG_GROUP_REF = re.compile(r"\$\{aws_cloudwatch_log_group\.(?P<name>[\w-]+)\.(?P<attr>\w+)\}")


@dataclass(frozen=True)
class Resource:
    """One resource or data source of a synthesized document (``config`` excludes ``"//"``)."""

    type: str
    name: str
    config: Mapping[str, Any]
    meta: Mapping[str, Any] = field(default_factory=dict)
    mode: str = "resource"  # or "data"

    @classmethod
    def from_config(cls, type_: str, name: str, config: Mapping[str, Any], mode: str = "resource") -> Resource:
        body = {k: v for k, v in config.items() if k != "//"}
        raw_meta = config.get("//")
        meta: Mapping[str, Any] = raw_meta if isinstance(raw_meta, Mapping) else {}
        return cls(type_, name, body, meta, mode)

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"

    @property
    def construct_path(self) -> str:
        metadata = self.meta.get("metadata") if isinstance(self.meta, Mapping) else None
        path = metadata.get("path") if isinstance(metadata, Mapping) else None
        return path if isinstance(path, str) else self.address


@dataclass(frozen=True)
class StackContext:
    """What rules may know about the rest of the stack."""

    policy: GovernancePolicy
    default_tags: Mapping[str, Mapping[str, Any]]  # provider ("aws" or "aws.<alias>") -> default tags
    log_groups: Mapping[str, Mapping[str, Any]]  # log group resource name -> config
    policy_documents: frozenset[str]  # names of data.aws_iam_policy_document in the stack
    taggable_types: frozenset[str]

    @classmethod
    def from_document(cls, document: Mapping[str, Any], policy: GovernancePolicy | None = None) -> StackContext:
        resources = document.get("resource") or {}
        data = document.get("data") or {}
        return cls(
            policy=policy or GovernancePolicy(),
            default_tags=_provider_default_tags(document.get("provider") or {}),
            log_groups=dict(resources.get("aws_cloudwatch_log_group") or {}),
            policy_documents=frozenset(data.get("aws_iam_policy_document") or {}),
            taggable_types=taggable_resource_types(),
        )

    def default_tags_for(self, resource: Resource) -> Mapping[str, Any]:
        provider = resource.config.get("provider")
        key = provider if isinstance(provider, str) and provider else "aws"
        return self.default_tags.get(key, {})

    def effective_tags(self, resource: Resource) -> dict[str, Any]:
        """Provider ``default_tags`` merged with the resource's literal ``tags`` (the resource wins).

        A ``tags`` value that is not a literal map (an expression) contributes nothing: callers that
        must report it as UNKNOWN check ``resource.config["tags"]`` first (``rules/required_tags.py``).
        """
        tags = resource.config.get("tags")
        return {**self.default_tags_for(resource), **(tags if isinstance(tags, Mapping) else {})}

    def declared_log_group(self, reference: Any) -> str | None:
        """Name of the log group resource a value refers to (by reference or by literal name), or None."""
        if not isinstance(reference, str):
            return None
        match = _LOG_GROUP_REF.search(reference)
        if match and match.group("name") in self.log_groups:
            return match.group("name")
        for name, config in self.log_groups.items():
            if config.get("name") == reference:
                return name
        return None


def _provider_default_tags(providers: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    result: dict[str, Mapping[str, Any]] = {}
    for provider_type, blocks in providers.items():
        for block in blocks if isinstance(blocks, list) else [blocks]:
            if not isinstance(block, Mapping):
                continue
            alias = block.get("alias")
            key = f"{provider_type}.{alias}" if alias else provider_type
            tags: dict[str, Any] = {}
            default_tags = block.get("default_tags")
            for entry in default_tags if isinstance(default_tags, list) else [default_tags]:
                if isinstance(entry, Mapping) and isinstance(entry.get("tags"), Mapping):
                    tags.update(entry["tags"])
            result[key] = tags
    return result


def iter_resources(document: Mapping[str, Any]) -> Iterator[Resource]:
    """Every resource and data source of a synthesized document, in document order."""
    for mode, section in (("resource", document.get("resource")), ("data", document.get("data"))):
        for type_, by_name in (section or {}).items():
            for name, config in (by_name or {}).items():
                if isinstance(config, Mapping):
                    yield Resource.from_config(type_, name, config, mode)


# --- findings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    rule_id: str
    severity: str
    level: str  # "error" fails synth, "warning" does not
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

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level == "warning")

    def format(self) -> str:
        return "\n".join(f.format() for f in self.findings)


def _finding(rule_id: str, resource: Resource, issue: Issue, suppressed_by: Suppression | None = None) -> Finding:
    from aspects.catalog import CATALOG

    rule = CATALOG[rule_id]
    if issue.unknown:
        message = f"{rule.title}: cannot be evaluated at synth ({issue.detail})."
    else:
        message = f"{rule.title}: {issue.detail}."
    return Finding(
        rule.id,
        rule.severity,
        rule.level,
        "UNKNOWN" if issue.unknown else "FAILED",
        resource.address,
        resource.construct_path,
        issue.key,
        message,
        rule.fix,
        suppressed_by,
    )


def evaluate_resource(
    resource: Resource,
    context: StackContext,
    *,
    today: dt.date | None = None,
    rule_ids: Iterable[str] | None = None,
) -> tuple[list[Finding], list[Finding]]:
    """Run the catalog rules on one resource and apply the suppressions in its ``"//"`` metadata.

    Returns ``(findings, suppressed)``: the findings no valid, unexpired suppression covers, and the
    ones a suppression covers (``Finding.suppressed_by``). ``rule_ids`` limits the rules run (a
    checkov check passes its own rule id). Findings about the suppressions themselves (expired,
    invalid, unused) are judged per suppression across the document: :func:`suppression_findings`.
    """
    from aspects.catalog import rules

    today = today or dt.datetime.now(dt.UTC).date()
    selected = set(rule_ids) if rule_ids is not None else None
    active = [s for s, problems in parse_suppressions(resource) if not problems and not s.is_expired(today)]
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    for rule in rules():
        if selected is not None and rule.id not in selected:
            continue
        assert rule.check is not None  # rules() only yields rules with a check
        result = rule.check(resource, context)
        if result.status in (Status.NOT_APPLICABLE, Status.COMPLIANT):
            continue
        for issue in result.issues:
            match = next((s for s in active if s.matches(rule.id, issue.key)), None)
            if match is None:
                findings.append(_finding(rule.id, resource, issue))
            else:
                suppressed.append(_finding(rule.id, resource, issue, match))
    return findings, suppressed


def parse_suppressions(resource: Resource) -> list[tuple[Suppression, list[str]]]:
    """The suppression records of a resource, parsed, each with its problems (empty when valid)."""
    return [Suppression.from_record(record) for record in records_of(resource.meta)]


def suppression_findings(
    carriers: Iterable[tuple[Resource, Suppression, list[str]]],
    used: set[Suppression],
    today: dt.date,
) -> list[Finding]:
    """FIN-010 (expired), FIN-012 (invalid) and FIN-011 (unused) findings, once per suppression.

    ``carriers`` are (resource, suppression, problems) for every record in the document: a
    suppression attached to a construct is carried by every resource below it and is unused only
    when it covered no finding on any of them. The finding names the construct the suppression was
    attached to (``source``) and the first resource carrying it.
    """
    from aspects.catalog import CATALOG, SUPPRESSION_EXPIRED, SUPPRESSION_INVALID, SUPPRESSION_UNUSED

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
        finding = _finding(rule_id, resource, Issue(suppression.rule, detail))
        if suppression.source:
            finding = replace(finding, construct_path=suppression.source)
        findings.append(finding)
    return findings


def evaluate_document(
    document: Mapping[str, Any], policy: GovernancePolicy | None = None, *, today: dt.date | None = None
) -> Report:
    """Evaluate every resource and data source of a synthesized Terraform JSON document."""
    today = today or dt.datetime.now(dt.UTC).date()
    context = StackContext.from_document(document, policy)
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    carriers = []
    for resource in iter_resources(document):
        found, covered = evaluate_resource(resource, context, today=today)
        findings += found
        suppressed += covered
        carriers += [(resource, s, problems) for s, problems in parse_suppressions(resource)]
    used = {f.suppressed_by for f in suppressed if f.suppressed_by is not None}
    findings += suppression_findings(carriers, used, today)
    return Report(tuple(findings), tuple(suppressed))
