"""Error taxonomy shared by every step.

Lambda reports ``errorType`` as the exception class name, and the state machine
matches on it: ``TransientError`` (plus the ``Lambda.*`` service errors) is
retried with exponential backoff and jitter; every other ``PipelineError``
subclass is permanent and goes straight to the failure path.
"""

from __future__ import annotations

import socket


class PipelineError(Exception):
    """Base class; ``retryable`` tells the state machine contract apart."""

    retryable = False


class TransientError(PipelineError):
    """Worth retrying: throttling, 5xx, dropped connections after the client's own retries."""

    retryable = True


class PermanentError(PipelineError):
    """Retrying cannot help (access denied, missing object, validation error...)."""


class InvalidFileError(PermanentError):
    """The object is not a parseable transaction file (empty, binary, wrong header...)."""


class FileTooLargeError(PermanentError):
    """The file needs more ephemeral storage (spooled text plus the engine's spill) than the function has."""


class IllegalTransitionError(PermanentError):
    """A job status transition that the state graph does not allow."""


class JobNotFoundError(PermanentError):
    """A step ran for a job that was never registered."""


class ConsistencyError(PermanentError):
    """Two passes over the same object version disagree (object changed or a bug)."""


class ConfigurationError(PermanentError):
    """A required environment variable is missing or invalid."""


TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TransactionInProgressException",
        "TransactionConflictException",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "LimitExceededException",
    }
)


def classify(exc: BaseException) -> PipelineError:
    """Map any exception to a named pipeline error (the original is kept as ``__cause__``)."""
    # imported here so the pure parsing/validation core does not pay for botocore
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        HTTPClientError,
        IncompleteReadError,
        ReadTimeoutError,
        ResponseStreamingError,
    )
    from botocore.exceptions import (
        ConnectionError as BotoConnectionError,
    )

    if isinstance(exc, PipelineError):
        return exc
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        op = getattr(exc, "operation_name", "?")
        msg = f"{op}: {code}: {err.get('Message', '')}".strip()
        if code in TRANSIENT_CODES or status >= 500 or status == 429:
            new: PipelineError = TransientError(msg)
        elif code in {"PreconditionFailed", "412"} or status == 412:
            new = ConsistencyError(f"object changed since ingest ({msg})")
        else:
            new = PermanentError(msg)
        new.__cause__ = exc
        return new
    transient_types = (
        BotoConnectionError,
        EndpointConnectionError,
        HTTPClientError,
        IncompleteReadError,
        ReadTimeoutError,
        ResponseStreamingError,
        ConnectionError,
        TimeoutError,
        socket.timeout,
    )
    if isinstance(exc, transient_types):
        new = TransientError(f"{type(exc).__name__}: {exc}")
    elif isinstance(exc, BotoCoreError):
        new = PermanentError(f"{type(exc).__name__}: {exc}")
    elif type(exc).__module__.startswith("urllib3"):
        # ProtocolError / IncompleteRead while streaming a body
        new = TransientError(f"{type(exc).__name__}: {exc}")
    else:
        new = PermanentError(f"{type(exc).__name__}: {exc}")
    new.__cause__ = exc
    return new
