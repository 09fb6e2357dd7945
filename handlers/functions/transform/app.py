"""Lambda entry point of the transform step: wiring only, the logic is txn_pipeline.steps.transform."""

from txn_pipeline import runtime, steps

LOG = runtime.make_logger("transform")
METRICS = runtime.make_metrics("transform")


def handler(event, context):
    return runtime.run("transform", steps.transform, event, context, log=LOG, metrics=METRICS)
