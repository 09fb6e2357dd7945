"""CloudWatch DescribeAlarms (Query/XML) lists only 9 fields per alarm.

MiniStack 1.5.33, ``ministack.services.cloudwatch._describe_alarms``: the Query (XML) answer, which the
aws provider 5.100.0 reads, leaves out Period, Statistic, Dimensions, AlarmActions, ActionsEnabled,
TreatMissingData, AlarmDescription and more, though ``_put_metric_alarm`` stored them. Without the patch
``terraform plan`` after apply updates every ``aws_cloudwatch_metric_alarm`` in place (period 0 -> 300,
dimensions, actions). The wrapper renders every stored field of the listed alarms.
"""

from __future__ import annotations

import re
import time
from typing import Any
from xml.sax.saxutils import escape

from ..wrap import wrap


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


def install() -> None:
    from ministack.services import cloudwatch

    @wrap(
        cloudwatch,
        "_describe_alarms",
        "the Query (XML) response listed 9 alarm fields; Period, Statistic, Dimensions, "
        "AlarmActions, ActionsEnabled, TreatMissingData, AlarmDescription... were missing",
    )
    def _describe_alarms(original: Any, params: Any, cbor_data: Any, is_cbor: Any, is_json: Any = False) -> Any:
        if is_cbor or is_json:
            return original(params, cbor_data, is_cbor, is_json)
        status, headers, body = original(params, cbor_data, is_cbor, is_json)
        if status != 200:
            return status, headers, body
        names = {name.decode() for name in re.findall(rb"<AlarmName>(.*?)</AlarmName>", body)}
        metric = [a for n, a in cloudwatch._alarms.items() if n in names]
        members = "".join(
            "<member>" + "".join(_member_xml(v, k) for k, v in alarm.items() if not k.startswith("_")) + "</member>"
            for alarm in sorted(metric, key=lambda a: a["AlarmName"])
        )
        token = re.search(rb"<NextToken>(.*?)</NextToken>", body)
        inner = (
            f"<DescribeAlarmsResult><MetricAlarms>{members}</MetricAlarms><CompositeAlarms/>"
            + (f"<NextToken>{token.group(1).decode()}</NextToken>" if token else "")
            + "</DescribeAlarmsResult>"
        )
        if b"<CompositeAlarms><member>" in body:
            return status, headers, body  # composite alarms: leave MiniStack's answer alone
        return cloudwatch._xml(200, "DescribeAlarmsResponse", inner)


def still_needed() -> bool:
    """Put an alarm with Period 300 through the Query protocol; does DescribeAlarms leave the period out?"""
    from ministack.services import cloudwatch

    name = "harness-probe-alarm"
    cloudwatch._put_metric_alarm(
        {"AlarmName": [name], "MetricName": ["Errors"], "Namespace": ["AWS/Lambda"], "Statistic": ["Sum"],
         "Period": ["300"], "EvaluationPeriods": ["1"], "Threshold": ["1"],
         "ComparisonOperator": ["GreaterThanOrEqualToThreshold"]},
        {}, False,
    )  # fmt: skip
    _, _, body = cloudwatch._describe_alarms({"AlarmNames.member.1": [name]}, {}, False)
    return b"<AlarmName>harness-probe-alarm</AlarmName>" in body and b"<Period>300</Period>" not in body
