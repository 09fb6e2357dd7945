"""The one way the harness replaces a MiniStack function, and the list of replacements for the emulator log."""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import ModuleType
from typing import Any

#: One line per replaced function (``<module>.<function>: <why>``); printed into the emulator log at start.
INSTALLED: list[str] = []


def wrap(target: ModuleType | type, name: str, why: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: replace ``target.name`` by the decorated ``wrapper(original, *args, **kwargs)``."""
    original = getattr(target, name)

    def install(wrapper: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def replacement(*args: Any, **kwargs: Any) -> Any:
            return wrapper(original, *args, **kwargs)  # a plain function: also binds as a method

        setattr(target, name, replacement)
        note(f"{target.__name__.rsplit('.', 1)[-1]}.{name}: {why}")
        return wrapper

    return install


def note(line: str) -> None:
    """Record a change made without :func:`wrap` (a replaced constant)."""
    INSTALLED.append(line)
