"""The shared adapter between checkov and the governance evaluator in ``aspects`` (not a check itself).

Every ``CKV_FIN_*`` check is a thin subclass of :class:`FinCheck` naming one catalog rule. The checks do
not run rules themselves: each scanned document is evaluated ONCE by :func:`aspects.document.evaluate_document`
(the function ``govern()`` runs at synth and ``python -m aspects.cli`` runs in CI), under the policy that
applies to it (:func:`aspects.policy.resolve_policy`: ``$GOVERNANCE_POLICY``, else the policy ``govern()``
recorded in the document, else ``./governance.toml``, else the defaults), and each check reads its
rule's result for the entity checkov hands it:

* FAILED: an error-level finding (UNKNOWN findings too: a value that cannot be evaluated is never a pass);
* SKIPPED: every finding is covered by a valid, unexpired suppression (the reason becomes checkov's
  suppress comment), or the policy makes the rule a warning (checkov has no warning level);
* PASSED: the rule applied and found nothing; no record when it does not apply or the policy turns it off.

Which file is being scanned: checkov passes each check the file's path relative to the scan root
(``run(scanned_file, ...)``). The root is one of the directories the gate names in
``$GOVERNANCE_SCAN_ROOTS``, else one given to checkov on its command line (``-d``/``--directory``,
``-f``/``--file``), else the working directory; the file that contains the entity is the one scanned.
A file that cannot be found or read is a FAILED result naming the problem, never a silent pass.

It runs inside checkov's own environment, which has no cdktf: ``aspects`` imports without it. The toolkit
(``cdktf-governance``, no dependencies) is installed there too (in this repository, editable:
``make checkov-env``), and the checks refuse to run against an ``aspects`` from another installation than
their own (a gate from one environment pointed at a checkov whose environment holds another version).
checkov imports every ``.py`` file of ``--external-checks-dir`` under its bare name; this module defines
no ``check`` object, so loading it registers nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.registry import data_registry
from checkov.terraform.checks.module.base_module_check import BaseModuleCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

try:
    import aspects
except ModuleNotFoundError as missing:
    raise ImportError(
        "the CKV_FIN_* checks need the governance toolkit in checkov's environment: install the "
        "cdktf-governance wheel there (it has no dependencies), e.g. `<checkov venv>/bin/pip install "
        "cdktf_governance-<version>-py3-none-any.whl`"
    ) from missing
from aspects.catalog import CATALOG, Rule
from aspects.document import Finding, Report, evaluate_document, parse_suppressions, suppression_findings
from aspects.policy import PolicyError, explicit_policy, resolve_policy
from aspects.tfjson import Document, DocumentError, Resource, load_document

#: The folder holding this installation's ``aspects`` and ``policies`` (site-packages, or a checkout).
INSTALLATION = Path(__file__).resolve().parents[2]
if Path(aspects.__file__).resolve().parents[1] != INSTALLATION:
    raise ImportError(
        f"the CKV_FIN_* checks in {Path(__file__).parent} need the aspects package of their own installation "
        f"({INSTALLATION}), but checkov's Python imports {Path(aspects.__file__).parent}: install the same "
        "cdktf-governance wheel into checkov's environment and run governance-gate from there"
    )

__all__ = ["FinCheck", "FinModuleCheck", "check_id", "unwrap"]

LINE_MARKERS = frozenset({"__startline__", "__endline__"})
COMMENT_KEY = "//"
ID_PREFIX = "CKV_FIN_"
SCAN_ROOTS_ENV = "GOVERNANCE_SCAN_ROOTS"


def check_id(rule_id: str) -> str:
    """``FIN-004`` -> ``CKV_FIN_4``: one id series, mechanically tied to the catalog."""
    return f"{ID_PREFIX}{int(rule_id.split('-')[1])}"


# --- what checkov gives a check -------------------------------------------------------------------


def strip_markers(value: Any) -> Any:
    """``value`` without checkov's line markers (for data checkov did not wrap, such as ``"//"``)."""
    if isinstance(value, dict):
        return {k: strip_markers(v) for k, v in value.items() if k not in LINE_MARKERS}
    if isinstance(value, list):
        return [strip_markers(v) for v in value]
    return value


def unwrap(conf: Mapping[str, Any]) -> dict[str, Any]:
    """The Terraform JSON config of a resource from checkov's hclified one (inverse of ``hclify``).

    ``hclify`` wraps a scalar or a list of scalars ``v`` as ``[v]``, an object ``o`` as ``[hclify(o)]``
    and keeps a list of objects as a list of hclified objects; values inside ``tags`` maps are not
    wrapped; ``"//"`` is copied as is. A one-element list of blocks therefore comes back as the block
    itself: the rules read blocks with ``first_block``/``as_list``, which accept both forms.
    """
    result: dict[str, Any] = {}
    for key, value in conf.items():
        if key in LINE_MARKERS:
            continue
        result[key] = strip_markers(value) if key == COMMENT_KEY else _unwrap_value(value)
    return result


