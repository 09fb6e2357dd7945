"""CKV_FIN_AWS_111: checkov's CKV_AWS_111 (write access without constraints) on every policy document, KMS
key-policy statements excluded (see fin_key_policy)."""

from fin_key_policy import KeyPolicyAwareIAMCheck


class FinAwsWriteAccess(KeyPolicyAwareIAMCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure IAM policies do not allow write access without constraints",
            id="CKV_FIN_AWS_111",
            refines="CKV_AWS_111",
            analysis="write_actions_without_constraints",
        )


check = FinAwsWriteAccess()
