"""Test-only fault injection: fail the next N invocations of a Lambda function with a given errorType.

Installed only when ``HARNESS_FAULTS_FILE`` is set (``emulator.ministack.server_env`` always sets it; the
file exists only once a test calls ``MiniStack.inject_faults(function_name, count=, error=)``). The
failure happens before the real handler runs and reaches Step Functions like a handler exception, so
the state machine's ``Retry`` on that errorType is exercised. Not an emulator bug: nothing here
changes how MiniStack answers when no fault is pending.

With ``"after": true`` the real handler runs first (its writes happen) and the invocation still fails: a
worker that crashed after doing its work, before its result reached Step Functions, so the retry meets
its own outputs.

File shape: ``{"<function name>": {"count": 2, "error": "TransientError", "after": false}}``.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

from .wrap import wrap

_LOCK = threading.Lock()


def take_fault(path: str, function_name: str) -> str | None:
    """Consume one injected fault for ``function_name`` from the JSON file ``path``; returns its errorType."""
    fault = take(path, function_name)
    return fault[0] if fault is not None else None


def take(path: str, function_name: str) -> tuple[str, bool] | None:
    """Consume one injected fault for ``function_name``; returns (errorType, after the handler ran)."""
    with _LOCK:
        if not os.path.exists(path):
            return None
        with open(path) as handle:
            faults = json.load(handle)
        fault = faults.get(function_name)
        if not fault or int(fault.get("count", 0)) <= 0:
            return None
        fault["count"] = int(fault["count"]) - 1
        with open(path, "w") as handle:
            json.dump(faults, handle)
        return str(fault.get("error", "TransientError")), bool(fault.get("after", False))


def install() -> None:
    """Wrap ``lambda_svc._execute_function_warm`` (outermost) when ``HARNESS_FAULTS_FILE`` is set."""
    from ministack.services import lambda_svc

    path = os.environ.get("HARNESS_FAULTS_FILE")
    if not path:
        return

    @wrap(lambda_svc, "_execute_function_warm", f"fault injection from {path} (e2e tests only)")
    def _execute_function_warm(original: Any, func: Any, event: Any, request_id: Any) -> Any:
        name = (func.get("config") or func).get("FunctionName", "")
        fault = take(path, name)
        if fault is None:
            return original(func, event, request_id)
        error, after = fault
        if after:
            original(func, event, request_id)  # the work is done; its result is lost
        message = f"injected {error} {'after' if after else 'before'} the handler ran (harness fault injection)"
        return {"body": {"errorMessage": message, "errorType": error}, "error": True, "log": message}
