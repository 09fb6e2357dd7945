"""Live source: every resource the Resource Groups Tagging API returns for one region.

``GetResources`` lists resources that are tagged or were tagged once; a resource created without
any tag never appears (AWS behaviour), which is why the drift comparison reports synthesized
resources that are not found as ``missing-resource`` rather than trusting the live list alone.

Retries are owned here, not by botocore (the client is built with ``max_attempts=1``): throttling
errors are retried with capped exponential backoff and full jitter, so the count and the delays
are explicit and tested. Every AWS failure becomes :class:`LiveError` with a one-line message.
"""

from __future__ import annotations

import functools
import random
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from tag_audit.model import COMPLIANT, NON_COMPLIANT, AuditReport, ResourceResult
from tag_audit.policy import TagRequirements

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
ACCESS_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
    }
)
#: ARN services whose resource part has no type prefix: ``arn:aws:sqs:region:account:queue-name``.
BARE_TYPES = {"s3": "bucket", "sqs": "queue", "sns": "topic"}


class LiveError(RuntimeError):
    """The live audit could not read the account; the message is meant for the terminal."""


def make_client(*, region: str, profile: str | None = None, endpoint_url: str | None = None) -> Any:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    try:
        session = boto3.session.Session(profile_name=profile, region_name=region)
        return session.client(
            "resourcegroupstaggingapi",
            endpoint_url=endpoint_url,
            config=Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=10, read_timeout=30),
        )
    except BotoCoreError as error:
        raise LiveError(f"cannot create an AWS client for {region}: {error}") from error


def get_resources(
    client: Any,
    *,
    page_size: int = 100,
    max_attempts: int = 6,
    base_delay: float = 0.5,
    max_delay: float = 20.0,
    sleep: Callable[[float], None] | None = None,
    resource_types: Sequence[str] = (),
) -> Iterator[Mapping[str, Any]]:
    """Every ``ResourceTagMapping`` of the client's region, following ``PaginationToken`` to the end.

    ``resource_types`` become ``ResourceTypeFilters`` (``"s3"``, ``"lambda:function"``); empty: all.
    ``sleep`` waits between throttled attempts (default :func:`time.sleep`; tests pass a recorder).
    """
    sleep = sleep or time.sleep
    filters = {"ResourceTypeFilters": list(resource_types)} if resource_types else {}
    token = ""
    while True:
        page = _call(
            functools.partial(client.get_resources, PaginationToken=token, ResourcesPerPage=page_size, **filters),
            max_attempts=max_attempts,
            base_delay=base_delay,
            max_delay=max_delay,
            sleep=sleep,
        )
        yield from page.get("ResourceTagMappingList", [])
        token = page.get("PaginationToken") or ""
        if not token:
            return


def _call(
    request: Callable[[], Mapping[str, Any]],
    *,
    max_attempts: int,
    base_delay: float,
    max_delay: float,
    sleep: Callable[[float], None],
) -> Mapping[str, Any]:
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    for attempt in range(1, max_attempts + 1):
        try:
            return request()
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "")
            if code in THROTTLING_CODES:
                if attempt == max_attempts:
                    raise LiveError(
                        f"throttled by AWS ({code}) {max_attempts} times in a row; try again later"
                    ) from error
                sleep(random.uniform(0, min(max_delay, base_delay * 2 ** (attempt - 1))))
                continue
            if code in ACCESS_CODES:
                raise LiveError(
                    f"access denied ({code}): {message or 'no message'}. The caller needs tag:GetResources "
                    "in this account and region."
                ) from error
            raise LiveError(f"AWS error {code or 'unknown'}: {message or error}") from error
        except (NoCredentialsError, PartialCredentialsError) as error:
            raise LiveError(
                f"no usable AWS credentials ({error}); set AWS_PROFILE or --profile, or the AWS_* variables"
            ) from error
        except EndpointConnectionError as error:
            raise LiveError(f"cannot reach the AWS endpoint: {error}") from error
        except BotoCoreError as error:
            raise LiveError(f"AWS client error: {error}") from error
    raise AssertionError("unreachable")  # pragma: no cover


def arn_parts(arn: str) -> tuple[str, str]:
    """``(service, resource)`` of an ARN; the resource part keeps its own ``:`` and ``/``."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return "", arn
    resource = parts[5]
    if parts[2] == "logs" and resource.endswith(":*"):
        resource = resource[:-2]
    return parts[2], resource


def resource_type(arn: str) -> str:
    """``service:type`` for grouping: ``lambda:function``, ``dynamodb:table``, ``s3:bucket``."""
    service, resource = arn_parts(arn)
    head = re.split(r"[/:]", resource, maxsplit=1)
    if len(head) == 2:
        return f"{service}:{head[0]}"
    return f"{service}:{BARE_TYPES.get(service, resource)}"


def tags_of(mapping: Mapping[str, Any]) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in mapping.get("Tags", []) if "Key" in t}


def evaluate(mapping: Mapping[str, Any], region: str, requirements: TagRequirements) -> ResourceResult:
    arn = mapping["ResourceARN"]
    tags = tags_of(mapping)
    problems = requirements.problems(tags)
    status = NON_COMPLIANT if problems else COMPLIANT
    note = "no tags (untagged)" if not tags else ""
    return ResourceResult(region, arn, resource_type(arn), True, tags, problems, status, note)


def audit(mappings: list[Mapping[str, Any]], region: str, requirements: TagRequirements, **options: Any) -> AuditReport:
    results = [evaluate(m, region, requirements) for m in mappings]
    return AuditReport("live", (region,), requirements, results, **options)
