"""The invariants run on the session's real synths (``dev_stack`` / ``prod_stack`` in ``tests/conftest.py``)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conftest import SynthesizedStack

from .engine import Context
from .spec import DEFAULT_REGION

SUFFIXES = ("dev", "prod")


def context_for(stack: SynthesizedStack, document: dict[str, Any] | None = None) -> Context:
    """The expected region is what the app defaults to, or AWS_REGION when the synth saw it."""
    return Context(
        document=stack.document if document is None else document,
        suffix=stack.suffix,
        region=os.environ.get("AWS_REGION", DEFAULT_REGION),
    )


@pytest.fixture
def synthesized(request: pytest.FixtureRequest) -> SynthesizedStack:
    """Parametrize indirectly with a suffix: the session's synthesized stack for it (synthesized once)."""
    return request.getfixturevalue(f"{request.param}_stack")
