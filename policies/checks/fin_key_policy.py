"""Shared base of the ``CKV_FIN_AWS_*`` checks (not a check itself): checkov's cloudsplaining IAM checks
on ``data.aws_iam_policy_document``, minus KMS key-policy statements.

checkov's CKV_AWS_109 / CKV_AWS_111 / CKV_AWS_356 read every policy document as an identity policy, so
a KMS key policy fails them: in a key policy ``"Resource": "*"`` means "the key this policy is attached
to" and is the only value KMS accepts. checkov cannot skip a check for one resource in ``terraform_json``,
so those three are skipped in ``policies/checkov.yaml`` and run again here, on every document, with
key-policy statements left out. The analyses are checkov's own (the same cloudsplaining properties);
only the statements they see differ.

A key-policy statement is recognised by its shape alone
(``policies.key_policy.is_key_policy_statement``): it names a principal (identity policies cannot), its
resource is exactly ``"*"`` and every action is a ``kms:`` action. A document made only of such
statements passes; any other statement is analysed as before, so a bucket or queue policy with ``"*"``
resources still fails.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckResult
from checkov.terraform.checks.data.base_cloudsplaining_data_iam_check import (
    BaseTerraformCloudsplainingDataIAMCheck,
)
from fin_base import unwrap  # also puts the repository on sys.path

from policies.key_policy import is_key_policy_statement

__all__ = ["KeyPolicyAwareIAMCheck"]


class KeyPolicyAwareIAMCheck(BaseTerraformCloudsplainingDataIAMCheck):
    """A cloudsplaining data check that does not see KMS key-policy statements.

    ``refines``: the built-in check id it replaces (skipped in ``policies/checkov.yaml``);
    ``analysis``: the cloudsplaining ``PolicyDocument`` property that built-in check reports.
    """

    def __init__(self, *, name: str, id: str, refines: str, analysis: str) -> None:
        super().__init__(name=f"{name} ({refines}, KMS key-policy statements excluded)", id=id)
        self.refines = refines
        self.analysis = analysis

    def cloudsplaining_analysis(self, policy: Any) -> Any:
        return getattr(policy, self.analysis)

    def scan_data_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        statements = conf.get("statement")
        if not isinstance(statements, list):
            return super().scan_data_conf(conf)
        kept = [s for s in statements if not (isinstance(s, dict) and is_key_policy_statement(unwrap(s)))]
        if not kept:
            return CheckResult.PASSED
        return super().scan_data_conf({**conf, "statement": kept})

    @property
    def cache_key(self) -> str:
        # the base caches the converted document per entity in a class-level dict shared with the
        # built-in checks: this check converts a filtered document, so it needs its own key
        return f"{self.id}:{self.entity_path}"
