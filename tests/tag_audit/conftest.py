"""Shared fixtures for the tag audit tests.

Test kinds: unit (fixture JSON, no network), functional (moto's in-process AWS fake: no network,
no emulator), and one session-wide real synth of the pipeline stack (``dev_stack`` from
``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).with_name("fixtures")
GAPS = FIXTURES / "gaps" / "cdk.tf.json"
TAG_POLICY = FIXTURES / "tag_policy.json"
REGION = "us-east-2"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's in-process fake of every AWS API, with fake credentials and nothing leaking in."""
    from moto import mock_aws

    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def inject_errors(client: Any, codes: list[str]) -> list[str]:
    """Make the client's next ``GetResources`` calls fail with ``codes`` (one per call), then pass.

    Uses botocore's ``before-call`` hook, so the error goes through the client's real error path
    (``ClientError`` with the code) without a network call. Returns the list of calls seen.
    """
    pending = list(codes)
    seen: list[str] = []

    class _Http:
        status_code = 400

    def hook(**_: Any) -> tuple[Any, dict[str, Any]] | None:
        if not pending:
            seen.append("passed")
            return None
        code = pending.pop(0)
        seen.append(code)
        message = {"AccessDeniedException": "User: arn:aws:iam::123456789012:user/ci is not authorized to "
                   "perform: tag:GetResources"}.get(code, "Rate exceeded")  # fmt: skip
        return _Http(), {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 400}}

    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(f"before-call.{service}.GetResources", hook)
    return seen


@pytest.fixture
def no_sleep() -> Callable[[float], None]:
    delays: list[float] = []

    def sleep(seconds: float) -> None:
        delays.append(seconds)

    sleep.delays = delays  # type: ignore[attr-defined]
    return sleep
