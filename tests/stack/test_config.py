from __future__ import annotations

import pytest

from stack.app import config_from_env
from stack.config import ConfigError, PipelineConfig


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
