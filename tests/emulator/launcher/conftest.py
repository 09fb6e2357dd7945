"""Run the patches' bug reproductions (``python -m emulator.launcher.check``) in the emulator's own interpreter.

The patches wrap private MiniStack functions and import only the standard library and ``ministack``,
which is not in the project environment: every reproduction runs in ``.venv-emulator`` (``make
emulator-env``, a prerequisite of ``make test``), once without and once with the patches, each in a
fresh process with private state directories.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from emulator import ministack


@dataclass(frozen=True)
class Reproductions:
    unpatched: dict[str, bool | str]
    patched: dict[str, bool | str]


def run_in_emulator(workdir: Path, *args: str, extra_env: dict[str, str] | None = None) -> str:
    """``python *args`` in the emulator's interpreter with the launcher's environment; returns stdout."""
    python = ministack.emulator_python()  # raises "run `make emulator-env` first" when it is missing
    workdir.mkdir(parents=True)
    env = ministack.launcher_env(ministack.server_env(port=ministack.free_port(), workdir=workdir, region="us-east-2"))
    result = subprocess.run(
        [str(python), *args], cwd=workdir, env={**env, **(extra_env or {})},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def run_check(workdir: Path, *args: str) -> dict[str, bool | str]:
    found: dict[str, bool | str] = json.loads(run_in_emulator(workdir, "-m", "emulator.launcher.check", *args))
    return found


@pytest.fixture(scope="session")
def reproductions(tmp_path_factory: pytest.TempPathFactory) -> Reproductions:
    base = tmp_path_factory.mktemp("ministack-check")
    return Reproductions(unpatched=run_check(base / "unpatched"), patched=run_check(base / "patched", "--patched"))
