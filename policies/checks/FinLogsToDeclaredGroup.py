"""CKV_FIN_7 / FIN-007: Lambda functions and state machines log to a log group declared in the same stack."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinCheck

from aspects.data import service_log_groups


class FinLogsToDeclaredGroup(FinCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure Lambda functions and state machines log to a log group declared in the stack",
            id="CKV_FIN_7",
            rule_id="FIN-007",
            supported_resources=["aws_lambda_function", "aws_sfn_state_machine", *service_log_groups.types()],
            categories=[CheckCategories.LOGGING],
        )


check = FinLogsToDeclaredGroup()
