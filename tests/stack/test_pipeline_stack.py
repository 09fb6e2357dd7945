"""The synthesized pipeline stack has every resource of the design with the stated settings."""

from __future__ import annotations

import json
import re
from typing import Any

from stack.constructs.iam import ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS
from stack.steps import NAMES
from tests.conftest import SynthesizedStack

REF = re.compile(r"^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$")
DATA_REF = re.compile(r"^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$")


def ref_name(value: str) -> str:
    match = REF.match(value)
    assert match, f"{value!r} is not a reference"
    return match.group(2)


def statements(stack: SynthesizedStack, policy_ref: str) -> list[dict[str, Any]]:
    match = DATA_REF.match(policy_ref)
    assert match, f"policy {policy_ref!r} is not a policy document reference"
    return stack.data("aws_iam_policy_document")[match.group(1)]["statement"]


def test_region_and_default_tags(dev_stack: SynthesizedStack) -> None:
    provider = dev_stack.document["provider"]["aws"][0]
    assert provider["region"] == "us-east-2"
    assert provider["default_tags"] == [
        {
            "tags": {
                "CostCenter": "FIN-DATA-001",
                "Environment": "dev",
                "ManagedBy": "cdktf",
                "Owner": "platform-team",
                "Project": "financial-data-pipeline",
            }
        }
    ]
    assert dev_stack.document["terraform"]["backend"] == {"local": {"path": "terraform.pipeline-dev.tfstate"}}


