"""CKV_FIN_2 / FIN-002: no Allow statement grants a wildcard action or uses NotAction, wherever a policy lives."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinCheck

from aspects.data import policy_locations


class FinIamNoWildcardActions(FinCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no IAM policy allows wildcard actions (*, service:*, service:Get*) or NotAction",
            id="CKV_FIN_2",
            rule_id="FIN-002",
            supported_resources=policy_locations().types,
            data_sources=["aws_iam_policy_document"],
            categories=[CheckCategories.IAM],
        )


check = FinIamNoWildcardActions()
