"""The typed policy: defaults, layering and validation (all problems reported together)."""

import pytest

from aspects.policy import (
    CLOUDWATCH_RETENTION_DAYS,
    DEFAULT_REQUIRED_TAGS,
    GovernancePolicy,
    PolicyError,
    explicit_policy,
    load_policy,
    policy_from_mapping,
    resolve_policy,
)


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


# --- the policy file and the record in the document ----------------------------------------------------

POLICY_TOML = """
[tags]
required = ["CostCenter", "Team"]
defaults = { Team = "data" }

[logs]
allowed_retention_days = [7, 30]

[dynamodb]
min_pitr_recovery_days = 35

[rules]
FIN-004 = "warning"
FIN-005 = "off"
"""


def test_a_policy_file_sets_every_field(tmp_path):
    path = tmp_path / "governance.toml"
    path.write_text(POLICY_TOML)
    policy = load_policy(path)
    assert policy.tags == {"CostCenter": None, "Team": "data"}
    assert policy.allowed_log_retention_days == {7, 30}
    assert policy.min_pitr_recovery_days == 35
    assert policy.rules == {"FIN-004": "warning", "FIN-005": "off"}
    assert policy_from_mapping(policy.to_record(), "record") == policy  # the record round-trips


def test_a_bad_policy_file_names_every_field(tmp_path):
    path = tmp_path / "governance.toml"
    path.write_text(
        '[tags]\nrequired = []\ndefaults = { Owner = "" }\n[logs]\nallowed_retention_days = [7, 0, 8]\n'
        '[dynamodb]\nmin_pitr_recovery_days = 90\n[rules]\nFIN-999 = "error"\nFIN-004 = "loud"\n[extra]\n'
    )
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    message = str(error.value)
    assert message.startswith(f"{path}: invalid governance policy:")
    for part in (
        "[extra]: unknown section",
        "[tags] required: a non-empty list of tag keys",
        "[logs] allowed_retention_days[1]: 0 is not a retention CloudWatch Logs accepts",
        "[logs] allowed_retention_days[2]: 8 is not",
        "[dynamodb] min_pitr_recovery_days: an integer between 1 and 35, got 90",
        "[rules] FIN-999: unknown rule id",
        "[rules] FIN-004: level 'loud' is not one of error, warning, off",
    ):
        assert part in message, part


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "governance.toml"
    path.write_text("[tags\n")
    with pytest.raises(PolicyError, match=rf"^{path}: not valid TOML"):
        load_policy(path)


def test_resolution_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    recorded = {"governance": {"policy": GovernancePolicy(min_pitr_recovery_days=7).to_record()}}
    assert resolve_policy({}, None) == (GovernancePolicy(), "built-in defaults")
    (tmp_path / "governance.toml").write_text(POLICY_TOML)
    assert resolve_policy({}, None)[0].min_pitr_recovery_days == 35  # ./governance.toml
    assert resolve_policy(recorded, None)[0].min_pitr_recovery_days == 7  # the document's record wins over it
    explicit = explicit_policy(tmp_path / "governance.toml")
    assert resolve_policy(recorded, explicit)[0].min_pitr_recovery_days == 35  # an explicit policy wins
    monkeypatch.setenv("GOVERNANCE_POLICY", str(tmp_path / "governance.toml"))
    assert explicit_policy()[1] == f"policy file {tmp_path / 'governance.toml'}"


def test_rule_levels_change_what_fails():
    from aspects.document import evaluate_document

    document = {
        "resource": {"aws_lambda_function": {"f": {"function_name": "f"}}, "aws_lambda_layer_version": {"l": {}}}
    }
    default = evaluate_document(document)
    assert {(f.rule_id, f.level) for f in default.findings if f.rule_id in ("FIN-004", "FIN-005")} == {
        ("FIN-004", "error"),
        ("FIN-005", "error"),
    }
    relaxed = evaluate_document(document, GovernancePolicy(rules={"FIN-004": "warning", "FIN-005": "off"}))
    assert {(f.rule_id, f.level) for f in relaxed.findings if f.rule_id in ("FIN-004", "FIN-005")} == {
        ("FIN-004", "warning")
    }
    assert ("aws_lambda_layer_version.l", "FIN-005") not in relaxed.applicable
