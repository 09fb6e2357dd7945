"""EC2 flow logs lose their role, aggregation interval, log format and tags.

MiniStack 1.5.33, ``ministack.services.ec2._create_flow_logs`` stores neither
``DeliverLogsPermissionArn``, ``MaxAggregationInterval`` nor ``LogFormat``, and tags only a
``TagSpecification`` of type ``flow-log`` (the provider sends ``vpc-flow-log``);
``_describe_flow_logs`` reports none of them. Without the patch ``terraform plan`` after apply
replaces the ``aws_flow_log`` (``iam_role_arn``, ``max_aggregation_interval 0 -> 600``) and its tags
are missing. The wrappers store and report them; ``_ACTION_MAP`` (built at import) is pointed at the
wrappers too.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from ..wrap import wrap

DEFAULT_LOG_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)


def install() -> None:
    from ministack.services import ec2

    @wrap(
        ec2,
        "_create_flow_logs",
        "DeliverLogsPermissionArn, MaxAggregationInterval, LogFormat and the 'vpc-flow-log' "
        "TagSpecification were dropped",
    )
    def _create_flow_logs(original: Any, params: Any) -> Any:
        before = set(ec2._flow_logs.keys())
        response = original(params)
        p = ec2._p
        for flow_log_id in set(ec2._flow_logs.keys()) - before:
            record = ec2._flow_logs[flow_log_id]
            record["DeliverLogsPermissionArn"] = p(params, "DeliverLogsPermissionArn") or ""
            record["MaxAggregationInterval"] = int(p(params, "MaxAggregationInterval") or 600)
            record["LogFormat"] = p(params, "LogFormat") or DEFAULT_LOG_FORMAT
            destination = record.get("LogDestination") or ""
            if record.get("LogDestinationType") == "cloud-watch-logs" and ":log-group:" in destination:
                record["LogGroupName"] = destination.split(":log-group:", 1)[1].removesuffix(":*")
            ec2._parse_tag_specs(params, "vpc-flow-log", flow_log_id)
        return response

    @wrap(ec2, "_describe_flow_logs", "the fields above were not reported")
    def _describe_flow_logs(original: Any, params: Any) -> Any:
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


def still_needed() -> bool:
    """Create a flow log with a role and a 60 s interval through the action map; does Describe omit them?"""
    from ministack.services import ec2

    role = "arn:aws:iam::000000000000:role/harness-probe-flow-log"
    ec2._ACTION_MAP["CreateFlowLogs"]({
        "ResourceId.1": ["vpc-harnessprobe"], "ResourceType": ["VPC"], "TrafficType": ["ALL"],
        "LogDestinationType": ["cloud-watch-logs"],
        "LogDestination": ["arn:aws:logs:us-east-2:000000000000:log-group:harness-probe"],
        "DeliverLogsPermissionArn": [role], "MaxAggregationInterval": ["60"],
    })  # fmt: skip
    _, _, body = ec2._ACTION_MAP["DescribeFlowLogs"]({})
    text = body.decode()
    return "vpc-harnessprobe" in text and (
        f"<deliverLogsPermissionArn>{role}</deliverLogsPermissionArn>" not in text
        or "<maxAggregationInterval>60</maxAggregationInterval>" not in text
    )
