"""The toolkit's synth-time tests, written against core classes only (no provider bindings).

They run under the library named by ``$GOVERNANCE_TEST_LIBRARY``: ``cdktf`` (the default, the project
environment ``.venv``) or ``cdktn`` (CDK Terrain, ``make test-cdktn`` in ``.venv-cdktn``). A library that
is not installed is a failure, not a skip: CI must run them under both.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

LIBRARY_ENV = "GOVERNANCE_TEST_LIBRARY"
LIBRARY = os.environ.get(LIBRARY_ENV, "cdktf")


@pytest.fixture(scope="session")
def lib() -> ModuleType:
    try:
        return importlib.import_module(LIBRARY)
    except ImportError as error:
        pytest.fail(f"{LIBRARY_ENV}={LIBRARY}: the library is not installed in this environment ({error})")
