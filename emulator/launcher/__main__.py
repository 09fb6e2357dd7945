"""``python -m emulator.launcher``: start MiniStack with the harness patches and the test-only fault injection.

Run by ``.venv-emulator``'s interpreter (``emulator.ministack.start``), which finds this package through
``PYTHONPATH``; standard library and ``ministack`` only. Every patch is printed to the emulator log as
``harness patch: <module>.<function>: <why>``.
"""

from __future__ import annotations

import os
import sys

from . import faults, patches
from .patches import one_https_port
from .wrap import INSTALLED


def install() -> list[str]:
    """Everything the launcher changes before MiniStack starts; returns the log lines."""
    # PYTHONPATH only served to import this package; MiniStack's Lambda workers inherit os.environ,
    # and the project's sys.path must not leak into the handlers.
    os.environ.pop("PYTHONPATH", None)
    for unit in patches.RESPONSE_FIXES:
        unit.install()
    faults.install()  # after the patches: outermost on _execute_function_warm, before the real handler
    if os.environ.get("USE_SSL"):
        one_https_port.install()
    return [f"harness patch: {line}" for line in INSTALLED]


def main() -> None:
    for line in install():
        print(line, file=sys.stderr, flush=True)

    from ministack import app

    app.main()


if __name__ == "__main__":
    main()
