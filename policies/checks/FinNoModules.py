"""CKV_FIN_13 / FIN-013: a module call cannot be governed here: its resources are not in this document."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinModuleCheck


class FinNoModules(FinModuleCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no module call hides resources from governance",
            id="CKV_FIN_13",
            rule_id="FIN-013",
            categories=[CheckCategories.CONVENTION],
        )


check = FinNoModules()
