from __future__ import annotations

import pytest

from stack.app import config_from_env
from stack.config import ConfigError, FanOutSettings, PipelineConfig


def test_defaults() -> None:
    config = config_from_env({})
    assert (config.environment_suffix, config.region, config.backend, config.alert_email) == (
        "dev",
        "us-east-2",
        None,
        None,
    )
    assert config.zones == ("us-east-2a", "us-east-2b", "us-east-2c")
    assert config.name("lambda", "ingest") == "lambda-ingest-dev"
    assert config.bucket_name == "financial-data-pipeline-dev"


def test_environment_overrides() -> None:
    config = config_from_env(
        {
            "ENVIRONMENT_SUFFIX": "prod",
            "AWS_REGION": "eu-west-1",
            "ALERT_EMAIL": "ops@example.com",
            "TF_STATE_BUCKET": "tf-state",
            "OWNER": "fin-ops",
        }
    )
    assert config.environment_suffix == "prod" and config.region == "eu-west-1"
    assert config.alert_email == "ops@example.com"
    assert config.backend is not None
    assert (config.backend.bucket, config.backend.key, config.backend.region) == (
        "tf-state",
        "pipeline/prod/terraform.tfstate",
        "eu-west-1",
    )
    assert config.required_tags["Owner"] == "fin-ops"


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        PipelineConfig(environment_suffix="Prod_1", region="mars", alert_email="nope", log_retention_days=42)
    message = str(caught.value)
    for fragment in ("environment_suffix='Prod_1'", "region='mars'", "alert_email='nope'", "log_retention_days=42"):
        assert fragment in message


def test_fanout_settings_from_the_environment() -> None:
    config = config_from_env({"FANOUT_THRESHOLD_BYTES": "262144", "FANOUT_RANGE_BYTES": "32768",
                              "FANOUT_PARTITION_BYTES": "100000", "FANOUT_MAX_CONCURRENCY": "4"})  # fmt: skip
    assert (config.fanout.threshold_bytes, config.fanout.range_bytes) == (262144, 32768)
    assert (config.fanout.partition_bytes, config.fanout.max_concurrency) == (100000, 4)
    assert config_from_env({}).fanout == FanOutSettings()
    with pytest.raises(ConfigError, match=r"FANOUT_RANGE_BYTES='32k' is not an integer"):
        config_from_env({"FANOUT_RANGE_BYTES": "32k"})


def test_fanout_settings_report_every_problem() -> None:
    bad = FanOutSettings(threshold_bytes=10, range_bytes=5 * 2**30, partition_bytes=2**20, max_concurrency=41)
    with pytest.raises(ConfigError) as info:
        PipelineConfig(fanout=bad)
    message = str(info.value)
    assert "fanout.threshold_bytes=10 is below 1024 bytes" in message
    assert "a range must fit one function (at most 4 GiB)" in message
    assert "fanout.max_concurrency=41 outside 1..40" in message
