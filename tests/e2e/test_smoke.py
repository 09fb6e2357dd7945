"""The post-deploy smoke test of the main workflow, run against the emulator deployment."""

from __future__ import annotations

import pytest

from ops.pipeline import Pipeline
from ops.smoke import SMOKE_ROWS, smoke

pytestmark = pytest.mark.e2e


def test_smoke_passes_on_the_deployed_stack(pipeline: Pipeline) -> None:
    result, found = smoke(pipeline.emulator, "dev", timeout=180)
    assert found == []
    assert result.job_item is not None and result.job_item["accepted"] == SMOKE_ROWS