def _unwrap_value(value: Any) -> Any:
    if isinstance(value, list):
        if len(value) == 1:
            inner = value[0]
            return unwrap(inner) if isinstance(inner, dict) else inner
        return [unwrap(v) if isinstance(v, dict) else v for v in value]
    if isinstance(value, dict):  # values in tags maps are not wrapped
        return unwrap(value)
    return value


# --- which document, and its one evaluation --------------------------------------------------------


def _argv_roots(argv: Sequence[str]) -> list[str]:
    """Scan roots named on checkov's command line: ``-d``/``--directory`` and the common folder of ``-f``."""
    directories: list[str] = []
    files: list[str] = []
    for index, arg in enumerate(argv):
        for flags, into in ((("-d", "--directory"), directories), (("-f", "--file"), files)):
            if arg in flags and index + 1 < len(argv):
                into.append(argv[index + 1])
            elif any(arg.startswith(f"{flag}=") for flag in flags if flag.startswith("--")):
                into.append(arg.split("=", 1)[1])
    if files:
        # exactly how checkov derives its root for -f (main.py): character-wise, so the same result here
        directories.append(os.path.split(os.path.commonprefix(files))[0] or ".")  # noqa: RUF071
    return directories


def scan_roots() -> list[str]:
    roots = [r for r in os.environ.get(SCAN_ROOTS_ENV, "").split(os.pathsep) if r]
    return [*roots, *_argv_roots(sys.argv[1:]), "."]


@lru_cache(maxsize=64)
def evaluation(path: str) -> tuple[Document, Report, str]:
    """(document, report, policy source) of one file: every check of every entity reads this one result."""
    document = load_document(path)
    policy, source = resolve_policy(document.meta, explicit_policy(), source=path)
    return document, evaluate_document(document, policy, today=dt.datetime.now(dt.UTC).date()), source


def locate(scanned_file: str, addresses: Sequence[str]) -> str:
    """The path of the scanned file that declares one of ``addresses`` (see the module docstring)."""
    relative = scanned_file.lstrip("/")
    candidates = []
    for root in scan_roots():
        path = os.path.normpath(os.path.join(root, relative))
        if os.path.isfile(path) and path not in candidates:
            candidates.append(path)
    if not candidates:
        raise FileNotFoundError(
            f"cannot find {scanned_file} under the scan roots {scan_roots()} (set {SCAN_ROOTS_ENV} to the "
            "directories given to checkov -d)"
        )
    for path in candidates:
        try:
            document, _, _ = evaluation(path)
        except (DocumentError, PolicyError):
            return path  # reported with its message by the caller
        if any(r.address in addresses for r in document.resources):
            return path
    return candidates[0]


# --- the check base classes -----------------------------------------------------------------------


class _FinResult:
    """The checkov result of one catalog rule on one entity, read from the document's evaluation."""

    rule: Rule
    details: list[str]
    evaluated_keys: list[str]
    _suppress_comment: str
    _address: str = ""
    _keys: frozenset[str] = frozenset()
    _scanned_file: str = ""

    # checkov calls run() -> scan_entity_conf() -> scan_resource_conf() / scan_module_conf()
    def run(
        self, scanned_file: str, entity_configuration: Any, entity_name: str, entity_type: str, skip_info: Any
    ) -> Any:
        self._scanned_file = scanned_file
        result = super().run(scanned_file, entity_configuration, entity_name, entity_type, skip_info)  # type: ignore[misc]
        if result.get("result") == CheckResult.SKIPPED and not skip_info:
            result["suppress_comment"] = self._suppress_comment
        return result

    def _result(self, scanned_file: str, addresses: list[str]) -> CheckResult:
        self._suppress_comment = ""
        self.evaluated_keys = []
        try:
            path = locate(scanned_file, addresses)
            document, report, _ = evaluation(path)
            declared = {r.address: r for r in document.resources if r.address in addresses}
            if len(declared) > 1:
                same = [a for a, r in declared.items() if set(r.config) | ({"//"} if r.meta else set()) == self._keys]
                declared = {a: declared[a] for a in same[:1]} or declared
            address = next((a for a in addresses if a in declared), None)
            if address is None:
                raise LookupError(f"{' or '.join(addresses)} is not declared in {path}")
            self._address = address
        except Exception as error:  # never let checkov turn a crash into a silent UNKNOWN
            self.details = [f"{self.rule.id} could not be evaluated: {type(error).__name__}: {error}"]
            return CheckResult.FAILED
        findings, suppressed = self.findings(report, address)
        errors = [f for f in findings if f.level == "error"]
        if errors:
            self.details = [finding.format() for finding in errors]
            self.evaluated_keys = sorted({finding.key for finding in errors})
            return CheckResult.FAILED
        if findings:  # warning level under the policy in force
            self.details = [f"warning: {finding.format()}" for finding in findings]
            self._suppress_comment = f"{self.rule.id} is a warning under the governance policy in force"
            return CheckResult.SKIPPED
        if suppressed:
            self.details = [f"suppressed: {finding.format()}" for finding in suppressed]
            self._suppress_comment = "; ".join(
                sorted(
                    {
                        f"{f.suppressed_by.reason} (expires {f.suppressed_by.expires or 'never'})"
                        for f in suppressed
                        if f.suppressed_by is not None
                    }
                )
            )
            return CheckResult.SKIPPED
        if self.applies(report, address):
            return CheckResult.PASSED
        return CheckResult.UNKNOWN  # checkov records nothing for UNKNOWN: not applicable, or turned off

    def findings(self, report: Report, address: str) -> tuple[list[Finding], list[Finding]]:
        return report.of(address, self.rule.id)

    def applies(self, report: Report, address: str) -> bool:
        return (address, self.rule.id) in report.applicable


