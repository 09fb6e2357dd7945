from __future__ import annotations

from pathlib import Path

import pytest

from stack.packaging import FIXED_MTIME, stage


def test_stage_keeps_only_source_files_with_fixed_timestamps(tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "pkg" / "__pycache__").mkdir(parents=True)
    (source / "pkg" / "mod.py").write_text("X = 1\n")
    (source / "pkg" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\0")
    (source / "pkg" / "notes.swp").write_text("editor file")
    (source / "tests").mkdir()
    (source / "tests" / "test_mod.py").write_text("")
    staged = stage(source, tmp_path / "out")
    assert sorted(str(p.relative_to(staged)) for p in staged.rglob("*") if p.is_file()) == ["pkg/mod.py"]
    assert {p.stat().st_mtime for p in staged.rglob("*")} == {FIXED_MTIME}


def test_stage_replaces_a_previous_staging(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.py").write_text("")
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.py").write_text("")
    stage(source, out)
    assert sorted(p.name for p in out.iterdir()) == ["a.py"]


def test_stage_refuses_missing_or_empty_code(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        stage(tmp_path / "missing", tmp_path / "out")
    (tmp_path / "empty" / "__pycache__").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="no source files"):
        stage(tmp_path / "empty", tmp_path / "out")
