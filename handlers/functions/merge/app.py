"""Lambda entry point of a large object's merge: wiring only (txn_pipeline.fanout_steps.merge)."""

from txn_pipeline import fanout_steps, observability, runtime

LOG = observability.logger("merge")
METRICS = observability.metrics("merge")
TRACER = observability.tracer("merge")


def handler(event, context):
    return runtime.run("merge", fanout_steps.merge, event, context, log=LOG, metrics=METRICS, tracer=TRACER)
