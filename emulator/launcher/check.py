"""``python -m emulator.launcher.check [--patched]``: which patches the installed MiniStack still needs.

Runs every patch's ``still_needed()`` reproduction (``--patched``: after installing them all, the way the
launcher does) and prints ``{"<patch>": true|false|"error: ..."}`` as JSON. After a MiniStack upgrade, a
patch whose reproduction says false without ``--patched`` is no longer needed: delete it.
"""

from __future__ import annotations

import argparse
import json

from . import patches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulator.launcher.check", description=__doc__.splitlines()[0])
    parser.add_argument("--patched", action="store_true", help="install every patch first")
    args = parser.parse_args(argv)
    if args.patched:
        for unit in patches.ALL:
            unit.install()
    results: dict[str, bool | str] = {}
    for unit in patches.ALL:
        name = unit.__name__.rsplit(".", 1)[-1]
        try:
            results[name] = bool(unit.still_needed())
        except Exception as error:  # a reproduction that cannot run is reported, never a silent "not needed"
            results[name] = f"error: {type(error).__name__}: {error}"
    print(json.dumps(results, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
