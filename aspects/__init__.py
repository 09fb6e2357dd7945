"""Governance at synth for any CDKTF stack.

    from aspects import govern
    govern(stack)

The rules, catalog, policy and document model import without cdktf (the checkov layer uses them);
``govern``, ``suppress`` and ``Governance`` load the cdktf adapter lazily on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aspects.policy import GovernancePolicy

if TYPE_CHECKING:
    from aspects.synth import Governance, govern, suppress, suppressions_of

_LAZY = {"govern", "suppress", "suppressions_of", "Governance", "FinOpsTagAspect", "GovernanceValidation"}

__all__ = ["Governance", "GovernancePolicy", "govern", "suppress", "suppressions_of"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from aspects import synth

        return getattr(synth, name)
    raise AttributeError(f"module 'aspects' has no attribute {name!r}")
