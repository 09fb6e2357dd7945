"""CKV_FIN_9 / FIN-009: nothing blocks terraform destroy (prevent_destroy, skip_destroy, deletion protection, ...)."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinCheck


class FinNoRetain(FinCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no resource blocks terraform destroy (no RETAIN)",
            id="CKV_FIN_9",
            rule_id="FIN-009",
            supported_resources=["*"],  # lifecycle.prevent_destroy can be set on any resource
            categories=[CheckCategories.GENERAL_SECURITY],
        )


check = FinNoRetain()
