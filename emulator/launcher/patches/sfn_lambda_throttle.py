"""A throttled Lambda task reaches Step Functions as ``Lambda.Unknown``.

MiniStack 1.5.33, ``ministack.services.stepfunctions._call_lambda`` raises the task error from the
result's ``errorType``; a throttled invocation (reserved concurrency reached: ``lambda_svc._throttle_response``)
carries ``__type: TooManyRequestsException`` and no ``errorType``, so the task fails as ``Lambda.Unknown``,
which no ``Retry`` matches: with 50 files at once (``make load``) every execution past a function's
reserved concurrency went straight to its Catch. AWS reports ``Lambda.TooManyRequestsException``, which
the state machine retries. The wrapper renames exactly that error.
"""

from __future__ import annotations

import json
from typing import Any

from ..wrap import wrap


def install() -> None:
    from ministack.services import stepfunctions as sfn

    @wrap(
        sfn,
        "_call_lambda",
        "a throttled Lambda task failed as Lambda.Unknown; AWS reports Lambda.TooManyRequestsException, which "
        "the state machine's Retry matches",
    )
    def _call_lambda(original: Any, func_ref: Any, event: Any) -> Any:
        try:
            return original(func_ref, event)
        except sfn._ExecutionError as err:
            if err.error == "Lambda.Unknown" and _throttled(err.cause):
                raise sfn._ExecutionError("Lambda.TooManyRequestsException", err.cause) from None
            raise


def _throttled(cause: Any) -> bool:
    try:
        return bool(json.loads(cause).get("__type") == "TooManyRequestsException")
    except (TypeError, ValueError, AttributeError):
        return False


def still_needed() -> bool:
    """Throttle a task's invocation the way lambda_svc does at reserved concurrency; is its error Lambda.Unknown?"""
    from ministack.services import lambda_svc
    from ministack.services import stepfunctions as sfn

    saved = {n: getattr(lambda_svc, n) for n in ("_get_func_record_for_ref", "_execution_record_for_config",
                                                 "_execute_function_with_config_scope")}  # fmt: skip
    lambda_svc._get_func_record_for_ref = lambda ref: ({"config": {}}, {"FunctionName": "probe"}, "probe")
    lambda_svc._execution_record_for_config = lambda func, config: func
    lambda_svc._execute_function_with_config_scope = lambda record, event: lambda_svc._throttle_response(
        reason_code="ReservedFunctionConcurrentInvocationLimitExceeded", msg="Rate Exceeded: function probe"
    )
    try:
        sfn._call_lambda("arn:aws:lambda:us-east-2:000000000000:function:probe", {})
    except sfn._ExecutionError as err:
        return bool(err.error != "Lambda.TooManyRequestsException")
    finally:
        for name, value in saved.items():
            setattr(lambda_svc, name, value)
    raise RuntimeError("the throttled probe invocation did not fail")
