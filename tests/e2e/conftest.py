"""One MiniStack + one ``terraform apply`` of the real synthesized stack per session.

End-to-end tests run only when selected (``make e2e`` = ``pytest -m e2e tests/e2e``, see
``tests/conftest.py``): they need ``.venv-emulator`` (``make emulator-env``) and take minutes, so the default
``make test`` run reports them as skipped instead of deploying.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator import ministack as emu
from emulator.fanout_settings import EMULATOR_FANOUT
from emulator.local import deployed
from ops.pipeline import AlertInbox, Exports, Pipeline
from tests.conftest import SynthesizedStack, synthesize

REGION = "us-east-2"


# HTTPS + IAM enforcement by default (the roles' least-privilege policies must suffice);
# E2E_IAM=0 runs against the plain-HTTP emulator without IAM evaluation.
SECURE = os.environ.get("E2E_IAM", "1") != "0"


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[emu.MiniStack]:
    if not (emu.DEFAULT_VENV / "bin" / "python").exists():
        pytest.fail("no .venv-emulator: run `make emulator-env` first")
    workdir = tmp_path_factory.mktemp("ministack")
    with emu.running(region=REGION, workdir=workdir, secure=SECURE) as server:
        yield server


@pytest.fixture(scope="session")
def emulator_stack(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedStack:
    """The dev stack with the large-object path at the emulator's scale (emulator.fanout_settings)."""
    return synthesize(tmp_path_factory.mktemp("synth-emulator"), ENVIRONMENT_SUFFIX="dev", **EMULATOR_FANOUT)


@pytest.fixture(scope="session")
def pipeline(
    emulator: emu.MiniStack, emulator_stack: SynthesizedStack, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pipeline]:
    workdir = tmp_path_factory.mktemp("terraform")
    with deployed(emulator, emulator_stack.stack_dir, workdir) as deployment:  # DriftError on a non-empty plan
        print(f"\napply {deployment.timings['apply']:.1f}s, plan {deployment.timings['plan']:.1f}s")
        yield Pipeline(emulator, Exports.read(emulator, emulator_stack.suffix))
        left = deployment.managed_resources()
    assert left, "sanity: the state listed resources before destroy"
    assert deployment.managed_resources() == [], "terraform destroy left resources in the state"


@pytest.fixture
def inbox(pipeline: Pipeline) -> Iterator[AlertInbox]:
    box = AlertInbox(pipeline.emulator, pipeline.exports.alert_topic_arn, name=f"e2e-inbox-{id(pipeline) % 10000}")
    try:
        box.drain(wait_seconds=0)
        yield box
    finally:
        box.close()


@pytest.fixture(scope="session")
def datagen() -> Path:
    path = Path(__file__).resolve().parents[2] / "tools" / "datagen.py"
    assert path.is_file() and shutil.which("python3")
    return path
