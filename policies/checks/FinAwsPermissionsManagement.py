"""CKV_FIN_AWS_109: checkov's CKV_AWS_109 (permissions management / resource exposure without constraints) on
every policy document, KMS key-policy statements excluded (see fin_key_policy)."""

from fin_key_policy import KeyPolicyAwareIAMCheck


class FinAwsPermissionsManagement(KeyPolicyAwareIAMCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure IAM policies do not allow permissions management / resource exposure without constraints",
            id="CKV_FIN_AWS_109",
            refines="CKV_AWS_109",
            analysis="permissions_management_without_constraints",
        )


check = FinAwsPermissionsManagement()
