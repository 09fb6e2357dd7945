"""One module per MiniStack bug the harness works around.

Each module names the MiniStack version and the function(s) it wraps, says what Terraform's aws
provider (5.100.0) or the pipeline saw without it, and has ``install()`` and ``still_needed()``: a
reproduction of the bug against the unpatched function, True while the pinned MiniStack has it.
``tests/emulator/launcher/test_patches.py`` asserts it is True (and False once installed), so bumping
MiniStack tells which patches to delete. They are response-fidelity fixes, never behaviour the
pipeline relies on; ``python -m emulator.launcher.check`` runs every reproduction.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    cloudwatch_alarms,
    dynamodb_pitr_period,
    ec2_flow_logs,
    ec2_prefix_list_rules,
    lambda_error_type,
    one_https_port,
    s3_event_version_id,
    s3_versioned_range,
    sfn_lambda_throttle,
    sfn_tracing,
)

#: Installed at every start, in this order (what Terraform reads back equals what it wrote).
RESPONSE_FIXES: tuple[ModuleType, ...] = (
    cloudwatch_alarms,
    dynamodb_pitr_period,
    ec2_flow_logs,
    ec2_prefix_list_rules,
    sfn_tracing,
    sfn_lambda_throttle,
    s3_event_version_id,
    s3_versioned_range,
    lambda_error_type,
)
#: Every patch: the response fixes, then the HTTPS-only one.
ALL: tuple[ModuleType, ...] = (*RESPONSE_FIXES, one_https_port)
