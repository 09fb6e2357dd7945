"""The dependency layer: locked, built per platform, deterministic, cached, within Lambda's limits."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from stack import layer_build as lb
from tests.conftest import REPO_ROOT, SynthesizedStack

UV = REPO_ROOT / ".venv-uv" / "bin" / "uv"
LOCK = REPO_ROOT / "handlers" / "requirements.txt"


def small_lock(tmp_path: Path) -> Path:
    """One pure-Python pin of the real lock, with its hashes (a fast build)."""
    block = re.search(r"^typing-extensions==.*?(?=^\S)", LOCK.read_text(), re.MULTILINE | re.DOTALL)
    assert block
    path = tmp_path / "requirements.txt"
    path.write_text(block.group(0))
    return path


def test_the_synthesized_layer_holds_arm64_cp312_manylinux_2_28_wheels(dev_stack: SynthesizedStack) -> None:
    layers = {r["description"]: r for r in dev_stack.resources("aws_lambda_layer_version").values()}
    layer = layers[lb.LAYER_DESCRIPTION]
    tags = lb.zip_tags(dev_stack.stack_dir / layer["filename"])
    assert set(tags) == {"aws_lambda_powertools", "aws_xray_sdk", "duckdb", "typing_extensions", "wrapt"}
    assert "cp312-abi3-manylinux_2_28_aarch64" in tags["duckdb"]
    for dist, dist_tags in tags.items():
        compiled = [t for t in dist_tags if not t.endswith("-none-any")]
        assert all(t.startswith("cp312-") and t.endswith("aarch64") for t in compiled), (dist, dist_tags)
    assert layer["compatible_architectures"] == ["arm64"] and layer["compatible_runtimes"] == ["python3.12"]
    assert layer["source_code_hash"] == lb.build(LOCK, lb.AWS_ARM64, REPO_ROOT / ".gen" / "layers", uv=UV).sha256_base64
    with zipfile.ZipFile(dev_stack.stack_dir / layer["filename"]) as archive:
        names = archive.namelist()
    assert all(n.startswith("python/") for n in names) and not any(
        "__pycache__" in n or n.endswith(".pyc") for n in names
    )
    assert not any(n.startswith(("python/boto3/", "python/botocore/")) for n in names)  # the runtime's own


def test_zip_is_deterministic_sorted_with_fixed_dates_and_modes(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "pkg" / "__pycache__").mkdir(parents=True)
    (root / "pkg" / "b.py").write_text("B = 2\n")
    (root / "pkg" / "a.py").write_text("A = 1\n")
    (root / "pkg" / "__pycache__" / "a.cpython-312.pyc").write_bytes(b"\0")
    (root / "bin").mkdir()
    (root / "bin" / "tool").write_text("#!/bin/sh\n")
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    assert lb.write_zip(root, first, prefix="python") == 12
    (root / "pkg" / "a.py").touch()  # a newer mtime changes nothing
    lb.write_zip(root, second, prefix="python")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["python/pkg/a.py", "python/pkg/b.py"]
    assert {(i.date_time, i.external_attr >> 16) for i in infos} == {(lb.FIXED_DATE, 0o644)}


def test_build_is_cached_by_lock_and_platform_and_reproducible(tmp_path: Path) -> None:
    lock = small_lock(tmp_path)
    first = lb.build(lock, lb.AWS_ARM64, tmp_path / "cache", uv=UV)
    again = lb.build(lock, lb.AWS_ARM64, tmp_path / "cache", uv=UV)
    fresh = lb.build(lock, lb.AWS_ARM64, tmp_path / "other-cache", uv=UV)
    assert (first.cached, again.cached, fresh.cached) == (False, True, False)
    assert first.zip_path == again.zip_path and first.zip_path.read_bytes() == fresh.zip_path.read_bytes()
    assert first.sha256_base64 == again.sha256_base64 == fresh.sha256_base64
    assert first.wheel_tags == {"typing_extensions": ["py3-none-any"]}
    assert first.zip_bytes == first.zip_path.stat().st_size and first.unzipped_bytes == lb.unzipped_size(first.zip_path)
    assert "cached" in again.describe() and "built in" in first.describe()
    x86 = lb.Platform("x86-test", python_platform="x86_64-manylinux_2_28", python_version="3.11")
    assert lb.cache_key(lock, x86) != lb.cache_key(lock, lb.AWS_ARM64)
    lock.write_text(lock.read_text() + "\n")
    assert lb.cache_key(lock, lb.AWS_ARM64) != first.zip_path.parent.name  # a new lock is a new layer


def test_an_uninstallable_lock_is_a_named_error_with_uvs_output(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.txt"
    lock.write_text("typing-extensions==4.16.0 --hash=sha256:" + "0" * 64 + "\n")
    with pytest.raises(
        lb.LayerBuildError, match=r"(?s)uv could not install .* for aws-arm64 \(exit \d+\):\n.*Hash mismatch"
    ):
        lb.build(lock, lb.AWS_ARM64, tmp_path / "cache", uv=UV)
    assert not list((tmp_path / "cache").iterdir())  # nothing half-built is left to be taken for a layer


def test_limits_name_every_size() -> None:
    mib = 2**20
    lb.check_limits("fn", code_bytes=mib, layers={"deps": 200 * mib, "code": mib}, zips=[("layer", 40 * mib)])
    with pytest.raises(lb.LambdaLimitError) as exc:
        lb.check_limits("fn", code_bytes=mib, layers={"deps": 260 * mib}, zips=[("the layer", 60 * mib)])
    assert str(exc.value) == (
        "fn: code and layers unzipped are 261.0 MiB, over Lambda's 250 MiB (code 1.0 MiB, deps 260.0 MiB); drop a "
        "dependency or move it to a container image; the layer is a 60.0 MiB zip, over the 50 MiB a direct upload "
        "takes; it must be uploaded through S3 (s3_bucket/s3_key)"
    )


def test_the_real_layer_fits_lambda(dev_stack: SynthesizedStack) -> None:
    built = lb.build(LOCK, lb.AWS_ARM64, REPO_ROOT / ".gen" / "layers", uv=UV)
    assert built.zip_bytes < lb.MAX_DIRECT_UPLOAD_BYTES and built.unzipped_bytes < lb.MAX_UNZIPPED_BYTES * 0.4
