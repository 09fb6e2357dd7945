"""Lambda entry point of the validate step: wiring only, the logic is txn_pipeline.steps.validate."""

from txn_pipeline import runtime, steps

LOG = runtime.make_logger("validate")
METRICS = runtime.make_metrics("validate")


def handler(event, context):
    return runtime.run("validate", steps.validate, event, context, log=LOG, metrics=METRICS)
