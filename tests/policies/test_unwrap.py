"""The one unwrap place: every rule gives the same result on checkov's wrapped config, unwrapped, as on the raw JSON."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from policies.gate import CHECKS_DIR
from tests.policies.conftest import CHECKOV_PYTHON, FIXTURES, require_checkov

pytestmark = pytest.mark.checkov


def parity(*files: Path) -> dict:
    require_checkov()
    script = Path(__file__).with_name("unwrap_parity.py")
    completed = subprocess.run(
        [str(CHECKOV_PYTHON), str(script), str(CHECKS_DIR), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_rules_agree_on_unwrapped_and_raw_config(dev_stack):
    files = [*sorted(FIXTURES.glob("*/cdk.tf.json")), dev_stack.stack_dir / "cdk.tf.json"]
    result = parity(*files)
    assert result["compared"] > 150  # every resource and data source of 12 stacks
    assert result["differences"] == []
