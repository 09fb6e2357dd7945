"""boto3 clients: created lazily, once per process, from the environment.

Standard retry mode with a bounded number of attempts (``AWS_MAX_ATTEMPTS``,
default 5) and explicit timeouts; ``AWS_ENDPOINT_URL`` (honoured by boto3
itself) points the clients at a local emulator, so no endpoint is hard-coded.
"""

from __future__ import annotations

import os
import threading
from typing import Any

_lock = threading.Lock()
_clients: dict[str, Any] = {}


def client_config() -> Any:
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS") or 5)},
        connect_timeout=float(os.environ.get("AWS_CONNECT_TIMEOUT") or 5),
        read_timeout=float(os.environ.get("AWS_READ_TIMEOUT") or 30),
        tcp_keepalive=True,
    )


def client(service: str) -> Any:
    """The process-wide client for ``service`` (``"s3"``, ``"dynamodb"``...)."""
    c = _clients.get(service)
    if c is None:
        with _lock:
            c = _clients.get(service)
            if c is None:
                import boto3

                c = _clients[service] = boto3.session.Session().client(service, config=client_config())
    return c


def reset_clients() -> None:
    """Forget cached clients (tests switch fakes and environment between cases)."""
    with _lock:
        _clients.clear()
