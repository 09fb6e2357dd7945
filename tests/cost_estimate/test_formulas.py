"""Every pricing formula against values computed by hand (the arithmetic is in each comment)."""

from __future__ import annotations

import math

import pytest

from cost_estimate import formulas
from cost_estimate.profile import DAYS_PER_MONTH

D = DAYS_PER_MONTH  # 730 h / 24 = 30.4166... days


def test_cpu_factor_below_and_above_one_vcpu() -> None:
    assert formulas.cpu_factor(1024, 2048) == 2.0  # half a vCPU: twice as long
    assert formulas.cpu_factor(4096, 2048) == 1.0  # more than one vCPU does not speed up one thread


def test_parallel_fraction_from_a_measured_speedup() -> None:
    # 1.6 = 1 / ((1 - p) + p / 2)  ->  p = (1 - 1/1.6) / (1 - 1/2) = 0.375 / 0.5 = 0.75
    assert formulas.parallel_fraction(speedup=1.6, threads=2) == pytest.approx(0.75)
    assert formulas.parallel_fraction(speedup=2, threads=2) == pytest.approx(1.0)  # linear: all parallel
    assert formulas.parallel_fraction(speedup=1, threads=4) == 0  # no speedup: all serial


@pytest.mark.parametrize(
    ("memory_mb", "expected"),
    [
        (1024, 2.0),  # half a vCPU: the whole pass twice as long, threads or not
        (2048, 1.0),  # one vCPU: the measured one-thread time
        (3072, 0.75),  # 1.5 vCPUs: 0.25 + 0.75 / 1.5
        (4096, 0.625),  # 2 vCPUs: 0.25 + 0.75 / 2 = 1 / 1.6, the measured speedup
        (8192, 0.625),  # 4 vCPUs: not extrapolated beyond the 2 threads measured
    ],
)
def test_cpu_factor_of_a_parallel_pass(memory_mb: float, expected: float) -> None:
    assert formulas.cpu_factor(memory_mb, 2048, parallel_fraction=0.75, max_threads=2) == pytest.approx(expected)


def test_lambda_duration() -> None:
    # 1 s fixed + 10 s/GB x 2 GB x (2048 / 1024) = 41 s
    assert formulas.lambda_duration(
        fixed_seconds=1, cpu_seconds_per_gb=10, file_gb=2, memory_mb=1024, memory_mb_per_vcpu=2048
    ) == pytest.approx(41)
    # two vCPUs, 75 % of the pass parallel on 2 threads: 1 s + 10 s/GB x 2 GB x 0.625 = 13.5 s
    assert formulas.lambda_duration(
        fixed_seconds=1, cpu_seconds_per_gb=10, file_gb=2, memory_mb=4096, memory_mb_per_vcpu=2048,
        parallel_fraction=0.75, max_threads=2,
    ) == pytest.approx(13.5)  # fmt: skip


def test_gb_seconds() -> None:
    assert formulas.gb_seconds(730, 41, 1024) == pytest.approx(29_930)  # 730 x 41 s x 1 GB
    assert formulas.gb_seconds(1000, 2, 256) == pytest.approx(500)  # 1000 x 2 s x 0.25 GB


def test_ephemeral_storage_above_the_free_512_mb() -> None:
    assert formulas.ephemeral_gb_seconds(730, 41, 2560) == pytest.approx(59_860)  # 730 x 41 x 2 GB
    assert formulas.ephemeral_gb_seconds(730, 41, 512) == 0


@pytest.mark.parametrize(
    ("a", "b", "lo", "hi", "expected"),
    [
        (0, 10, 0, math.inf, 50),  # integral of t over [0, 10]
        (0, 10, 20, 30, 0),  # nothing is 20 days old yet
        (0, 30, 0, 10, 250),  # ramp 0->10 (area 50), then flat 10 for 20 days (200)
        (20, 40, 10, 15, 100),  # flat at 5 (= 15 - 10) for all 20 days
        (5, 15, 10, 20, 12.5),  # 0 until day 10, then ramp to 5: area 12.5
    ],
)
def test_ramp_integral(a: float, b: float, lo: float, hi: float, expected: float) -> None:
    assert formulas.ramp_integral(a, b, lo, hi) == pytest.approx(expected)


def test_average_held_in_month_one_without_expiry() -> None:
    # data arriving at 10 GB/day since go-live: on average half a month's worth during month 1
    assert formulas.average_held(10, age_from=0, age_to=math.inf, month=1) == pytest.approx(10 * D / 2)


def test_average_held_in_a_steady_window() -> None:
    # month 12 (days 334.6..365): 90 days in the first class is full, so exactly 90 days' worth
    assert formulas.average_held(10, age_from=0, age_to=90, month=12) == pytest.approx(900)
    # older than 90 days: at day t there are (t - 90) days' worth; the mean of t over month 12 is 11.5 x D
    assert formulas.average_held(10, age_from=90, age_to=math.inf, month=12) == pytest.approx(10 * (11.5 * D - 90))


def test_reaching_age() -> None:
    assert formulas.reaching_age(100, age=90, month=1) == 0  # nothing is 90 days old in month 1
    assert formulas.reaching_age(100, age=90, month=12) == pytest.approx(100 * D)  # a full month of arrivals
    # month 3 is days 60.8..91.25: objects turn 90 during its last 1.25 days
    assert formulas.reaching_age(100, age=90, month=3) == pytest.approx(100 * (3 * D - 90))


@pytest.mark.parametrize(
    ("object_gb", "part_mb", "expected"),
    [
        (1.0, 8, 130),  # 1,024 MB / 8 = 128 parts + create + complete
        (0.005, 8, 1),  # 5.12 MB: one PUT
        (0.1, 8, 15),  # 102.4 MB -> 13 parts + 2
    ],
)
def test_put_requests(object_gb: float, part_mb: float, expected: float) -> None:
    assert formulas.put_requests(object_gb, part_mb) == expected


@pytest.mark.parametrize(("month", "expected"), [(1, 0), (12, 0), (13, 1), (25, 2), (60, 2)])
def test_key_rotations_only_the_first_two_are_billed(month: int, expected: int) -> None:
    # mid-month 13 is day 12.5 x 30.42 = 380 > 365: one rotation; month 25 (day 745): two; later still two
    assert formulas.key_rotations(month, 365) == expected


def test_transitions() -> None:
    # 1,000 executions x (5 + 0.01 x 5 + 0.02) = 5,070
    assert formulas.transitions(
        executions=1000, happy_path=5, catch_path=5, failed_fraction=0.01, retries_per_execution=0.02
    ) == pytest.approx(5070)


def test_athena_bills_at_least_10_mb_per_query() -> None:
    assert formulas.athena_tb(100, 2.0) == 2.0
    assert formulas.athena_tb(1_048_576, 0.0) == pytest.approx(10.0)  # 2^20 queries x 10 MB = 10 TB
