"""Unit tests (no emulator started) for the environments of MiniStack and of its clients."""

from __future__ import annotations

from pathlib import Path

from emulator import ministack


def test_emulator_and_client_environments_never_reach_a_real_account() -> None:
    base = {"AWS_PROFILE": "prod", "AWS_ACCESS_KEY_ID": "AKIAREAL", "PYTHONPATH": "/x", "PATH": "/bin"}
    env = ministack.server_env(port=4599, workdir=Path("/tmp/ministack-unit"), region="us-east-2", base=base)
    assert "AWS_PROFILE" not in env and "PYTHONPATH" not in env
    assert env["AWS_ACCESS_KEY_ID"] == "test" and env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4599"
    assert env["BIND_HOST"] == "127.0.0.1" and env["GATEWAY_PORT"] == "4599"
    overrides = ministack.aws_overrides("http://127.0.0.1:4599", "us-east-2")
    assert overrides["AWS_PROFILE"] is None and overrides["AWS_SECRET_ACCESS_KEY"] == "test"
