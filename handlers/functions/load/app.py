"""Lambda entry point of the load step: wiring only, the logic is txn_pipeline.steps.load."""

from txn_pipeline import runtime, steps

LOG = runtime.make_logger("load")
METRICS = runtime.make_metrics("load")


def handler(event, context):
    return runtime.run("load", steps.load, event, context, log=LOG, metrics=METRICS)
