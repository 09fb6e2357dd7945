"""The handlers' third-party dependencies as a Lambda layer, built per target platform.

``handlers/requirements.in`` declares them; ``handlers/requirements.txt`` locks them with hashes
(``uv pip compile``, command in the ``.in`` file). :func:`build` installs that lock for one
platform with ``uv pip install --no-deps --require-hashes --only-binary :all:`` into
``python/`` and zips it deterministically (sorted entries, fixed timestamps and permissions), so
the same lock on the same platform always gives the same bytes, the same ``source_code_hash``
and no redeploy. Builds are cached under a key made of the lock's hash, the platform and
:data:`BUILD_FORMAT`: a warm synth only reads a small manifest.

Two platforms: :data:`AWS_ARM64` (what the functions run on in AWS: arm64, Python 3.12, glibc
2.34, hence ``manylinux_2_28``) and, for the local emulator, :func:`interpreter_platform` (the
interpreter that runs the handlers there). :func:`check_limits` holds a stack's layers and code
against Lambda's limits at synth.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

#: bump when the layout or the zip format below changes, so cached layers are rebuilt
BUILD_FORMAT = 1
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
EXCLUDED_PARTS = frozenset({"__pycache__", "bin"})
EXCLUDED_SUFFIXES = frozenset({".pyc", ".pyo"})

#: the description the stack gives the dependency layer (the emulator harness finds the layer by it)
LAYER_DESCRIPTION = "Third-party dependencies of the pipeline handlers (handlers/requirements.txt)"

# Lambda quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
MAX_UNZIPPED_BYTES = 250 * 2**20  # function code + all its layers, unzipped
MAX_DIRECT_UPLOAD_BYTES = 50 * 2**20  # a larger zip must be uploaded through S3


class LayerBuildError(RuntimeError):
    """uv could not install the lock for the platform (the message has uv's output)."""


class LambdaLimitError(ValueError):
    """A function's code and layers exceed a Lambda limit (the message names the sizes)."""


@dataclass(frozen=True, slots=True)
class Platform:
    """Where the layer runs. Either a ``python_platform`` + ``python_version`` pair (cross-install)
    or an ``interpreter`` whose own tags uv uses."""

    name: str
    python_platform: str | None = None
    python_version: str | None = None
    interpreter: str | None = None

    def uv_args(self) -> list[str]:
        if self.interpreter is not None:
            return ["--python", self.interpreter]
        assert self.python_platform and self.python_version
        return ["--python-platform", self.python_platform, "--python-version", self.python_version]

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


AWS_ARM64 = Platform("aws-arm64", python_platform="aarch64-manylinux_2_28", python_version="3.12")


def interpreter_platform(python: Path) -> Platform:
    """The platform of a local interpreter (the emulator's), identified by its version and machine."""
    probe = subprocess.run(
        [str(python), "-c", "import platform, sys; print(sys.implementation.cache_tag, platform.machine())"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    tag, machine = probe.stdout.split()
    return Platform(f"{tag}-{machine}", interpreter=str(python))


@dataclass(frozen=True, slots=True)
class BuiltLayer:
    zip_path: Path
    sha256_base64: str  # what Terraform's filebase64sha256() gives: the layer's source_code_hash
    zip_bytes: int
    unzipped_bytes: int
    wheel_tags: dict[str, list[str]]  # distribution -> its WHEEL file's Tag lines
    build_seconds: float  # of the build that filled the cache
    cached: bool  # this call found it in the cache

    def describe(self) -> str:
        origin = "cached" if self.cached else f"built in {self.build_seconds:.1f}s"
        return (
            f"{self.zip_path.parent.name}: {self.zip_bytes / 2**20:.1f} MiB zipped, "
            f"{self.unzipped_bytes / 2**20:.1f} MiB unzipped ({origin})"
        )


def cache_key(lock: Path, platform: Platform) -> str:
    digest = hashlib.sha256()
    digest.update(lock.read_bytes())
    digest.update(platform.key().encode())
    digest.update(str(BUILD_FORMAT).encode())
    return f"{platform.name}-{digest.hexdigest()[:16]}"


def build(lock: Path, platform: Platform, cache: Path, *, uv: Path) -> BuiltLayer:
    """The layer for ``platform`` from ``lock``: from ``cache`` when present, else built into it."""
    target = cache / cache_key(lock, platform)
    manifest = target / "manifest.json"
    if manifest.is_file() and (target / "layer.zip").is_file():
        data = json.loads(manifest.read_text())
        return BuiltLayer(zip_path=target / "layer.zip", cached=True, **data)
    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=cache, prefix=".building-") as tmp:
        work = Path(tmp)
        site = work / "python"
        command = [str(uv), "pip", "install", "--quiet", "--no-deps", "--require-hashes", "--only-binary", ":all:",
                   *platform.uv_args(), "--target", str(site), "-r", str(lock)]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            raise LayerBuildError(
                f"uv could not install {lock} for {platform.name} (exit {result.returncode}):\n"
                + (result.stderr or result.stdout).strip()
            )
        staged = work / "staged"
        staged.mkdir()
        zip_path = staged / "layer.zip"
        unzipped = write_zip(site, zip_path, prefix="python")
        data = {
            "sha256_base64": base64.b64encode(hashlib.sha256(zip_path.read_bytes()).digest()).decode(),
            "zip_bytes": zip_path.stat().st_size,
            "unzipped_bytes": unzipped,
            "wheel_tags": wheel_tags(site),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        (staged / "manifest.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        try:
            staged.rename(target)  # atomic: a concurrent synth either sees the whole layer or builds its own
        except OSError:
            if not manifest.is_file():
                raise
    return BuiltLayer(zip_path=target / "layer.zip", cached=False, **json.loads(manifest.read_text()))


def write_zip(root: Path, zip_path: Path, *, prefix: str) -> int:
    """Zip the files under ``root`` as ``prefix/...``: sorted, fixed dates and modes, no byte-code.
    Returns the unzipped size."""
    files = sorted(
        p for p in root.rglob("*")
        if p.is_file() and not EXCLUDED_PARTS & set(p.relative_to(root).parts) and p.suffix not in EXCLUDED_SUFFIXES
    )  # fmt: skip
    total = 0
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{prefix}/{path.relative_to(root).as_posix()}", date_time=FIXED_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with path.open("rb") as src, archive.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            total += path.stat().st_size
    return total


def wheel_tags(site: Path) -> dict[str, list[str]]:
    """distribution -> the ``Tag:`` lines of its ``*.dist-info/WHEEL`` (what the platform resolved to)."""
    tags = {}
    for wheel in sorted(site.glob("*.dist-info/WHEEL")):
        lines = wheel.read_text().splitlines()
        tags[wheel.parent.name.split("-")[0]] = [
            line.split(":", 1)[1].strip() for line in lines if line.startswith("Tag:")
        ]
    return tags


def zip_tags(zip_path: Path) -> dict[str, list[str]]:
    """:func:`wheel_tags` read back from a built layer zip."""
    tags = {}
    with zipfile.ZipFile(zip_path) as archive:
        for name in sorted(archive.namelist()):
            if name.endswith(".dist-info/WHEEL"):
                lines = archive.read(name).decode().splitlines()
                dist = name.split("/")[-2].split("-")[0]
                tags[dist] = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Tag:")]
    return tags


def unzipped_size(path: Path) -> int:
    """Bytes of the files under a directory, or of the entries of a zip file."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    with zipfile.ZipFile(path) as archive:
        return sum(i.file_size for i in archive.infolist())


def check_limits(function: str, *, code_bytes: int, layers: Mapping[str, int], zips: Sequence[tuple[str, int]]) -> None:
    """Raise :class:`LambdaLimitError` naming every size when ``function``'s unzipped code and layers
    exceed 250 MiB, or an archive uploaded directly exceeds 50 MiB."""
    problems = []
    total = code_bytes + sum(layers.values())
    if total > MAX_UNZIPPED_BYTES:
        parts = ", ".join(f"{name} {size / 2**20:.1f} MiB" for name, size in {"code": code_bytes, **layers}.items())
        problems.append(
            f"code and layers unzipped are {total / 2**20:.1f} MiB, over Lambda's {MAX_UNZIPPED_BYTES // 2**20} MiB "
            f"({parts}); drop a dependency or move it to a container image"
        )
    for name, size in zips:
        if size > MAX_DIRECT_UPLOAD_BYTES:
            problems.append(
                f"{name} is a {size / 2**20:.1f} MiB zip, over the {MAX_DIRECT_UPLOAD_BYTES // 2**20} MiB a direct "
                "upload takes; it must be uploaded through S3 (s3_bucket/s3_key)"
            )
    if problems:
        raise LambdaLimitError(f"{function}: " + "; ".join(problems))
