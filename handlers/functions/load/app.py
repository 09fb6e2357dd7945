"""Lambda entry point of the load step: wiring only, the logic is txn_pipeline.steps.load."""

from txn_pipeline import observability, runtime, steps

LOG = observability.logger("load")
METRICS = observability.metrics("load")
TRACER = observability.tracer("load")


def handler(event, context):
    return runtime.run("load", steps.load, event, context, log=LOG, metrics=METRICS, tracer=TRACER)