class FinCheck(_FinResult, BaseResourceCheck):
    """A checkov check reporting one catalog rule's result on resources (and data sources).

    ``supported_resources`` are the types the rule can apply to (checkov needs them up front); the
    evaluator decides whether it applies. ``data_sources`` registers the same check for data sources.
    """

    def __init__(
        self,
        *,
        name: str,
        id: str,
        rule_id: str,
        supported_resources: Iterable[str],
        categories: Iterable[CheckCategories],
        data_sources: Iterable[str] = (),
    ) -> None:
        self.rule = CATALOG[rule_id]
        if id != check_id(rule_id):
            raise ValueError(f"{type(self).__name__}: id {id} does not match rule {rule_id} ({check_id(rule_id)})")
        self.data_sources = frozenset(data_sources)
        super().__init__(
            name=name,
            id=id,
            categories=list(categories),
            supported_resources=sorted({*supported_resources, *self.data_sources}),
            guideline=f"{self.rule.id} {self.rule.title}: {self.rule.fix}",
        )
        self.severity = Severities[self.rule.severity]
        if self.data_sources:  # the same check object also scans data sources
            data_registry.register(self)
        self._suppress_comment = ""

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        name = self.entity_path.rsplit(":", 1)[-1]
        type_ = self.entity_type
        addresses = [f"{type_}.{name}"]
        if self.data_sources:
            # checkov does not say whether a resource or a data source is scanned: the file does. A type
            # with both (aws_iam_policy) is told apart by which of the two has the scanned arguments.
            addresses.append(f"data.{type_}.{name}")
        self._keys = frozenset(k for k in conf if k not in LINE_MARKERS)
        return self._result(self._scanned_file, addresses)


class FinModuleCheck(_FinResult, BaseModuleCheck):
    """A checkov check reporting one catalog rule's result on module calls."""

    def __init__(self, *, name: str, id: str, rule_id: str, categories: Iterable[CheckCategories]) -> None:
        self.rule = CATALOG[rule_id]
        if id != check_id(rule_id):
            raise ValueError(f"{type(self).__name__}: id {id} does not match rule {rule_id} ({check_id(rule_id)})")
        super().__init__(
            name=name,
            id=id,
            categories=list(categories),
            guideline=f"{self.rule.id} {self.rule.title}: {self.rule.fix}",
        )
        self.severity = Severities[self.rule.severity]
        self._suppress_comment = ""

    def scan_module_conf(self, conf: dict[str, Any]) -> CheckResult:
        return self._result(self._scanned_file, [f"module.{self.entity_path.rsplit(':', 1)[-1]}"])


class FinSuppressionCheck(FinCheck):
    """A check over the suppression records themselves (expired, invalid), per carrying resource.

    At synth these findings are reported once per suppression (on the construct it was attached to);
    checkov reports them on every resource that carries the record. Unused suppressions (FIN-011) are
    warnings at synth and have no checkov check: checkov has no warning level.
    """

    def _carrier(self, address: str) -> Resource:
        document, _, _ = evaluation(locate(self._scanned_file, [address]))
        return next(r for r in document.resources if r.address == address)

    def applies(self, report: Report, address: str) -> bool:
        return (
            bool(parse_suppressions(self._carrier(address)))
            and report.policy.level(self.rule.id, self.rule.level) != "off"
        )

    def findings(self, report: Report, address: str) -> tuple[list[Finding], list[Finding]]:
        # the document-level finding names the first carrier; every carrier of the same record fails here
        resource = self._carrier(address)
        carriers = [(resource, suppression, problems) for suppression, problems in parse_suppressions(resource)]
        used = {suppression for _, suppression, _ in carriers}  # "unused" is judged per document at synth only
        found = [
            f
            for f in suppression_findings(carriers, used, dt.datetime.now(dt.UTC).date(), report.policy)
            if f.rule_id == self.rule.id
        ]
        return [_at(f, resource.construct_path) for f in found], []


def _at(finding: Finding, construct_path: str) -> Finding:
    """Name the carrying resource's construct path too (the finding names the suppression's source)."""
    if finding.construct_path == construct_path:
        return finding
    return replace(finding, message=f"{finding.message} (carried by {construct_path})")
