"""Start MiniStack with the harness patches below; run by ``.venv-emulator/bin/python`` as a script.

This file runs in the emulator's environment (not the project's): it imports only the
standard library and ``ministack``. Each patch wraps one MiniStack function so that what
Terraform's aws provider (5.100.0) reads back equals what it wrote; without them
``terraform plan`` after ``apply`` is not empty (measured: 1 to add, 18 to change,
1 to destroy, and a "Provider produced invalid plan" error). They are response-fidelity
fixes, never behaviour the pipeline relies on. Each names the MiniStack 1.5.33 function it
wraps and why; ``PATCHES`` lists them for the log and ``docs/local-deploy.md``.

Not patched but fixed by the environment: CloudWatch's ``smithy-rpc-v2-cbor`` protocol
needs ``cbor2``, which MiniStack imports lazily but does not declare (only its ``test``
extra has it); ``tools/emulator/requirements.in`` adds it.
"""

from __future__ import annotations

import functools
import sys
import time
from xml.sax.saxutils import escape

PATCHES: list[str] = []


def _patch(module, name: str, why: str):  # type: ignore[no-untyped-def]
    original = getattr(module, name)

    def install(wrapper):  # type: ignore[no-untyped-def]
        @functools.wraps(original)
        def replacement(*args, **kwargs):  # type: ignore[no-untyped-def]
            return wrapper(original, *args, **kwargs)  # a plain function: also binds as a method

        setattr(module, name, replacement)
        PATCHES.append(f"{module.__name__.rsplit('.', 1)[-1]}.{name}: {why}")
        return wrapper

    return install


# --------------------------------------------------------------------------- CloudWatch


def _iso(epoch: object) -> str:
    if isinstance(epoch, int | float):
        return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(epoch))
    return str(epoch)


