"""Lambda entry point of the ingest step: wiring only, the logic is txn_pipeline.steps.ingest."""

from txn_pipeline import runtime, steps

LOG = runtime.make_logger("ingest")
METRICS = runtime.make_metrics("ingest")


def handler(event, context):
    return runtime.run("ingest", steps.ingest, event, context, log=LOG, metrics=METRICS)
