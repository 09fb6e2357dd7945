"""The shared adapter between checkov and the governance rules in ``aspects`` (not a check itself).

Every ``CKV_FIN_*`` check is a thin subclass of :class:`FinCheck`: it names a catalog rule and the
resource types the rule applies to. The logic lives once, in ``aspects.rules`` (the same functions
``govern()`` runs at synth); this module turns what checkov hands a check back into the input those
functions take. It runs inside checkov's own environment (``.venv-checkov``), which has no cdktf:
``aspects.rules``, ``aspects.catalog`` and ``aspects.document`` import without it.

What checkov's ``terraform_json`` framework gives a resource check, and how the rest is found:

* the resource's config with every value wrapped in a list (``checkov.terraform_json.parser.hclify``)
  and ``__startline__``/``__endline__`` markers in every object: :func:`unwrap` undoes both, the one
  place that does;
* the resource's ``"//"`` metadata, copied verbatim by ``hclify`` (only the line markers are added):
  the suppression records that ``govern()`` writes there are read from it;
* NOT the rest of the document, which the rules need as :class:`aspects.document.StackContext`
  (provider ``default_tags``, declared log groups, policy documents). The ``terraform_json`` runner does
  not attach its graph to Python checks (``registry.graph`` stays ``None``) and passes only a path
  relative to the scan root; the absolute path of the scanned file is a local of
  ``TerraformJsonRunner.run_block``. :func:`scan_origin` reads it from the call stack and the document
  is loaded once per file (:func:`stack_context`). checkov is pinned (``tools/checkov``), and
  ``tests/policies`` fail if this ever stops working.

checkov turns an exception raised by a check into an UNKNOWN result that no report shows, so
:meth:`FinCheck.scan_resource_conf` never raises: a rule that cannot be evaluated is a FAILED result
naming the error. checkov imports every ``.py`` file of ``--external-checks-dir`` under its bare name;
this module defines no ``check`` object, so loading it registers nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from types import FrameType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # checkov's environment does not install this repository
    sys.path.insert(0, str(REPO_ROOT))

from checkov.common.bridgecrew.severities import Severities  # noqa: E402
from checkov.common.models.enums import CheckCategories, CheckResult  # noqa: E402
from checkov.terraform.checks.data.registry import data_registry  # noqa: E402
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck  # noqa: E402

from aspects.catalog import CATALOG, Rule  # noqa: E402
from aspects.data import taggable_resource_types  # noqa: E402
from aspects.document import (  # noqa: E402
    Finding,
    Resource,
    StackContext,
    evaluate_resource,
    parse_suppressions,
    suppression_findings,
)
from aspects.rules._policy_documents import KMS_TYPES, POLICY_ATTRIBUTES  # noqa: E402
from aspects.rules._result import Status  # noqa: E402

__all__ = [
    "KMS_TYPES",
    "POLICY_ATTRIBUTES",
    "FinCheck",
    "FinSuppressionCheck",
    "check_id",
    "stack_context",
    "taggable_resource_types",
    "unwrap",
]

LINE_MARKERS = frozenset({"__startline__", "__endline__"})
COMMENT_KEY = "//"
ID_PREFIX = "CKV_FIN_"


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
    itself: the rules read blocks with ``first_block``/``_as_tuple``, which accept both forms
    (``tests/policies/test_unwrap.py`` proves that every rule gives the same result on both).
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


def scan_origin() -> tuple[str, str]:
    """(absolute path of the scanned file, block type) of the entity checkov is scanning now."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "run_block" and "full_file_path" in frame.f_locals:
            return str(frame.f_locals["full_file_path"]), str(frame.f_locals.get("block_type", "resource"))
        frame = frame.f_back
    raise RuntimeError(
        "FIN checks need checkov's terraform_json runner (checkov --framework terraform_json -d <cdktf.out>)"
    )


@lru_cache(maxsize=64)
def stack_context(path: str) -> StackContext:
    """The stack context (provider default_tags, log groups, policy documents) of one cdk.tf.json."""
    return StackContext.from_document(json.loads(Path(path).read_text(encoding="utf-8")))


# --- the check base class -------------------------------------------------------------------------


