"""The launcher's set-up, run in the emulator's interpreter as ``emulator.ministack.start`` runs it (without
starting the server): every patch installs on the pinned MiniStack, fault injection wraps last, and
``PYTHONPATH`` (only there to find the package) is gone before a Lambda worker could inherit it."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_in_emulator

SET_UP = (
    "import json, os; from emulator.launcher.__main__ import install; "
    "lines = install(); print(json.dumps({'lines': lines, 'PYTHONPATH': os.environ.get('PYTHONPATH')}))"
)


def _set_up(workdir: Path, **env: str) -> tuple[list[str], str | None]:
    """(the log lines, PYTHONPATH afterwards)."""
    found = json.loads(run_in_emulator(workdir, "-c", SET_UP, extra_env=env))
    return found["lines"], found["PYTHONPATH"]


def test_https_mode_installs_every_patch_then_the_fault_injection_and_drops_pythonpath(tmp_path: Path) -> None:
    lines, pythonpath = _set_up(tmp_path / "https", USE_SSL="1")
    replaced = [line.removeprefix("harness patch: ").split(":", 1)[0] for line in lines]
    assert pythonpath is None
    assert len(replaced) == 18 and len(set(replaced)) == 17  # _execute_function_warm twice: error type, then faults
    assert replaced[-3:] == ["lambda_svc._execute_function_warm", "lambda_svc._execute_function_warm",
                             "app._port_is_bindable"]  # fmt: skip
    assert "fault injection from" in lines[-2]


def test_plain_http_keeps_ministacks_port_choice(tmp_path: Path) -> None:
    lines, _ = _set_up(tmp_path / "http")
    assert len(lines) == 17 and not [line for line in lines if "_port_is_bindable" in line]