def _member_xml(value: object, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return f"<{name}>{'true' if value else 'false'}</{name}>"
    if isinstance(value, list):
        items = "".join(
            "<member>" + "".join(_member_xml(v, k) for k, v in item.items()) + "</member>"
            if isinstance(item, dict)
            else f"<member>{escape(str(item))}</member>"
            for item in value
        )
        return f"<{name}>{items}</{name}>"
    if name.endswith("Timestamp"):
        return f"<{name}>{_iso(value)}</{name}>"
    return f"<{name}>{escape(str(value))}</{name}>"


def patch_cloudwatch() -> None:
    from ministack.services import cloudwatch

    @_patch(
        cloudwatch,
        "_describe_alarms",
        "the Query (XML) response listed 9 alarm fields; Period, Statistic, Dimensions, "
        "AlarmActions, ActionsEnabled, TreatMissingData, AlarmDescription... were missing",
    )
    def _describe_alarms(original, params, cbor_data, is_cbor, is_json=False):  # type: ignore[no-untyped-def]
        if is_cbor or is_json:
            return original(params, cbor_data, is_cbor, is_json)
        status, headers, body = original(params, cbor_data, is_cbor, is_json)
        if status != 200:
            return status, headers, body
        names = {
            name
            for name in __import__("re").findall(rb"<AlarmName>(.*?)</AlarmName>", body)
            for name in [name.decode()]
        }
        metric = [a for n, a in cloudwatch._alarms.items() if n in names]
        members = "".join(
            "<member>" + "".join(_member_xml(v, k) for k, v in alarm.items() if not k.startswith("_")) + "</member>"
            for alarm in sorted(metric, key=lambda a: a["AlarmName"])
        )
        token = __import__("re").search(rb"<NextToken>(.*?)</NextToken>", body)
        inner = (
            f"<DescribeAlarmsResult><MetricAlarms>{members}</MetricAlarms><CompositeAlarms/>"
            + (f"<NextToken>{token.group(1).decode()}</NextToken>" if token else "")
            + "</DescribeAlarmsResult>"
        )
        if b"<CompositeAlarms><member>" in body:
            return status, headers, body  # composite alarms: leave MiniStack's answer alone
        return cloudwatch._xml(200, "DescribeAlarmsResponse", inner)


# --------------------------------------------------------------------------- DynamoDB

_PITR_DAYS: dict[tuple[str, str, str], int] = {}


def patch_dynamodb() -> None:
    from ministack.core.responses import get_account_id, get_region
    from ministack.services import dynamodb

    def key(data):  # type: ignore[no-untyped-def]
        return (get_account_id(), get_region(), dynamodb._normalize_table_name(data.get("TableName")))

    def with_days(response, days):  # type: ignore[no-untyped-def]
        import json

        status, headers, body = response
        if status != 200:
            return response
        document = json.loads(body)
        pitr = document.get("ContinuousBackupsDescription", {}).get("PointInTimeRecoveryDescription", {})
        if pitr.get("PointInTimeRecoveryStatus") == "ENABLED":
            pitr["RecoveryPeriodInDays"] = days
        return status, headers, json.dumps(document).encode()

    @_patch(dynamodb, "_update_continuous_backups", "RecoveryPeriodInDays was dropped (AWS default 35)")
    def _update(original, data):  # type: ignore[no-untyped-def]
        spec = data.get("PointInTimeRecoverySpecification", {})
        days = int(spec.get("RecoveryPeriodInDays") or 35)
        response = original(data)
        if response[0] == 200:
            _PITR_DAYS[key(data)] = days
        return with_days(response, days)

    @_patch(dynamodb, "_describe_continuous_backups", "RecoveryPeriodInDays was not reported")
    def _describe(original, data):  # type: ignore[no-untyped-def]
        return with_days(original(data), _PITR_DAYS.get(key(data), 35))


# --------------------------------------------------------------------------- EC2


def patch_ec2() -> None:
    from ministack.services import ec2

    @_patch(
        ec2,
        "_create_flow_logs",
        "DeliverLogsPermissionArn, MaxAggregationInterval, LogFormat and the 'vpc-flow-log' "
        "TagSpecification were dropped",
    )
    def _create_flow_logs(original, params):  # type: ignore[no-untyped-def]
        before = set(ec2._flow_logs.keys())
        response = original(params)
        p = ec2._p
        for flow_log_id in set(ec2._flow_logs.keys()) - before:
            record = ec2._flow_logs[flow_log_id]
            record["DeliverLogsPermissionArn"] = p(params, "DeliverLogsPermissionArn") or ""
            record["MaxAggregationInterval"] = int(p(params, "MaxAggregationInterval") or 600)
            record["LogFormat"] = p(params, "LogFormat") or (
                "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
            )
            destination = record.get("LogDestination") or ""
            if record.get("LogDestinationType") == "cloud-watch-logs" and ":log-group:" in destination:
                record["LogGroupName"] = destination.split(":log-group:", 1)[1].removesuffix(":*")
            ec2._parse_tag_specs(params, "vpc-flow-log", flow_log_id)
        return response

    @_patch(ec2, "_describe_flow_logs", "the fields above were not reported")
    def _describe_flow_logs(original, params):  # type: ignore[no-untyped-def]
        status, headers, body = original(params)
        text = body.decode()
        for flow_log_id, record in ec2._flow_logs.items():
            marker = f"<flowLogId>{flow_log_id}</flowLogId>"
            if marker not in text:
                continue
            extra = "".join(
                f"<{tag}>{escape(str(record[field]))}</{tag}>"
                for field, tag in (
                    ("DeliverLogsPermissionArn", "deliverLogsPermissionArn"),
                    ("MaxAggregationInterval", "maxAggregationInterval"),
                    ("LogFormat", "logFormat"),
                    ("LogGroupName", "logGroupName"),
                )
                if record.get(field)
            )
            text = text.replace(marker, marker + extra)
        return status, headers, text.encode()

    ec2._ACTION_MAP["CreateFlowLogs"] = ec2._create_flow_logs
    ec2._ACTION_MAP["DescribeFlowLogs"] = ec2._describe_flow_logs

    @_patch(
        ec2,
        "_parse_ip_permissions",
        "IpPermissions.N.PrefixListIds.M (a rule to a VPC endpoint's prefix list) was not parsed: the "
        "rule was stored with no destination at all",
    )
    def _parse_ip_permissions(original, params, prefix):  # type: ignore[no-untyped-def]
        rules = original(params, prefix)
        p = ec2._p
        for index, rule in enumerate(rules, start=1):
            if not p(params, f"{prefix}.{index}.IpProtocol"):
                break  # the legacy flat form has no prefix lists
            entries = []
            member = 1
            while p(params, f"{prefix}.{index}.PrefixListIds.{member}.PrefixListId"):
                entry = {"PrefixListId": p(params, f"{prefix}.{index}.PrefixListIds.{member}.PrefixListId")}
                description = p(params, f"{prefix}.{index}.PrefixListIds.{member}.Description")
                if description:
                    entry["Description"] = description
                entries.append(entry)
                member += 1
            if entries:
                rule["PrefixListIds"] = entries
        return rules

    @_patch(
        ec2,
        "_sg_rule_xml",
        "a rule to a prefix list (aws_vpc_security_group_egress_rule with prefix_list_id) was "
        "described without prefixListId/description, which makes the provider plan a replacement "
        "and fail with 'Provider produced invalid plan'",
    )
    def _sg_rule_xml(original, sg_id, rule, is_egress=False):  # type: ignore[no-untyped-def]
        items = original(sg_id, rule, is_egress=is_egress)
        prefix_lists = rule.get("PrefixListIds") or []
        if not prefix_lists or rule.get("IpRanges") or rule.get("Ipv6Ranges") or rule.get("UserIdGroupPairs"):
            return items
        close = "</item>"
        head = items[: -len(close)] if items.endswith(close) else items
        out = ""
        for entry in prefix_lists:
            extra = f"<prefixListId>{escape(entry.get('PrefixListId', ''))}</prefixListId>"
            if entry.get("Description") and "<description>" not in head:
                extra += f"<description>{escape(entry['Description'])}</description>"
            out += head + extra + close
        return out


# --------------------------------------------------------------------------- Step Functions


def patch_stepfunctions() -> None:
    from ministack.services import stepfunctions as sfn

    def remember(data):  # type: ignore[no-untyped-def]
        tracing = data.get("tracingConfiguration")
        if tracing is None:
            return
        arn = data.get("stateMachineArn")
        for candidate_arn, machine in sfn._state_machines.items():
            if candidate_arn == arn or (arn is None and machine.get("name") == data.get("name")):
                machine["tracingConfiguration"] = {"enabled": bool(tracing.get("enabled"))}

    def keep_tracing(original, data):  # type: ignore[no-untyped-def]
        response = original(data)
        if response[0] == 200:
            remember(data)
        return response

    for operation in ("_create_state_machine", "_update_state_machine"):
        _patch(sfn, operation, "tracingConfiguration was dropped")(keep_tracing)


# --------------------------------------------------------------------------- S3 -> EventBridge

_S3_VERSION = __import__("contextvars").ContextVar("s3_event_version_id", default=None)


def patch_s3_eventbridge() -> None:
    import inspect
    import json

    from ministack.services import eventbridge, s3

    signature = inspect.signature(s3._fire_s3_event)

    @_patch(s3, "_fire_s3_event", "(with the next one) EventBridge's 'Object Created' detail had no object.version-id")
    def _fire_s3_event(original, *args, **kwargs):  # type: ignore[no-untyped-def]
        version_id = signature.bind_partial(*args, **kwargs).arguments.get("version_id")
        token = _S3_VERSION.set(version_id)
        try:
            return original(*args, **kwargs)
        finally:
            _S3_VERSION.reset(token)

    @_patch(
        eventbridge,
        "_dispatch_event",
        "adds detail.object.version-id to S3 events of a versioned bucket, as AWS does (the state "
        "machine derives the job id from it)",
    )
    def _dispatch_event(original, event, *args, **kwargs):  # type: ignore[no-untyped-def]
        version_id = _S3_VERSION.get()
        if version_id and event.get("Source") == "aws.s3":
            detail = json.loads(event.get("Detail") or "{}")
            detail.setdefault("object", {}).setdefault("version-id", version_id)
            event = {**event, "Detail": json.dumps(detail)}
        return original(event, *args, **kwargs)


# --------------------------------------------------------------------------- S3 ranged reads of a version


def patch_s3_versioned_range() -> None:
    from ministack.services import s3

    @_patch(
        s3,
        "_get_object",
        "GetObject with both versionId and a Range header returned the whole version (200); AWS returns the "
        "range (206 with Content-Range), which the planning and range steps of a large object read",
    )
    def _get_object(original, bucket_name, key, headers, query_params=None):  # type: ignore[no-untyped-def]
        status, out_headers, body = original(bucket_name, key, headers, query_params)
        wanted = (headers or {}).get("range", "")
        if status != 200 or not wanted or not s3._qp(query_params or {}, "versionId", ""):
            return status, out_headers, body
        span = s3._parse_range(wanted, len(body))
        if span is None:
            return status, out_headers, body
        start, end = span
        # no whole-object checksum on a slice (AWS sends none on a 206; boto3 would check it against the slice)
        out_headers = {k: v for k, v in out_headers.items() if not k.lower().startswith("x-amz-checksum-")}
        out_headers.update({"Content-Length": str(end - start + 1), "Content-Range": f"bytes {start}-{end}/{len(body)}"})
        return 206, out_headers, body[start : end + 1]


# --------------------------------------------------------------------------- Lambda errors

_LAST_ERROR_TYPE = __import__("threading").local()
_WORKER_ERROR = (
    """_real_stdout.write(json.dumps({"status": "error", "error": str(e), "trace": traceback.format_exc()})"""
    """ + "\\n")"""
)
_WORKER_ERROR_TYPED = (
    """_real_stdout.write(json.dumps({"status": "error", "error": str(e), "errorType": type(e).__name__, """
    """"trace": traceback.format_exc()}) + "\\n")"""
)


def patch_lambda_error_type() -> None:
    from ministack.core import lambda_runtime
    from ministack.services import lambda_svc

    script = lambda_runtime._PYTHON_WORKER_SCRIPT
    if script.count(_WORKER_ERROR) != 1:
        raise RuntimeError("MiniStack's Python worker changed: review the errorType patch")
    lambda_runtime._PYTHON_WORKER_SCRIPT = script.replace(_WORKER_ERROR, _WORKER_ERROR_TYPED)
    PATCHES.append("lambda_runtime._PYTHON_WORKER_SCRIPT: the worker reported a handler exception without its class")

    @_patch(lambda_runtime.Worker, "invoke", "(with the next one) carries the exception class out of the worker")
    def invoke(original, self, *args, **kwargs):  # type: ignore[no-untyped-def]
        result = original(self, *args, **kwargs)
        _LAST_ERROR_TYPE.value = result.get("errorType") if isinstance(result, dict) else None
        return result

    @_patch(
        lambda_svc,
        "_execute_function_warm",
        "a handler exception's errorType was always Runtime.HandlerError; AWS reports the exception "
        "class name, which Step Functions Retry/Catch ErrorEquals match (e.g. TransientError)",
    )
    def _execute_function_warm(original, func, event, request_id):  # type: ignore[no-untyped-def]
        _LAST_ERROR_TYPE.value = None
        result = original(func, event, request_id)
        error_type = getattr(_LAST_ERROR_TYPE, "value", None)
        body = result.get("body") if isinstance(result, dict) else None
        generic = isinstance(body, dict) and body.get("errorType") == "Runtime.HandlerError"
        if isinstance(body, dict) and generic and result.get("error") and error_type:
            body["errorType"] = error_type
        return result


# --------------------------------------------------------------------------- fault injection (tests only)

_FAULTS_LOCK = __import__("threading").Lock()


def take_fault(path: str, function_name: str) -> str | None:
    """Consume one injected fault for ``function_name`` from the JSON file ``path``; returns its errorType.

    File shape: ``{"<function name>": {"count": 2, "error": "TransientError"}}``.
    """
    import json
    import os

    with _FAULTS_LOCK:
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
        return str(fault.get("error", "TransientError"))


def patch_fault_injection() -> None:
    """Only with ``HARNESS_FAULTS_FILE`` set (the e2e tests): fail the next N invocations of a function
    with a given errorType before running the real handler, to exercise the state machine's Retry."""
    import os

    from ministack.services import lambda_svc

    path = os.environ.get("HARNESS_FAULTS_FILE")
    if not path:
        return

    @_patch(lambda_svc, "_execute_function_warm", f"fault injection from {path} (e2e tests only)")
    def _execute_function_warm(original, func, event, request_id):  # type: ignore[no-untyped-def]
        name = (func.get("config") or func).get("FunctionName", "")
        error = take_fault(path, name)
        if error is not None:
            message = f"injected {error} (harness fault injection)"
            return {"body": {"errorMessage": message, "errorType": error}, "error": True, "log": message}
        return original(func, event, request_id)


def main() -> None:
    for install in (
        patch_cloudwatch,
        patch_dynamodb,
        patch_ec2,
        patch_stepfunctions,
        patch_s3_eventbridge,
        patch_s3_versioned_range,
        patch_lambda_error_type,
        patch_fault_injection,
    ):
        install()
    for line in PATCHES:
        print(f"harness patch: {line}", file=sys.stderr, flush=True)
    import os

    from ministack import app

    if os.environ.get("USE_SSL"):
        # With USE_SSL MiniStack also binds port 443 when it can (root can): keep to our one port.
        app._port_is_bindable = lambda host, port: False
        PATCHES.append("app._port_is_bindable: no extra listener on 443 in HTTPS mode")
        print(f"harness patch: {PATCHES[-1]}", file=sys.stderr, flush=True)
    app.main()


if __name__ == "__main__":
    main()
