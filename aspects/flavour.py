"""Which CDK for Terraform library a construct tree is built with: ``cdktf`` or ``cdktn`` (CDK Terrain).

HashiCorp archived CDKTF (PyPI ``cdktf``); its community continuation CDK Terrain (PyPI ``cdktn``) keeps
the same classes under another module name and jsii assembly. A stack built with one must be governed
with that one's classes: ``cdktf.TerraformStack.is_stack`` answers True for a ``cdktn`` stack, but
``isinstance(resource, cdktf.TerraformResource)`` is False for a ``cdktn`` resource, so the tagging
aspect would silently visit nothing. :func:`library_of` therefore reads the library from the Python
classes of the tree itself (the construct and its scopes up to the ``App``), never from what happens to be
importable, and refuses a tree that mixes both.

Pure Python: it imports neither library; :func:`load` imports the one a tree already uses.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["LIBRARIES", "library_of", "load"]

#: The supported libraries, by top-level module name, with the PyPI distribution that provides each.
LIBRARIES = {"cdktf": "cdktf", "cdktn": "cdktn"}


def _library_of_class(cls: type) -> str | None:
    for klass in cls.__mro__:
        root = klass.__module__.split(".")[0]
        if root in LIBRARIES:
            return root
    return None


def library_of(construct: Any) -> str:
    """``"cdktf"`` or ``"cdktn"``: the library whose classes ``construct`` and its scopes are made of.

    Raises TypeError for an object that is not a construct of either library, or a tree mixing both.
    """
    node = getattr(construct, "node", None)
    scopes = getattr(node, "scopes", None)
    if node is None or scopes is None:
        raise TypeError(
            "expected a construct of cdktf or cdktn (a TerraformStack or a construct in one), "
            f"got {type(construct).__name__}"
        )
    found: dict[str, str] = {}
    for scope in [construct, *scopes]:
        library = _library_of_class(type(scope))
        if library is not None:
            found.setdefault(library, f"{type(scope).__name__} {scope.node.path or '(root)'}")
    if not found:
        raise TypeError(
            f"{type(construct).__name__} {node.path!r} is not in a cdktf or cdktn construct tree (no App or "
            "TerraformStack of either library above it)"
        )
    if len(found) > 1:
        parts = ", ".join(f"{library}: {where}" for library, where in sorted(found.items()))
        raise TypeError(f"the construct tree mixes cdktf and cdktn classes ({parts}): build it with one library")
    return next(iter(found))


def load(library: str) -> ModuleType:
    """The module ``cdktf`` or ``cdktn`` (already imported by whoever built the tree)."""
    if library not in LIBRARIES:
        raise ValueError(f"unknown CDK for Terraform library {library!r}; expected one of {sorted(LIBRARIES)}")
    return importlib.import_module(library)
