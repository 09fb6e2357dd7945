"""Shared fixtures: each governed stack is built and fully synthesized once per session.

Unit tests call the cdktf-free rule functions on plain dicts; functional tests read the findings of
a REAL full synth (``Testing.full_synth`` runs aspects, validations and the error-annotation check;
``Testing.synth`` would ignore errors and strip ``"//"``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@dataclass
class Synth:
    stack: Any
    governance: Any
    error: str | None  # the synth error message, None when synth succeeded
    document: dict  # cdk.tf.json when written, else the final document the validation evaluated

    def findings(self, rule_id: str | None = None) -> set[tuple[str, str, str, str]]:
        return {
            (f.rule_id, f.address, f.key, f.status)
            for f in self.governance.report.findings
            if rule_id is None or f.rule_id == rule_id
        }

    def suppressed(self, rule_id: str | None = None) -> set[tuple[str, str, str]]:
        return {
            (f.rule_id, f.address, f.key)
            for f in self.governance.report.suppressed
            if rule_id is None or f.rule_id == rule_id
        }


def full_synth(stack, governance) -> Synth:
    from tfcdk import Testing

    try:
        outdir = Testing.full_synth(stack)
    except RuntimeError as error:
        return Synth(stack, governance, str(error), stack.to_terraform())
    document = json.loads(Path(outdir, "stacks", stack.node.id, "cdk.tf.json").read_text())
    return Synth(stack, governance, None, document)


@pytest.fixture(scope="session")
def violations() -> Synth:
    import govern_cases

    from tfcdk import App

    stack, governance = govern_cases.build_violations(App())
    return full_synth(stack, governance)


@pytest.fixture(scope="session")
def clean() -> Synth:
    import govern_cases

    from tfcdk import App

    stack, governance = govern_cases.build_clean(App())
    return full_synth(stack, governance)
