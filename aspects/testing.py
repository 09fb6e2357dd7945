"""Test a stack's governance the way you test the stack: the real synth-time validation, readable failures.

    from aspects.testing import assert_governed, governance_findings

    def test_stack_is_governed():
        stack = build_my_stack()                  # calls govern(stack) like the app does
        assert_governed(stack, allow=["FIN-004 aws_lambda_function.legacy_x86"])

Both run a full synth of the stack with its own library's ``Testing.full_synth`` (cdktf or cdktn): aspects,
then validations, exactly as ``cdktf synth`` does. ``Testing.synth`` would not do: it ignores error
annotations and strips the ``"//"`` metadata the suppressions live in. The findings are the report the
governance validation wrote on the :class:`aspects.synth.Governance` handle during that synth.

``allow`` entries are precise on purpose, so that they cannot hide more than they name: a catalog rule id
plus the Terraform address or the construct path of one element, optionally one issue key (a tag name, an
IAM action). No wildcards; an entry that matches no finding fails the assertion (it is stale or wrong).
An allowance belongs in a test about a finding you expect; a finding the stack should live with belongs in
``suppress()`` with a reason, which the synth, the CLI and the checkov gate all honour.

The pytest plugin (:mod:`aspects.pytest_plugin`, installed as a ``pytest11`` entry point) exposes these
as fixtures of the same names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aspects.catalog import CATALOG
from aspects.document import Finding, Report
from aspects.flavour import load

__all__ = [
    "Allow",
    "GovernanceAssertionError",
    "assert_governed",
    "format_findings",
    "governance_findings",
    "governance_report",
]


class GovernanceAssertionError(AssertionError):
    """A governed stack has findings its test does not allow (or an allowance matched nothing)."""


@dataclass(frozen=True)
class Allow:
    """One finding a test expects: ``rule`` at ``at`` (Terraform address or construct path), maybe one ``key``."""

    rule: str
    at: str
    key: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.rule not in CATALOG:
            problems.append(f"rule {self.rule!r} is not a catalog rule id ({', '.join(sorted(CATALOG))})")
        if not self.at or any(c in self.at for c in "*?[]") or self.at.strip() != self.at:
            problems.append(f"'at' must name one Terraform address or construct path exactly, got {self.at!r}")
        if self.key is not None and (not self.key or self.key == "*"):
            problems.append(f"key must name one issue (a tag, an IAM action), got {self.key!r}")
        if problems:
            raise ValueError("invalid allow entry: " + "; ".join(problems))

    @classmethod
    def parse(cls, entry: Allow | str | Sequence[str]) -> Allow:
        """``"FIN-002 aws_iam_role.ci"``, ``"FIN-002 team-dev/ci/role s3:Get*"``, a tuple, or an Allow."""
        if isinstance(entry, Allow):
            return entry
        parts = entry.split() if isinstance(entry, str) else list(entry)
        if len(parts) not in (2, 3):
            raise ValueError(f"invalid allow entry {entry!r}: expected 'RULE ADDRESS-OR-PATH [KEY]'")
        return cls(*parts)

    def matches(self, finding: Finding) -> bool:
        return (
            finding.rule_id == self.rule
            and self.at in (finding.address, finding.construct_path)
            and (self.key is None or finding.key == self.key)
        )

    def __str__(self) -> str:
        return " ".join(p for p in (self.rule, self.at, self.key) if p is not None)


def governance_report(stack: Any) -> Report:
    """Fully synthesize ``stack`` (aspects + validations) and return the governance report of that synth.

    Fails when ``govern(stack)`` was never called (nothing would be checked) and re-raises a synth
    failure that is not (only) governance findings.
    """
    from aspects.synth import governance_of

    governance = governance_of(stack)
    if governance is None:
        path = getattr(getattr(stack, "node", None), "path", type(stack).__name__)
        raise GovernanceAssertionError(
            f"stack {path!r} is not governed: govern(stack) was never called on it, so its synth checks nothing"
        )
    governance.report = None
    try:
        load(governance.library).Testing.full_synth(stack)
    except RuntimeError as error:
        report = governance.report
        if report is None or _other_errors(str(error), report):
            raise
        return report
    if governance.report is None:  # cannot happen while govern() registers its validation
        raise GovernanceAssertionError(f"the governance validation did not run on stack {stack.node.path!r}")
    return governance.report


def _other_errors(message: str, report: Report) -> list[str]:
    """Error annotations in a failed synth's message that are not governance findings."""
    from aspects.synth import annotation_errors

    errors = annotation_errors(message)
    if not errors:
        return [message]
    ours = {finding.format() for finding in report.errors}
    return [line for line in errors if line.split("] ", 1)[-1] not in ours]


def governance_findings(stack: Any, *, warnings: bool = True) -> list[Finding]:
    """The unsuppressed findings of a full synth of ``stack`` (error level, and warnings unless False)."""
    report = governance_report(stack)
    return list(report.findings if warnings else report.errors)


def format_findings(findings: Iterable[Finding]) -> str:
    """One block per finding: rule, severity, level, address, construct path, issue key, what, fix."""
    blocks = []
    for f in findings:
        status = " UNKNOWN" if f.status == "UNKNOWN" else ""
        blocks.append(
            f"  {f.rule_id} [{f.severity}]{status} {f.level} at {f.address}\n"
            f"      construct: {f.construct_path}\n"
            f"      key:       {f.key}\n"
            f"      problem:   {f.message}\n"
            f"      fix:       {f.fix}"
        )
    return "\n".join(blocks)


def assert_governed(stack: Any, allow: Iterable[Allow | str | Sequence[str]] = (), *, warnings: bool = False) -> Report:
    """Assert a full synth of ``stack`` leaves no error-level finding except those ``allow`` names.

    ``warnings=True`` makes warning-level findings fail too. Every ``allow`` entry must match at least
    one finding. Returns the report (for further assertions).
    """
    __tracebackhide__ = True
    allowed = [Allow.parse(entry) for entry in allow]
    report = governance_report(stack)
    considered = report.findings if warnings else report.errors
    unexpected = [f for f in considered if not any(a.matches(f) for a in allowed)]
    stale = [a for a in allowed if not any(a.matches(f) for f in report.findings)]
    if unexpected or stale:
        lines = []
        if unexpected:
            lines.append(
                f"stack {stack.node.path!r}: {len(unexpected)} governance finding(s) not allowed "
                f"({len(report.errors)} error(s), {len(report.warnings)} warning(s), "
                f"{len(report.suppressed)} suppressed in total):"
            )
            lines.append(format_findings(unexpected))
        if stale:
            lines.append("allow entries that match no finding (remove or correct them):")
            lines += [f"  {entry}" for entry in stale]
        raise GovernanceAssertionError("\n".join(lines))
    return report
