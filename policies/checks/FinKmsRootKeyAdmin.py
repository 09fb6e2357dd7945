"""CKV_FIN_3 / FIN-003: a KMS key policy granting kms:* to the account root is reported (suppress it with a reason)."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinCheck

from aspects.policy_documents import kms_types


class FinKmsRootKeyAdmin(FinCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure KMS key policies do not grant kms:* to the account root (unless suppressed with a reason)",
            id="CKV_FIN_3",
            rule_id="FIN-003",
            supported_resources=kms_types(),
            categories=[CheckCategories.IAM],
        )


check = FinKmsRootKeyAdmin()
