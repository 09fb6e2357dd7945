"""Step Functions state machines lose their tracing configuration.

MiniStack 1.5.33, ``ministack.services.stepfunctions._create_state_machine`` and
``_update_state_machine`` drop ``tracingConfiguration``, so DescribeStateMachine never reports it and
``terraform plan`` after apply adds ``tracing_configuration { enabled = true }`` again. The wrappers
store it on the machine (described with it).
"""

from __future__ import annotations

import json
from typing import Any

from ..wrap import wrap


def install() -> None:
    from ministack.services import stepfunctions as sfn

    def remember(data: Any) -> None:
        tracing = data.get("tracingConfiguration")
        if tracing is None:
            return
        arn = data.get("stateMachineArn")
        for candidate_arn, machine in sfn._state_machines.items():
            if candidate_arn == arn or (arn is None and machine.get("name") == data.get("name")):
                machine["tracingConfiguration"] = {"enabled": bool(tracing.get("enabled"))}

    def keep_tracing(original: Any, data: Any) -> Any:
        response = original(data)
        if response[0] == 200:
            remember(data)
        return response

    for operation in ("_create_state_machine", "_update_state_machine"):
        wrap(sfn, operation, "tracingConfiguration was dropped")(keep_tracing)


def still_needed() -> bool:
    """Create a state machine with tracing enabled; does DescribeStateMachine leave tracing out?"""
    from ministack.services import stepfunctions as sfn

    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    status, _, body = sfn._create_state_machine({
        "name": "harness-probe-tracing", "definition": json.dumps(definition),
        "roleArn": "arn:aws:iam::000000000000:role/harness-probe", "tracingConfiguration": {"enabled": True},
    })  # fmt: skip
    if status != 200:
        raise RuntimeError(f"CreateStateMachine answered {status}: {body!r}")
    _, _, described = sfn._describe_state_machine({"stateMachineArn": json.loads(body)["stateMachineArn"]})
    return json.loads(described).get("tracingConfiguration", {}).get("enabled") is not True