class FinCheck(BaseResourceCheck):
    """A checkov check that runs one catalog rule through ``aspects.document.evaluate_resource``.

    PASSED: no finding; FAILED: an unsuppressed finding (UNKNOWN findings too: a value that cannot be
    evaluated is never a pass); SKIPPED: every finding is covered by a valid, unexpired suppression
    record in the resource's ``"//"`` metadata (the reason becomes checkov's suppress comment). Details
    name the rule id, severity, construct path, Terraform address, what is wrong and how to fix it.
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
        self.rule: Rule = CATALOG[rule_id]
        if id != check_id(rule_id):
            raise ValueError(f"{type(self).__name__}: id {id} does not match rule {rule_id} ({check_id(rule_id)})")
        super().__init__(
            name=name,
            id=id,
            categories=list(categories),
            supported_resources=sorted({*supported_resources, *data_sources}),
            guideline=f"{self.rule.id} {self.rule.title}: {self.rule.fix}",
        )
        self.severity = Severities[self.rule.severity]
        if data_sources:  # the same check object also scans data sources (the rule decides which)
            data_registry.register(self)
        self._suppress_comment = ""

    # checkov calls run() -> scan_entity_conf() -> scan_resource_conf()
    def run(
        self, scanned_file: str, entity_configuration: Any, entity_name: str, entity_type: str, skip_info: Any
    ) -> Any:
        result = super().run(scanned_file, entity_configuration, entity_name, entity_type, skip_info)
        if result.get("result") == CheckResult.SKIPPED and not skip_info:
            result["suppress_comment"] = self._suppress_comment
        return result

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self._suppress_comment = ""
        self.evaluated_keys = []
        try:
            path, block_type = scan_origin()
            name = self.entity_path.rsplit(":", 1)[-1]
            mode = "data" if block_type == "data" else "resource"
            resource = Resource.from_config(self.entity_type, name, unwrap(conf), mode)
            context = stack_context(path)
            if not self.applies(resource, context):
                return CheckResult.UNKNOWN  # checkov records nothing for UNKNOWN: not applicable
            findings, suppressed = self.evaluate(resource, context)
        except Exception as error:  # never let checkov turn a crash into a silent UNKNOWN
            self.details = [f"{self.rule.id} could not be evaluated: {type(error).__name__}: {error}"]
            return CheckResult.FAILED
        if findings:
            self.details = [finding.format() for finding in findings]
            self.evaluated_keys = sorted({finding.key for finding in findings})
            return CheckResult.FAILED
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
        return CheckResult.PASSED

    def applies(self, resource: Resource, context: StackContext) -> bool:
        """The rule itself says whether it applies (checkov only matched the resource type)."""
        return self.rule.check is None or self.rule.check(resource, context).status != Status.NOT_APPLICABLE

    def evaluate(self, resource: Resource, context: StackContext) -> tuple[list[Finding], list[Finding]]:
        """(unsuppressed findings, suppressed findings) of this check's rule on one resource."""
        return evaluate_resource(resource, context, rule_ids=[self.rule.id])


class FinSuppressionCheck(FinCheck):
    """A check over the suppression records themselves (expired, invalid), per carrying resource.

    At synth these findings are reported once per suppression (on the construct it was attached to);
    checkov reports them on every resource that carries the record. Unused suppressions (FIN-011) are
    warnings at synth and have no checkov check: checkov has no warning level.
    """

    def applies(self, resource: Resource, context: StackContext) -> bool:
        return bool(parse_suppressions(resource))

    def evaluate(self, resource: Resource, context: StackContext) -> tuple[list[Finding], list[Finding]]:
        today = dt.datetime.now(dt.UTC).date()
        carriers = [(resource, suppression, problems) for suppression, problems in parse_suppressions(resource)]
        used = {suppression for _, suppression, _ in carriers}  # "unused" is judged per document at synth only
        found = [f for f in suppression_findings(carriers, used, today) if f.rule_id == self.rule.id]
        return [_at(f, resource) for f in found], []


def _at(finding: Finding, resource: Resource) -> Finding:
    """Name the carrying resource's construct path too (the finding names the suppression's source)."""
    if finding.construct_path == resource.construct_path:
        return finding
    return replace(finding, message=f"{finding.message} (carried by {resource.construct_path})")
