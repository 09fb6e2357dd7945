"""Governance at synth for any CDK for Terraform stack, built with cdktf or with cdktn (CDK Terrain).

    from aspects import govern
    govern(stack)

The rules, catalog, policy and document model import without cdktf or cdktn (the checkov layer uses
them); ``govern``, ``suppress`` and ``Governance`` load the adapter lazily on first use (PEP 562), and the
adapter uses the library the stack passed to it is built with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aspects.policy import GovernancePolicy

if TYPE_CHECKING:
    from aspects.synth import Governance, govern, governance_of, suppress, suppressions_of, synth_app

_LAZY = {
    "govern", "governance_of", "suppress", "suppressions_of", "synth_app", "Governance", "FinOpsTagAspect",
    "GovernanceValidation",
}  # fmt: skip

__all__ = ["Governance", "GovernancePolicy", "govern", "governance_of", "suppress", "suppressions_of", "synth_app"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from aspects import synth

        return getattr(synth, name)
    raise AttributeError(f"module 'aspects' has no attribute {name!r}")
