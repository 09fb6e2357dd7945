"""CKV_FIN_1 / FIN-001: taggable resources carry every required FinOps tag (provider default_tags count)."""

from checkov.common.models.enums import CheckCategories
from fin_base import FinCheck

from aspects.data import taggable_resource_types


class FinRequiredTags(FinCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure taggable resources carry the required FinOps tags (provider default_tags included)",
            id="CKV_FIN_1",
            rule_id="FIN-001",
            supported_resources=taggable_resource_types(),
            categories=[CheckCategories.CONVENTION],
        )


check = FinRequiredTags()
