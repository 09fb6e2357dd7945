"""A Python handler's exception reaches Step Functions as ``Runtime.HandlerError``, not as its class.

MiniStack 1.5.33, ``ministack.core.lambda_runtime._PYTHON_WORKER_SCRIPT``: the worker reports a
handler exception as ``{"status": "error", "error": str(e), ...}`` without its class, and
``ministack.services.lambda_svc._execute_function_warm`` hard-codes ``errorType`` to
``Runtime.HandlerError``. AWS reports the exception's class name, which ``Retry``/``Catch``
``ErrorEquals`` match (the stack retries ``TransientError``): without the patch that retry never
matches and the job record says ``Runtime.HandlerError``. The patch makes the worker report
``type(e).__name__`` and carries it through ``lambda_runtime.Worker.invoke`` to
``_execute_function_warm``'s answer.
"""

from __future__ import annotations

import threading
from typing import Any

from ..wrap import note, wrap

WORKER_ERROR = (
    """_real_stdout.write(json.dumps({"status": "error", "error": str(e), "trace": traceback.format_exc()})"""
    """ + "\\n")"""
)
WORKER_ERROR_TYPED = (
    """_real_stdout.write(json.dumps({"status": "error", "error": str(e), "errorType": type(e).__name__, """
    """"trace": traceback.format_exc()}) + "\\n")"""
)

_LAST_ERROR_TYPE = threading.local()


def install() -> None:
    from ministack.core import lambda_runtime
    from ministack.services import lambda_svc

    script = lambda_runtime._PYTHON_WORKER_SCRIPT
    if script.count(WORKER_ERROR) != 1:
        raise RuntimeError("MiniStack's Python worker changed: review the errorType patch")
    lambda_runtime._PYTHON_WORKER_SCRIPT = script.replace(WORKER_ERROR, WORKER_ERROR_TYPED)
    note("lambda_runtime._PYTHON_WORKER_SCRIPT: the worker reported a handler exception without its class")

    @wrap(lambda_runtime.Worker, "invoke", "(with the next one) carries the exception class out of the worker")
    def invoke(original: Any, self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        _LAST_ERROR_TYPE.value = result.get("errorType") if isinstance(result, dict) else None
        return result

    @wrap(
        lambda_svc,
        "_execute_function_warm",
        "a handler exception's errorType was always Runtime.HandlerError; AWS reports the exception "
        "class name, which Step Functions Retry/Catch ErrorEquals match (e.g. TransientError)",
    )
    def _execute_function_warm(original: Any, func: Any, event: Any, request_id: Any) -> Any:
        _LAST_ERROR_TYPE.value = None
        result = original(func, event, request_id)
        error_type = getattr(_LAST_ERROR_TYPE, "value", None)
        body = result.get("body") if isinstance(result, dict) else None
        generic = isinstance(body, dict) and body.get("errorType") == "Runtime.HandlerError"
        if isinstance(body, dict) and generic and result.get("error") and error_type:
            body["errorType"] = error_type
        return result


def still_needed() -> bool:
    """Does the Python worker still report a handler exception without its class?

    The root cause is in the worker script's text (the worker is a subprocess, so this reads the
    script rather than running a handler); the end-to-end transient-fault scenario
    (tests/e2e/test_pipeline.py) proves the whole chain: Retry on TransientError takes 3 attempts.
    """
    from ministack.core import lambda_runtime

    script = lambda_runtime._PYTHON_WORKER_SCRIPT
    return WORKER_ERROR in script and "errorType" not in script.split(WORKER_ERROR, 1)[0][-400:]
