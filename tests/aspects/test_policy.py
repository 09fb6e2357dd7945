"""The typed policy: defaults, layering and validation (all problems reported together)."""

import pytest

from aspects.policy import CLOUDWATCH_RETENTION_DAYS, DEFAULT_REQUIRED_TAGS, GovernancePolicy


def test_defaults():
    policy = GovernancePolicy()
    assert policy.required_tag_keys == ("CostCenter", "Environment", "Owner", "Project", "ManagedBy")
    assert policy.tags_to_apply == {"ManagedBy": "cdktf"}
    assert policy.allowed_log_retention_days == CLOUDWATCH_RETENTION_DAYS and 0 not in CLOUDWATCH_RETENTION_DAYS
    assert policy.min_pitr_recovery_days is None


def test_with_tags_layers_values_over_the_defaults():
    policy = GovernancePolicy.with_tags(Owner="data", ManagedBy="terraform")
    assert policy.tags_to_apply == {"Owner": "data", "ManagedBy": "terraform"}
    assert set(policy.required_tag_keys) == set(DEFAULT_REQUIRED_TAGS)


def test_invalid_policy_lists_every_problem():
    with pytest.raises(ValueError) as error:
        GovernancePolicy(tags={"Owner": ""}, allowed_log_retention_days=frozenset({0, 7}), min_pitr_recovery_days=99)
    message = str(error.value)
    assert "tags['Owner']" in message and "allowed_log_retention_days" in message and "min_pitr" in message


def test_policy_is_immutable():
    policy = GovernancePolicy()
    with pytest.raises(TypeError):
        policy.tags["Owner"] = "x"  # type: ignore[index]
