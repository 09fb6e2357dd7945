"""The pipeline stack with one violation per governance rule, each introduced the way it happens in
real code reviews: through ``add_override`` escape hatches on otherwise compliant constructs.

    python -m examples.violating_pipeline            # synth fails listing all six violations (exit 1)
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=1 CDKTF_OUTDIR=/tmp/bad python -m examples.violating_pipeline
                                                     # writes the bad cdk.tf.json anyway: checkov must fail it
"""

from __future__ import annotations

import sys

from stack.app import main
from stack.pipeline_stack import PipelineStack


def break_every_rule(stack: PipelineStack) -> None:
    ingest = stack.functions["ingest"]
    ingest.function.add_override("tags", {"CostCenter": ""})  # FIN-001: a required tag emptied
    ingest.policy_document.add_override("statement.0.actions", ["s3:Get*"])  # FIN-002: partial wildcard
    stack.functions["load"].function.add_override("architectures", None)  # FIN-004: x86_64 by default
    stack.workflow.log_group.add_override("retention_in_days", 0)  # FIN-006: never expires
    stack.table.table.add_override("point_in_time_recovery.enabled", False)  # FIN-008: no PITR
    stack.bucket.bucket.add_override("lifecycle.prevent_destroy", True)  # FIN-009: blocks destroy


if __name__ == "__main__":
    sys.exit(main(customize=break_every_rule))
