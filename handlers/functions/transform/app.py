"""Lambda entry point of the transform step: wiring only, the logic is txn_pipeline.steps.transform."""

from txn_pipeline import observability, runtime, steps

LOG = observability.logger("transform")
METRICS = observability.metrics("transform")
TRACER = observability.tracer("transform")


def handler(event, context):
    return runtime.run("transform", steps.transform, event, context, log=LOG, metrics=METRICS, tracer=TRACER)
