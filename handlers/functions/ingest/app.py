"""Lambda entry point of the ingest step: wiring only, the logic is txn_pipeline.steps.ingest."""

from txn_pipeline import observability, runtime, steps

LOG = observability.logger("ingest")
METRICS = observability.metrics("ingest")
TRACER = observability.tracer("ingest")


def handler(event, context):
    return runtime.run("ingest", steps.ingest, event, context, log=LOG, metrics=METRICS, tracer=TRACER)
