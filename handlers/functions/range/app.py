"""Lambda entry point of one byte range of a large object: wiring only (fanout_steps.check_range)."""

from txn_pipeline import fanout_steps, observability, runtime

LOG = observability.logger("range")
METRICS = observability.metrics("range")
TRACER = observability.tracer("range")


def handler(event, context):
    return runtime.run("range", fanout_steps.check_range, event, context, log=LOG, metrics=METRICS, tracer=TRACER)
