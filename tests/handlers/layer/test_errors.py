"""Unit: classification of exceptions into the error taxonomy."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from txn_pipeline.errors import (
    ConsistencyError,
    InvalidFileError,
    PermanentError,
    TransientError,
    classify,
)


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op")


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (client_error("ThrottlingException", 400), TransientError),
        (client_error("ProvisionedThroughputExceededException", 400), TransientError),
        (client_error("SlowDown", 503), TransientError),
        (client_error("InternalError", 500), TransientError),
        (client_error("Whatever", 502), TransientError),
        (client_error("AccessDenied", 403), PermanentError),
        (client_error("NoSuchKey", 404), PermanentError),
        (client_error("ValidationException", 400), PermanentError),
        (client_error("PreconditionFailed", 412), ConsistencyError),
        (EndpointConnectionError(endpoint_url="http://x"), TransientError),
        (ReadTimeoutError(endpoint_url="http://x"), TransientError),
        (ConnectionResetError("reset"), TransientError),
        (TimeoutError("slow"), TransientError),
        (KeyError("bug"), PermanentError),
    ],
)
def test_classify(exc, kind):
    err = classify(exc)
    assert type(err) is kind
    assert err.__cause__ is exc
    assert err.retryable is (kind is TransientError)


def test_pipeline_errors_pass_through():
    e = InvalidFileError("x")
    assert classify(e) is e