def test_raw_bucket(dev_stack: SynthesizedStack) -> None:
    name, bucket = dev_stack.one("aws_s3_bucket")
    assert bucket["bucket"] == "financial-data-pipeline-dev"
    assert bucket["force_destroy"] is True
    _, versioning = dev_stack.one("aws_s3_bucket_versioning")
    assert versioning["versioning_configuration"] == {"status": "Enabled"}
    _, pab = dev_stack.one("aws_s3_bucket_public_access_block")
    assert {
        k: pab[k] for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    } == dict.fromkeys(
        ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"), True
    )
    _, sse = dev_stack.one("aws_s3_bucket_server_side_encryption_configuration")
    rule = sse["rule"][0]
    assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    assert rule["apply_server_side_encryption_by_default"]["kms_master_key_id"].startswith("${aws_kms_key.")
    assert rule["bucket_key_enabled"] is True
    _, lifecycle = dev_stack.one("aws_s3_bucket_lifecycle_configuration")
    life, work = lifecycle["rule"]
    assert (work["id"], work["status"], work["filter"]) == (
        "expire-fanout-intermediates",
        "Enabled",
        [{"prefix": "work/"}],
    )
    assert work["expiration"] == [{"days": 1}] and work["noncurrent_version_expiration"] == [{"noncurrent_days": 1}]
    assert work["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 1}]
    assert life["status"] == "Enabled"
    assert life["transition"] == [{"days": 90, "storage_class": "GLACIER"}]
    assert life["expiration"] == [{"days": 2555}]
    assert life["noncurrent_version_expiration"] == [{"noncurrent_days": 30}]
    assert life["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]
    _, notification = dev_stack.one("aws_s3_bucket_notification")
    assert notification["eventbridge"] is True
    for resource in (versioning, pab, sse, lifecycle, notification):
        assert ref_name(resource["bucket"]) == name


def test_bucket_policy_denies_insecure_transport(dev_stack: SynthesizedStack) -> None:
    _, policy = dev_stack.one("aws_s3_bucket_policy")
    found = {s["sid"]: s for s in statements(dev_stack, policy["policy"])}
    tls = found["DenyInsecureTransport"]
    assert tls["effect"] == "Deny"
    assert tls["condition"] == [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]
    assert found["DenyOutdatedTls"]["condition"][0]["values"] == ["1.2"]


def test_eight_arm64_functions_built_alike(dev_stack: SynthesizedStack) -> None:
    functions = dev_stack.resources("aws_lambda_function")
    by_name = {f["function_name"]: f for f in functions.values()}
    assert sorted(by_name) == sorted(f"lambda-{s}-dev" for s in NAMES)
    log_groups = {g["name"] for g in dev_stack.resources("aws_cloudwatch_log_group").values()}
    layers = dev_stack.resources("aws_lambda_layer_version")
    by_layer_name = {layer["layer_name"]: name for name, layer in layers.items()}
    assert sorted(by_layer_name) == ["layer-common-dev", "layer-deps-dev"]
    for layer in layers.values():
        assert layer["compatible_architectures"] == ["arm64"]
        assert layer["compatible_runtimes"] == ["python3.12"]
    for name, fn in by_name.items():
        assert fn["architectures"] == ["arm64"], name
        assert fn["runtime"] == "python3.12"
        assert fn["handler"] == "app.handler"
        assert fn["tracing_config"] == {"mode": "Active"}
        assert fn["logging_config"]["log_format"] == "JSON"
        assert f"/aws/lambda/{name}" in log_groups
        assert fn["layers"] == [  # dependencies first, our code on top
            f"${{aws_lambda_layer_version.{by_layer_name[n]}.arn}}" for n in ("layer-deps-dev", "layer-common-dev")
        ]
        assert len(fn["vpc_config"]["subnet_ids"]) == 3
        assert len(fn["vpc_config"]["security_group_ids"]) == 1
        assert fn["dead_letter_config"]["target_arn"].startswith("${aws_sqs_queue.")
        assert fn["reserved_concurrent_executions"] == (
            30 if name in ("lambda-range-dev", "lambda-partition-dev") else 10
        )
        assert fn["kms_key_arn"].startswith("${aws_kms_key.")
        assert fn["filename"].startswith("assets/") and fn["filename"].endswith("archive.zip")
        assert fn["source_code_hash"]
        env = fn["environment"]["variables"]
        fanout = ["FANOUT_PARTITION_BYTES", "FANOUT_RANGE_BYTES"] if name == "lambda-plan-dev" else []
        assert sorted(env) == sorted([
            "ALERT_TOPIC_ARN",
            "DATA_BUCKET",
            "ENVIRONMENT_SUFFIX",
            "LOG_LEVEL",
            "SERVICE_NAME",
            "TABLE_NAME",
            *fanout,
        ])  # fmt: skip
        assert env["SERVICE_NAME"] == name.split("-")[1]
    sizing = {n: (f["timeout"], f["memory_size"], f["ephemeral_storage"]["size"]) for n, f in by_name.items()}
    assert sizing == {
        "lambda-ingest-dev": (60, 256, 512),
        "lambda-validate-dev": (900, 3538, 10240),  # two vCPUs; /tmp holds a 4 GB file and the engine's spill
        "lambda-transform-dev": (900, 3538, 10240),
        "lambda-load-dev": (300, 512, 512),
        "lambda-plan-dev": (120, 512, 512),
        "lambda-range-dev": (900, 3538, 2048),  # a 256 MiB range spooled, plus the engine's spill
        "lambda-partition-dev": (900, 3538, 10240),
        "lambda-merge-dev": (900, 1024, 512),
    }


def test_function_assets_are_packaged(dev_stack: SynthesizedStack) -> None:
    for fn in dev_stack.resources("aws_lambda_function").values():
        assert (dev_stack.stack_dir / fn["filename"]).is_file()
    (layer,) = [
        r for r in dev_stack.resources("aws_lambda_layer_version").values() if r["layer_name"] == "layer-common-dev"
    ]
    import zipfile

    with zipfile.ZipFile(dev_stack.stack_dir / layer["filename"]) as archive:
        names = archive.namelist()
    assert any(n.startswith("python/txn_pipeline/") for n in names), names[:10]
    assert not any("__pycache__" in n for n in names)
    assert not any(n.startswith("python/duckdb") for n in names)  # third-party code is in the dependency layer


def test_lambda_roles_are_least_privilege(dev_stack: SynthesizedStack) -> None:
    policies = {p["name"]: p for p in dev_stack.resources("aws_iam_role_policy").values()}
    writers = {"validate": ["quarantine/*"], "transform": ["curated/*"], "range": ["work/*"], "partition": ["work/*"],
               "merge": ["quarantine/*", "curated/*"]}  # fmt: skip
    for step in NAMES:
        found = statements(dev_stack, policies[f"lambda-{step}-dev-permissions"]["policy"])
        for statement in found:
            assert statement["effect"] == "Allow"
            assert all("*" not in action for action in statement["actions"]), statement
            if "*" in statement["resources"]:
                assert set(statement["actions"]) <= ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS, statement
        written = sorted(r.split("}/", 1)[1] for s in found if "s3:PutObject" in s["actions"] for r in s["resources"])
        assert written == sorted(writers.get(step, [])), step
        deletes = [r.split("}/", 1)[1] for s in found if "s3:DeleteObject" in s["actions"] for r in s["resources"]]
        assert deletes == (["work/*"] if step == "merge" else []), step


def test_metadata_table(dev_stack: SynthesizedStack) -> None:
    _, table = dev_stack.one("aws_dynamodb_table")
    assert table["name"] == "ddb-metadata-dev"
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["point_in_time_recovery"] == {"enabled": True, "recovery_period_in_days": 35}
    assert table["server_side_encryption"]["enabled"] is True
    assert table["ttl"] == {"attribute_name": "expires_at", "enabled": True}
    assert table["deletion_protection_enabled"] is False
    assert (table["hash_key"], table["range_key"]) == ("pk", "sk")


def test_state_machine(dev_stack: SynthesizedStack) -> None:
    _, machine = dev_stack.one("aws_sfn_state_machine")
    assert machine["name"] == "sfn-pipeline-dev"
    assert machine["type"] == "STANDARD"
    assert machine["tracing_configuration"] == {"enabled": True}
    assert machine["logging_configuration"]["level"] == "ALL"
    definition = json.loads(machine["definition"])
    states = definition["States"]
    chain, name = [], definition["StartAt"]
    while name:
        chain.append(name)
        name = states[name].get("Next") or states[name].get("Default")
    assert chain == ["DescribeJob", "Ingest", "Route", "Validate", "Transform", "Load"]
    (route,) = states["Route"]["Choices"]
    assert route["Next"] == "Plan"
    assert {"Variable": "$.size", "NumericGreaterThan": 2**30} in route["And"]  # FanOutSettings' default: 1 GiB
    chain, name = [], "Plan"
    while name:
        chain.append(name)
        name = states[name].get("Next")
    assert chain == ["Plan", "CheckRanges", "CheckPartitions", "Merge", "Load"]
    for name, items, inner in (("CheckRanges", "$.plan.ranges", "Range"),
                               ("CheckPartitions", "$.plan.partition_list", "Partition")):  # fmt: skip
        assert states[name]["Type"] == "Map" and states[name]["ItemsPath"] == items
        assert states[name]["MaxConcurrency"] == 10 and states[name]["ResultPath"] is None
        assert states[name]["Catch"][0]["Next"] == f"{name}Failed"
        assert states[f"{name}Failed"]["Next"] == "MarkJobFailed"
        assert list(states[name]["ItemProcessor"]["States"]) == [inner]
        throttled, transient = states[name]["ItemProcessor"]["States"][inner]["Retry"]
        assert throttled["ErrorEquals"] == ["Lambda.TooManyRequestsException"]  # waits longer for concurrency
        assert (throttled["MaxAttempts"], throttled["MaxDelaySeconds"], throttled["JitterStrategy"]) == (
            12,
            120,
            "FULL",
        )
        assert (
            "TransientError" in transient["ErrorEquals"]
            and "Catch" not in states[name]["ItemProcessor"]["States"][inner]
        )
    for step in ("Ingest", "Validate", "Transform", "Load", "Plan", "Merge"):
        throttled, retry = states[step]["Retry"]
        assert throttled["ErrorEquals"] == ["Lambda.TooManyRequestsException"] and throttled["MaxAttempts"] == 12
        assert retry["BackoffRate"] == 2.0 and retry["JitterStrategy"] == "FULL" and retry["MaxDelaySeconds"] == 30
        assert "TransientError" in retry["ErrorEquals"]
        assert states[step]["Catch"][0]["Next"] == f"{step}Failed"
        assert states[f"{step}Failed"]["Next"] == "MarkJobFailed"
    assert states["MarkJobFailed"]["Resource"] == "arn:aws:states:::dynamodb:updateItem"
    assert states["PublishAlert"]["Resource"] == "arn:aws:states:::sns:publish"


def test_trigger_starts_the_state_machine_for_raw_objects(dev_stack: SynthesizedStack) -> None:
    _, rule = dev_stack.one("aws_cloudwatch_event_rule")
    pattern = json.loads(rule["event_pattern"])
    assert pattern["detail"]["object"]["key"] == [{"prefix": "raw/"}]
    assert pattern["detail"]["bucket"]["name"] == ["financial-data-pipeline-dev"]
    _, target = dev_stack.one("aws_cloudwatch_event_target")
    machine_name, _ = dev_stack.one("aws_sfn_state_machine")
    assert target["arn"] == f"${{aws_sfn_state_machine.{machine_name}.arn}}"
    policies = {p["name"]: p for p in dev_stack.resources("aws_iam_role_policy").values()}
    (start,) = statements(dev_stack, policies["evr-raw-object-dev-permissions"]["policy"])
    assert start["actions"] == ["states:StartExecution"]
    assert start["resources"] == [f"${{aws_sfn_state_machine.{machine_name}.arn}}"]


def test_alerts_and_dlq(dev_stack: SynthesizedStack) -> None:
    _, topic = dev_stack.one("aws_sns_topic")
    assert topic["name"] == "sns-alerts-dev" and topic["kms_master_key_id"].startswith("${aws_kms_key.")
    assert dev_stack.resources("aws_sns_topic_subscription") == {}
    _, queue = dev_stack.one("aws_sqs_queue")
    assert queue["name"] == "sqs-dlq-dev"
    assert queue["message_retention_seconds"] == 14 * 24 * 3600
    assert queue["kms_master_key_id"].startswith("${aws_kms_key.")


def test_dashboard_and_alarms(dev_stack: SynthesizedStack) -> None:
    _, dashboard = dev_stack.one("aws_cloudwatch_dashboard")
    body = json.loads(dashboard["dashboard_body"])
    dimensions = {row[2] for w in body["widgets"] for row in w["properties"]["metrics"]}
    assert dimensions == {"FunctionName", "StateMachineArn", "TableName", "BucketName"}
    alarms = {a["alarm_name"]: a for a in dev_stack.resources("aws_cloudwatch_metric_alarm").values()}
    expected = {f"alarm-{s}-{m}-dev" for s in NAMES for m in ("errors", "throttles")} | {
        "alarm-executions-failed-dev",
        "alarm-dlq-depth-dev",
    }
    assert set(alarms) == expected
    for alarm in alarms.values():
        assert alarm["alarm_actions"] == [alarm["alarm_actions"][0]]
        assert alarm["alarm_actions"][0].startswith("${aws_sns_topic.")


def test_private_network_without_nat(dev_stack: SynthesizedStack) -> None:
    _, vpc = dev_stack.one("aws_vpc")
    assert vpc["cidr_block"] == "10.0.0.0/16"
    subnets = dev_stack.resources("aws_subnet").values()
    assert sorted(s["availability_zone"] for s in subnets) == ["us-east-2a", "us-east-2b", "us-east-2c"]
    assert all(s["map_public_ip_on_launch"] is False for s in subnets)
    for forbidden in (
        "aws_nat_gateway",
        "aws_internet_gateway",
        "aws_egress_only_internet_gateway",
        "aws_route",
        "aws_instance",
        "aws_eip",
    ):
        assert dev_stack.resources(forbidden) == {}, forbidden
    _, table = dev_stack.one("aws_route_table")
    assert "route" not in table or table["route"] == []
    endpoints = {e["service_name"]: e for e in dev_stack.resources("aws_vpc_endpoint").values()}
    assert sorted(endpoints) == ["com.amazonaws.us-east-2.dynamodb", "com.amazonaws.us-east-2.s3"]
    assert all(e["vpc_endpoint_type"] == "Gateway" for e in endpoints.values())
    egress = list(dev_stack.resources("aws_vpc_security_group_egress_rule").values())
    assert [(r["from_port"], r["to_port"], r["ip_protocol"]) for r in egress] == [(443, 443, "tcp")] * 2
    assert all("prefix_list_id" in r and "cidr_ipv4" not in r for r in egress)


def test_ssm_exports_and_outputs(dev_stack: SynthesizedStack) -> None:
    params = {p["name"]: p for p in dev_stack.resources("aws_ssm_parameter").values()}
    names = ("bucket-name", "table-name", "state-machine-arn", "vpc-id", "alert-topic-arn", "private-subnet-ids",
             "athena-workgroup", "glue-database", "curated-table", "curated-readers-policy-arn")  # fmt: skip
    assert sorted(params) == sorted(f"/pipeline/dev/{n}" for n in names)
    assert params["/pipeline/dev/private-subnet-ids"]["type"] == "StringList"
    assert sorted(dev_stack.document["output"]) == sorted(n.replace("-", "_") for n in names)


def test_every_name_carries_the_suffix(dev_stack: SynthesizedStack, prod_stack: SynthesizedStack) -> None:
    for stack in (dev_stack, prod_stack):
        for rtype, items in stack.document["resource"].items():
            for address, config in items.items():
                for key in ("name", "function_name", "bucket", "layer_name", "alarm_name", "dashboard_name"):
                    value = config.get(key)
                    if isinstance(value, str) and not value.startswith("${"):
                        assert stack.suffix in value, f"{rtype}.{address}.{key}={value!r}"
    _, prod_bucket = prod_stack.one("aws_s3_bucket")
    assert prod_bucket["bucket"] == "financial-data-pipeline-prod"


def test_nothing_blocks_destroy(dev_stack: SynthesizedStack) -> None:
    for rtype, items in dev_stack.document["resource"].items():
        for address, config in items.items():
            assert not config.get("lifecycle", {}).get("prevent_destroy"), f"{rtype}.{address}"
            assert not config.get("skip_destroy"), f"{rtype}.{address}"
            assert not config.get("deletion_protection_enabled"), f"{rtype}.{address}"
