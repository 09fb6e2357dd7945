"""The lazy provider loader changes nothing in the output: byte-identical to the eager import,
including the Lambda archives (staged with fixed timestamps, so synths are reproducible)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SynthesizedStack, synthesize
from tfcdk.aws import EAGER_ENV


@pytest.mark.slow
def test_synth_is_byte_identical_to_eager_import(dev_stack: SynthesizedStack, tmp_path: Path) -> None:
    eager = synthesize(tmp_path, ENVIRONMENT_SUFFIX="dev", **{EAGER_ENV: "1"})
    fast_files = sorted(p.relative_to(dev_stack.outdir) for p in dev_stack.outdir.rglob("*") if p.is_file())
    eager_files = sorted(p.relative_to(eager.outdir) for p in eager.outdir.rglob("*") if p.is_file())
    assert fast_files == eager_files
    assert any(p.name == "cdk.tf.json" for p in fast_files), "nothing to compare"
    assert any(p.suffix == ".zip" for p in fast_files), "no Lambda archives to compare"
    for relative in fast_files:  # cdk.tf.json, manifest and the zipped Lambda code alike
        assert (dev_stack.outdir / relative).read_bytes() == (eager.outdir / relative).read_bytes(), relative
