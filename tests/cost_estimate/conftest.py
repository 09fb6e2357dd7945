"""Shared helpers: a small profile with round numbers and stacks built from Terraform JSON literals.

The test profile has 24 files a day, so 24 x 730 h / 24 h = 730 files a month; files of 2 GB; one
full vCPU at 2,048 MB. Prices are the packaged snapshot's.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from cost_estimate import prices
from cost_estimate.context import Context, StackView
from cost_estimate.profile import Profile, from_mapping
from tag_audit.static import Stack

FILES = 730  # a month
BASE: dict[str, Any] = {
    "name": "test profile",
    "region": "us-east-2",
    "month": 12,
    "workload": {"files_per_day": 24, "file_size_gb": 2, "rows_per_gb": 0, "failed_fraction": 0.01},
    "lambda": {"memory_mb_per_vcpu": 2048},
    "functions": {
        "step": {
            "match": "fn-step",
            "fixed_seconds": 1,
            "cpu_seconds_per_gb": 10,
            "log_bytes_per_invocation": 1000,
            "custom_metrics": 2,
        },
        "orch": {"match": "fn-orch", "fixed_seconds": 0.5, "waits_for": ["step"], "starts_trace": True},
    },
    "state_machines": {"retries_per_execution": 0.02, "log_bytes_per_transition": 1000},
    "buckets": {
        "data": {
            "match": "bucket-*",
            "streams": [
                {"prefix": "raw/", "size_ratio": 1, "objects_per_file": 1, "part_mb": 8},
                {"prefix": "out/", "size_ratio": 0.5, "objects_per_file": 2, "part_mb": 8},
            ],
            "tier2_requests_per_file": 4,
            "function_traffic_gb_per_file": 3,
        }
    },
    "tables": {
        "t": {
            "match": "table-*",
            "write_units_per_file": 10,
            "read_units_per_file": 4,
            "expiring_bytes_per_file": 2**30,
            "expiring_after_days": 10,
        }
    },
    "logs": {"flow_log_bytes_per_day": 2**30},
    "kms": {"requests_per_file": 12, "requests_per_month": 35000},
    "network": {"nat_other_gb_per_file": 0.001, "interface_endpoint_gb_per_month": 10},
    "messaging": {"sns_publishes_per_month": 200, "sqs_requests_per_month": 1000, "custom_events_per_month": 5000},
    "glue": {"partitions_per_table_per_day": 1, "requests_per_month": 30000},
    "athena": {"queries_per_month": 600, "tb_scanned_per_month": 1},
}


def test_profile(**changes: Any) -> Profile:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return from_mapping(data)


test_profile.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def stack(resources: dict[str, dict[str, dict[str, Any]]], name: str = "test-stack") -> Stack:
    document = {
        "//": {"metadata": {"stackName": name}},
        "provider": {"aws": [{"region": "us-east-2", "default_tags": [{"tags": {"CostCenter": "CC-1"}}]}]},
        "resource": resources,
    }
    return Stack(name, Path("cdk.tf.json"), document)


def context(resources: dict[str, dict[str, dict[str, Any]]], **changes: Any) -> Context:
    return Context(StackView(stack(resources)), test_profile(**changes), prices.load())


def resource(ctx: Context, type_: str, name: str) -> Any:
    return next(r for r in ctx.view.of_type(type_) if r.name == name)


def usd(items: list[Any], component: str) -> float:
    return next(i.usd for i in items if i.component == component)
