"""Every kept list the rules depend on matches its source; unreviewed candidates stop the generators."""

from __future__ import annotations

import json

import pytest

from aspects.data import (
    DESTROY_PROTECTION_FILE,
    MANAGED_POLICIES_FILE,
    POLICY_LOCATIONS_FILE,
    managed_policies,
    service_log_groups,
)
from aspects.data import generate_destroy_protection as destroy
from aspects.data import generate_managed_policies as managed
from aspects.data import generate_policy_locations as locations
from aspects.data.schema import arguments, resource_schemas
from tests.aspects.data.conftest import excerpt


def test_policy_locations_match_the_provider_schema(schema):
    assert POLICY_LOCATIONS_FILE.read_text() == locations.render(schema), (
        "run python -m aspects.data.generate_policy_locations"
    )


def test_destroy_protection_matches_the_provider_schema(schema):
    assert DESTROY_PROTECTION_FILE.read_text() == destroy.render(schema), (
        "run python -m aspects.data.generate_destroy_protection"
    )


def test_managed_policies_match_the_moto_snapshot():
    assert MANAGED_POLICIES_FILE.read_text() == managed.render_from_moto(), (
        "run python -m aspects.data.generate_managed_policies"
    )


def test_an_unreviewed_policy_location_stops_the_generator():
    schema = excerpt({"aws_new_thing": {"attributes": {"grant_policy": {"type": "string", "optional": True}}}})
    with pytest.raises(ValueError, match="unclassified aws_new_thing:grant_policy"):
        locations.locations(schema)


def test_an_unreviewed_destroy_argument_stops_the_generator():
    schema = excerpt({"aws_new_db": {"attributes": {"disable_api_stop": {"type": "bool", "optional": True}}}})
    schema["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["resource_schemas"]["aws_new_db"]["block"][
        "attributes"
    ]["termination_protection_enabled"] = {"type": "bool", "optional": True}
    with pytest.raises(ValueError, match="review the destroy-protection candidates"):
        destroy.table(schema)  # the reviewed per-location entries are missing from this excerpt


def test_managed_policy_snapshot_keeps_only_broad_statements():
    kept = managed.broad_statements(
        {"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"]},
            {"Effect": "Deny", "Action": "*"},
            {"Effect": "Allow", "NotAction": "iam:*"},
            {"Effect": "Allow", "Action": "logs:PutLogEvents"},
        ]}
    )  # fmt: skip
    assert kept == [{"Effect": "Allow", "Action": ["s3:List*"]}, {"Effect": "Allow", "NotAction": "iam:*"}]
    snapshot = managed_policies()
    assert snapshot.snapshot_date >= "2026-01-01" and "moto" in snapshot.source
    assert snapshot.by_name["AWSLambdaBasicExecutionRole"].statements == ()  # known and clean
    assert snapshot.by_name["AdministratorAccess"].statements[0]["Action"] == ["*"]


def test_every_service_log_group_entry_names_real_arguments(schema):
    resources = resource_schemas(schema)
    for entry in (*service_log_groups.NAMED, *service_log_groups.DESTINATIONS):
        paths = {".".join(p[:n]) for p, _ in arguments(resources[entry.type]["block"]) for n in range(1, len(p) + 1)}
        for path in filter(None, (entry.trigger, getattr(entry, "destination", None))):
            assert path in paths, f"{entry.type}.{path}"
        for field in (f for f in getattr(entry, "name", "").replace("}", "{").split("{")[1::2] if f != "item"):
            assert field in resources[entry.type]["block"]["attributes"], f"{entry.type}.{field}"
    assert service_log_groups.ECS_TASK_DEFINITION in resources and service_log_groups.CODEBUILD_PROJECT in resources


def test_reviewed_tables_say_why():
    excluded = json.loads(DESTROY_PROTECTION_FILE.read_text())["excluded"]
    assert "COMPLIANCE" in excluded["aws_s3_object:force_destroy"]
    assert all(len(reason) > 20 for reason in excluded.values())
