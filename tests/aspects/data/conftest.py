"""The pinned provider's schema, read once per session (terraform + the offline plugin mirror)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from aspects.data.schema import provider_schema

PLUGIN_DIR = os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins")


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    if not shutil.which("terraform") or not Path(PLUGIN_DIR).is_dir():
        pytest.fail(f"needs terraform and the provider plugin mirror in {PLUGIN_DIR} (TF_PLUGIN_DIR)")
    return provider_schema(PLUGIN_DIR)


def excerpt(resources: dict[str, Any]) -> dict[str, Any]:
    """A schema document holding only ``resources`` (type -> block)."""
    return {
        "provider_schemas": {
            "registry.terraform.io/hashicorp/aws": {"resource_schemas": {t: {"block": b} for t, b in resources.items()}}
        }
    }
