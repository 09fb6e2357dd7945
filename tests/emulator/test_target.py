"""Unit tests (no network) for the emulator override and the deployable copy."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from emulator import target


def test_every_resource_type_of_the_real_stack_has_an_endpoint(dev_stack) -> None:  # type: ignore[no-untyped-def]
    needed = target.services_in(dev_stack.document)
    assert needed <= set(target.SERVICES), sorted(needed - set(target.SERVICES))
    assert "sts" in needed  # data.aws_caller_identity


def test_unknown_resource_type_is_reported() -> None:
    assert target.services_in({"resource": {"aws_redshift_cluster": {}}}) == {"unknown:aws_redshift_cluster"}


def test_override_points_every_service_at_the_emulator() -> None:
    provider = target.override_document("http://127.0.0.1:4599")["provider"]["aws"][0]
    assert provider["endpoints"] == [dict.fromkeys(target.SERVICES, "http://127.0.0.1:4599")]
    for flag in ("skip_credentials_validation", "skip_metadata_api_check", "s3_use_path_style"):
        assert provider[flag] is True
    assert provider["skip_requesting_account_id"] is False  # ARNs the provider builds need the account id
    assert provider["max_retries"] >= 3
    assert "region" not in provider and "default_tags" not in provider  # merged from the stack, not replaced


def test_prepare_copies_and_leaves_the_synthesized_stack_untouched(dev_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    before = sorted(p.name for p in dev_stack.stack_dir.iterdir())
    original = (dev_stack.stack_dir / "cdk.tf.json").read_bytes()
    copy = target.prepare(dev_stack.stack_dir, tmp_path, "http://127.0.0.1:4599")
    assert (copy / "cdk.tf.json").read_bytes() == original
    assert (copy / "assets").is_dir()
    override = json.loads((copy / target.OVERRIDE_FILE).read_text())
    assert override["provider"]["aws"][0]["endpoints"][0]["s3"] == "http://127.0.0.1:4599"
    assert sorted(p.name for p in dev_stack.stack_dir.iterdir()) == before
    assert target.OVERRIDE_FILE not in before


def test_emulator_gets_the_dependency_layer_built_for_its_interpreter(dev_stack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from emulator.ministack import DEFAULT_VENV
    from stack.layer_build import zip_tags

    python = DEFAULT_VENV / "bin" / "python"
    python = python if python.exists() else Path(sys.executable)  # either way an interpreter of this machine
    layer = target.emulator_layer(python)
    version = subprocess.run([str(python), "-c", "import sys; print(f'cp{sys.version_info[0]}{sys.version_info[1]}')"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    duckdb = zip_tags(layer.zip_path)["duckdb"]
    assert duckdb and all(t.startswith(f"{version}-") and t.endswith(f"_{platform.machine()}") for t in duckdb), duckdb
    copy = target.prepare(dev_stack.stack_dir, tmp_path, "http://127.0.0.1:4599", layer=layer)
    override = json.loads((copy / target.OVERRIDE_FILE).read_text())
    (name, layer_override), = override["resource"]["aws_lambda_layer_version"].items()  # fmt: skip
    assert dev_stack.resources("aws_lambda_layer_version")[name]["description"] == target.LAYER_DESCRIPTION
    assert layer_override == {"filename": str(layer.zip_path), "source_code_hash": layer.sha256_base64}
    assert dev_stack.resources("aws_lambda_layer_version")[name]["source_code_hash"] != layer.sha256_base64


def test_layer_override_needs_exactly_one_dependency_layer() -> None:
    with pytest.raises(ValueError, match="expected one dependency layer"):
        target.layer_override({"resource": {}}, None)  # type: ignore[arg-type]


def test_prepare_refuses_a_missing_stack(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make synth"):
        target.prepare(tmp_path / "nope", tmp_path / "out", "http://127.0.0.1:1")
