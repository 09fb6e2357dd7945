"""Deterministic staging of Lambda code for ``TerraformAsset``.

cdktf hashes an asset directory's contents; byte-code caches and editor files in a
working tree would change that hash (and so every deploy). We copy only source files
into a staging directory and point the asset at it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Staged files get one fixed timestamp, so the zip archives cdktf builds are byte-reproducible.
FIXED_MTIME = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold
INCLUDED_SUFFIXES = frozenset({".py", ".json", ".csv", ".txt"})
EXCLUDED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", "tests"})


def stage(source: Path, destination: Path) -> Path:
    """Copy ``source`` to ``destination`` keeping only source files; returns ``destination``."""
    if not source.is_dir():
        raise FileNotFoundError(f"Lambda code directory {source} does not exist")
    if destination.exists():
        shutil.rmtree(destination)
    copied = 0
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part in EXCLUDED_DIRS for part in relative.parts):
            continue
        if path.is_file() and path.suffix in INCLUDED_SUFFIXES:
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            copied += 1
    if copied == 0:
        raise FileNotFoundError(f"no source files under {source}")
    for staged in [*destination.rglob("*"), destination]:
        os.utime(staged, (FIXED_MTIME, FIXED_MTIME))
    return destination
