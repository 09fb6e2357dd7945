"""CKV_FIN_AWS_356: checkov's CKV_AWS_356 ("*" as a statement's resource for restrictable actions) on every
policy document, KMS key-policy statements excluded (see fin_key_policy)."""

from fin_key_policy import KeyPolicyAwareIAMCheck


class FinAwsUnrestrictedResource(KeyPolicyAwareIAMCheck):
    def __init__(self) -> None:
        super().__init__(
            name='Ensure IAM policy documents do not allow "*" as a statement\'s resource for restrictable actions',
            id="CKV_FIN_AWS_356",
            refines="CKV_AWS_356",
            analysis="all_allowed_unrestricted_actions",
        )


check = FinAwsUnrestrictedResource()
