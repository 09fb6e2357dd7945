"""Shared fixtures: each governed stack is built and fully synthesized once per session.

Unit tests call the cdktf-free rule functions on plain dicts; functional tests read the findings of
a REAL full synth (``Testing.full_synth`` runs aspects, validations and the error-annotation check;
``Testing.synth`` would ignore errors and strip ``"//"``).
"""

from __future__ import annotations

import pytest

from tests.aspects.govern_cases import Synth, build_clean, build_violations, full_synth
from tfcdk import App


@pytest.fixture(scope="session")
def violations() -> Synth:
    return full_synth(*build_violations(App()))


@pytest.fixture(scope="session")
def clean() -> Synth:
    return full_synth(*build_clean(App()))
