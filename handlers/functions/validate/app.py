"""Lambda entry point of the validate step: wiring only, the logic is txn_pipeline.steps.validate."""

from txn_pipeline import observability, runtime, steps

LOG = observability.logger("validate")
METRICS = observability.metrics("validate")
TRACER = observability.tracer("validate")


def handler(event, context):
    return runtime.run("validate", steps.validate, event, context, log=LOG, metrics=METRICS, tracer=TRACER)
