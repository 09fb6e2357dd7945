"""Selects the toolkit's files for the wheel and the sdist (a hatch build hook).

The toolkit's source stays in the repository's top-level folders (``aspects``, ``policies``,
``tag_audit``). Built from the checkout, the files come from ``../../<package>``; built from the sdist
(``uv build`` builds the wheel from it), they sit beside this file. Only source and data files are
shipped: no ``__pycache__``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGES = ("aspects", "policies", "tag_audit")
SHIPPED = {".py", ".json", ".yaml", ".typed"}


def toolkit_files(base: Path) -> dict[str, str]:
    """{source path: path in the distribution} for every shipped file of the toolkit's packages."""
    files = {}
    for package in PACKAGES:
        folder = base / package
        if not (folder / "__init__.py").is_file():
            raise FileNotFoundError(f"toolkit package {package!r} not found under {base}")
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in SHIPPED and "__pycache__" not in path.parts:
                files[str(path)] = path.relative_to(base).as_posix()
    return files


class ToolkitFiles(BuildHookInterface):
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return  # dev-mode-dirs: the checkout itself is on sys.path
        root = Path(self.root)
        base = root if (root / PACKAGES[0]).is_dir() else root.parent.parent
        build_data["force_include"].update(toolkit_files(base))
