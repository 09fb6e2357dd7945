"""Lambda entry point of a large object's planning step: wiring only (txn_pipeline.fanout_steps.plan)."""

from txn_pipeline import fanout_steps, observability, runtime

LOG = observability.logger("plan")
METRICS = observability.metrics("plan")
TRACER = observability.tracer("plan")


def handler(event, context):
    return runtime.run("plan", fanout_steps.plan, event, context, log=LOG, metrics=METRICS, tracer=TRACER)
