"""``python -m tests.invariants <cdk.tf.json>`` checks any synthesized stack and exits 1 on a failure."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tests.conftest import SynthesizedStack

from .__main__ import main
from .mutations import MUTATIONS


def test_clean_stack_exits_0(dev_stack: SynthesizedStack, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(dev_stack.stack_dir / "cdk.tf.json")]) == 0
    assert "0 failure(s)" in capsys.readouterr().out


def test_violation_exits_1_with_the_failure(
    prod_stack: SynthesizedStack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = copy.deepcopy(prod_stack.document)
    MUTATIONS["DDB-PITR"].apply(document, "prod")
    path = tmp_path / "cdk.tf.json"
    path.write_text(json.dumps(document))
    assert main([str(path)]) == 1
    out = capsys.readouterr().out
    assert "[DDB-PITR] aws_dynamodb_table." in out and "construct: pipeline-prod/metadata/table" in out
    assert "recovery_period_in_days is 7, below the required 35" in out


def test_no_arguments_prints_usage() -> None:
    assert main([]) == 2
