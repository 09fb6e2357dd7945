"""The pricing formulas: small pure functions of usage numbers, each tested against hand-computed values.

Money is applied elsewhere (``Price.cost``); these turn a workload and a configuration into billable
quantities: GB-seconds, GB-months, requests, transitions.
"""

from __future__ import annotations

import math

from cost_estimate.profile import DAYS_PER_MONTH

MB_PER_GB = 1024
FREE_EPHEMERAL_MB = 512  # Lambda's /tmp up to 512 MB is included in the price
ATHENA_MIN_TB_PER_QUERY = 10 / 1024 / 1024  # Athena bills at least 10 MB per query


def parallel_fraction(*, speedup: float, threads: int) -> float:
    """Amdahl's parallel share ``p`` of a pass measured ``speedup`` times faster with ``threads`` threads
    (each on its own vCPU) than with one: ``speedup = 1 / ((1 - p) + p / threads)``."""
    return (1 - 1 / speedup) / (1 - 1 / threads)


def cpu_factor(
    memory_mb: float, memory_mb_per_vcpu: float, *, parallel_fraction: float = 0.0, max_threads: int = 1
) -> float:
    """Time of a pass at ``memory_mb`` relative to one thread on one full vCPU.

    Lambda gives ``memory_mb / memory_mb_per_vcpu`` vCPUs. Below one vCPU the whole pass slows in
    proportion; above it, the ``parallel_fraction`` of the pass runs on as many vCPUs as there are, up to
    ``max_threads`` (the thread count the speedup was measured at: no extrapolation beyond it), and the
    rest stays at one vCPU (Amdahl's law). A single-threaded pass (``parallel_fraction`` 0) gains nothing
    from a second vCPU."""
    vcpus = memory_mb / memory_mb_per_vcpu
    if vcpus <= 1:
        return 1 / vcpus
    used = min(vcpus, max_threads)
    return (1 - parallel_fraction) + parallel_fraction / used


def lambda_duration(
    *,
    fixed_seconds: float,
    cpu_seconds_per_gb: float,
    file_gb: float,
    memory_mb: float,
    memory_mb_per_vcpu: float,
    parallel_fraction: float = 0.0,
    max_threads: int = 1,
) -> float:
    """Seconds of one invocation: fixed I/O time plus the pass, at the speed the memory's vCPUs give it."""
    factor = cpu_factor(memory_mb, memory_mb_per_vcpu, parallel_fraction=parallel_fraction, max_threads=max_threads)
    return fixed_seconds + cpu_seconds_per_gb * file_gb * factor


def gb_seconds(invocations: float, seconds: float, memory_mb: float) -> float:
    return invocations * seconds * memory_mb / MB_PER_GB


def ephemeral_gb_seconds(invocations: float, seconds: float, storage_mb: float) -> float:
    """Billable /tmp GB-seconds: only the configured size above the free 512 MB."""
    return invocations * seconds * max(0.0, storage_mb - FREE_EPHEMERAL_MB) / MB_PER_GB


def ramp_integral(a: float, b: float, lo: float, hi: float) -> float:
    """Integral over t in [a, b] of clamp(t - lo, 0, hi - lo): the days of data aged in [lo, hi) held at t."""
    width = hi - lo

    def antiderivative(t: float) -> float:
        if t <= lo:
            return 0.0
        if t <= hi:
            return (t - lo) ** 2 / 2
        return width**2 / 2 + width * (t - hi)

    return antiderivative(b) - antiderivative(a)


def month_window(month: int, days_per_month: float = DAYS_PER_MONTH) -> tuple[float, float]:
    """Days since go-live at the start and end of ``month`` (1-based)."""
    return (month - 1) * days_per_month, month * days_per_month


def average_held(per_day: float, *, age_from: float, age_to: float, month: int) -> float:
    """Average amount held during ``month`` of data arriving at ``per_day`` since go-live, counting only
    what is between ``age_from`` and ``age_to`` days old (``math.inf`` for never expiring)."""
    a, b = month_window(month)
    return per_day * ramp_integral(a, b, age_from, age_to) / (b - a)


def reaching_age(per_day: float, *, age: float, month: int) -> float:
    """How many of the items arriving at ``per_day`` turn ``age`` days old during ``month``."""
    a, b = month_window(month)
    return per_day * (max(0.0, b - age) - max(0.0, a - age))


def put_requests(object_gb: float, part_mb: float) -> float:
    """PUT-class requests to write one object: one PUT, or create + parts + complete when multipart."""
    size_mb = object_gb * MB_PER_GB
    if size_mb <= part_mb:
        return 1.0
    return math.ceil(size_mb / part_mb) + 2.0


def key_rotations(month: int, rotation_days: float, *, billed_rotations: int = 2) -> int:
    """Rotated key versions billed during ``month`` (mid-month): only the first two rotations cost."""
    a, b = month_window(month)
    return min(billed_rotations, math.floor((a + b) / 2 / rotation_days))


def transitions(
    *, executions: float, happy_path: float, catch_path: float, failed_fraction: float, retries_per_execution: float
) -> float:
    """State transitions a month: the happy path, plus the Catch path of failed executions (counted
    as if they failed at the last step: an upper bound), plus one per retry."""
    per_execution = happy_path + failed_fraction * catch_path + retries_per_execution
    return executions * per_execution


def athena_tb(queries: float, tb_scanned: float) -> float:
    """TB billed: what the queries scan, at least 10 MB per query."""
    return max(tb_scanned, queries * ATHENA_MIN_TB_PER_QUERY)
