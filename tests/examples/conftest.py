"""The wheel install test (marker ``install``) runs only when selected: ``make test-install``
(= ``pytest -m install tests/examples``). It builds the toolkit wheel and two fresh environments per
library, about a minute in all: ``make test`` reports it as skipped."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "install" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="wheel install test: run with `make test-install` (pytest -m install)")
    for item in items:
        if "install" in item.keywords:
            item.add_marker(skip)
