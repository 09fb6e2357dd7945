"""Shared fixtures: the real app is synthesized once per test session per environment suffix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Test kinds that run only when selected with ``-m``; the default ``make test`` reports them as skipped.
ONLY_WHEN_SELECTED = {
    "e2e": "end-to-end: run with `make e2e` (pytest -m e2e tests/e2e)",
    "install": "wheel install test: run with `make test-install` (pytest -m install tests/examples)",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    selected = config.getoption("markexpr") or ""
    for marker, reason in ONLY_WHEN_SELECTED.items():
        if marker in selected:
            continue
        for item in items:
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@dataclass(frozen=True)
class SynthesizedStack:
    suffix: str
    outdir: Path
    stack_dir: Path
    document: dict[str, Any]

    def resources(self, rtype: str) -> dict[str, dict[str, Any]]:
        return self.document.get("resource", {}).get(rtype, {})

    def one(self, rtype: str) -> tuple[str, dict[str, Any]]:
        items = self.resources(rtype)
        assert len(items) == 1, f"expected exactly one {rtype}, found {sorted(items)}"
        return next(iter(items.items()))

    def data(self, dtype: str) -> dict[str, dict[str, Any]]:
        return self.document.get("data", {}).get(dtype, {})


def synthesize(outdir: Path, **env: str) -> SynthesizedStack:
    """Run the real app entry point (``python -m stack.app``) into ``outdir``."""
    suffix = env.get("ENVIRONMENT_SUFFIX", "dev")
    return _synth_app("stack.app", outdir, f"pipeline-{suffix}", suffix, env)


def _synth_app(module: str, outdir: Path, stack_name: str, suffix: str, env: dict[str, str]) -> SynthesizedStack:
    run_env = {**os.environ, "CDKTF_OUTDIR": str(outdir), **env}
    result = subprocess.run(
        [sys.executable, "-m", module], cwd=REPO_ROOT, env=run_env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"synth of {module} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    stack_dir = outdir / "stacks" / stack_name
    document = json.loads((stack_dir / "cdk.tf.json").read_text())
    return SynthesizedStack(suffix=suffix, outdir=outdir, stack_dir=stack_dir, document=document)


@pytest.fixture(scope="session")
def dev_stack(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedStack:
    return synthesize(tmp_path_factory.mktemp("synth-dev"), ENVIRONMENT_SUFFIX="dev")


@pytest.fixture(scope="session")
def prod_stack(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedStack:
    return synthesize(tmp_path_factory.mktemp("synth-prod"), ENVIRONMENT_SUFFIX="prod")


def synthesize_legacy(outdir: Path) -> SynthesizedStack:
    """Run the legacy design example (``python -m examples.legacy_pipeline``) into ``outdir``."""
    return _synth_app("examples.legacy_pipeline", outdir, "legacy-pipeline-dev", "dev", {})


@pytest.fixture(scope="session")
def legacy_stack(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedStack:
    return synthesize_legacy(tmp_path_factory.mktemp("synth-legacy"))
