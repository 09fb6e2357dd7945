"""Lambda entry point of one hash partition's duplicate check: wiring only (fanout_steps.check_partition)."""

from txn_pipeline import fanout_steps, observability, runtime

LOG = observability.logger("partition")
METRICS = observability.metrics("partition")
TRACER = observability.tracer("partition")


def handler(event, context):
    return runtime.run(
        "partition", fanout_steps.check_partition, event, context, log=LOG, metrics=METRICS, tracer=TRACER
    )
