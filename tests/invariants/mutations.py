"""One violation per invariant: an edit of a deep copy of the synthesized document that must make it fail.

An invariant no mutation can make fail is a defect (it checks nothing). Each entry names the
invariant it targets, what it does, and the other invariants that legitimately fail with it
(``also``); the harness asserts the set of failing invariants is exactly ``{id} | also``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

Document = MutableMapping[str, Any]


@dataclass(frozen=True)
class Mutation:
    description: str
    apply: Callable[[Document, str], None]  # (document, suffix) -> None, edits in place
    also: frozenset[str] = field(default_factory=frozenset)


# ---------------------------------------------------------------------------------------- helpers


def resource(doc: Document, rtype: str, construct: str | None = None) -> dict[str, Any]:
    """The resource of ``rtype`` whose construct path ends with ``construct`` (default: the first by name)."""
    items = doc["resource"][rtype]
    for name in sorted(items):
        if construct is None or items[name]["//"]["metadata"]["path"].endswith(f"/{construct}"):
            return items[name]
    raise KeyError(f"no {rtype} at */{construct}")


def statement(doc: Document, construct: str, sid: str) -> dict[str, Any]:
    """A statement of the policy document whose construct path ends with ``construct``."""
    for body in doc["data"]["aws_iam_policy_document"].values():
        if body["//"]["metadata"]["path"].endswith(f"/{construct}"):
            return next(st for st in body["statement"] if st.get("sid") == sid)
    raise KeyError(f"no policy document at */{construct}")


def add(doc: Document, rtype: str, name: str, suffix: str, body: dict[str, Any]) -> None:
    meta = {"//": {"metadata": {"path": f"pipeline-{suffix}/injected/{name}", "uniqueId": name}}}
    doc["resource"].setdefault(rtype, {})[name] = {**meta, **body}


def edit_definition(doc: Document, edit: Callable[[dict[str, Any]], None]) -> None:
    machine = resource(doc, "aws_sfn_state_machine")
    definition = json.loads(machine["definition"])
    edit(definition["States"])
    machine["definition"] = json.dumps(definition, indent=2, sort_keys=True)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for key in parents:
            body = body[key][0] if isinstance(body[key], list) else body[key]
        body[last] = value

    return edit


def on(rtype: str, construct: str | None, edit: Callable[[dict[str, Any]], None]) -> Callable[[Document, str], None]:
    return lambda doc, suffix: edit(resource(doc, rtype, construct))


def _swap_validate_and_transform(states: dict[str, Any]) -> None:
    states["Route"]["Default"], states["Transform"]["Next"], states["Validate"]["Next"] = (
        "Transform",
        "Validate",
        "Load",
    )


def _del(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda body: body.pop(key)


def _remove_tls_statement(doc: Document, suffix: str) -> None:
    for body in doc["data"]["aws_iam_policy_document"].values():
        if body["//"]["metadata"]["path"].endswith("/bucket_tls_only"):
            body["statement"] = [st for st in body["statement"] if st["sid"] != "DenyInsecureTransport"]


def _inline_flow_log_policy(doc: Document, suffix: str) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}],
    }
    resource(doc, "aws_iam_role_policy", "flow_log_policy")["policy"] = json.dumps(policy)


def _drop_last_subnet(body: dict[str, Any]) -> None:
    body["vpc_config"]["subnet_ids"] = body["vpc_config"]["subnet_ids"][:-1]


def _same_zone_twice(doc: Document, suffix: str) -> None:
    subnets = [doc["resource"]["aws_subnet"][name] for name in sorted(doc["resource"]["aws_subnet"])]
    subnets[2]["availability_zone"] = subnets[0]["availability_zone"]


def _without(rtype: str, construct: str) -> Callable[[Document, str], None]:
    def apply(doc: Document, suffix: str) -> None:
        items = doc["resource"][rtype]
        (name,) = [n for n, body in items.items() if body["//"]["metadata"]["path"].endswith(f"/{construct}")]
        del items[name]

    return apply


# -------------------------------------------------------------------------------------- mutations

FN = "aws_lambda_function"
TABLE = "aws_dynamodb_table"

MUTATIONS: dict[str, Mutation] = {
    "PROVIDER-REGION": Mutation(
        "provider region us-east-1", lambda doc, s: doc["provider"]["aws"][0].update(region="us-east-1")
    ),
    "LAMBDA-ARM64": Mutation(
        "ingest function on x86_64", on(FN, "ingest_fn/function", _set("architectures", ["x86_64"]))
    ),
    "LAMBDA-LOG-GROUP": Mutation(
        "ingest function logs to an undeclared group",
        on(FN, "ingest_fn/function", _set("logging_config.log_group", "/aws/lambda/somewhere-else")),
    ),
    "LAMBDA-TIMEOUT": Mutation("load function without timeout", on(FN, "load_fn/function", _del("timeout"))),
    "LAMBDA-MEMORY": Mutation("load function without memory_size", on(FN, "load_fn/function", _del("memory_size"))),
    "LAMBDA-TRACING": Mutation(
        "validate function tracing PassThrough",
        on(FN, "validate_fn/function", _set("tracing_config.mode", "PassThrough")),
    ),
    "LAMBDA-PRIVATE-SUBNETS": Mutation(
        "transform function in two subnets only", on(FN, "transform_fn/function", _drop_last_subnet)
    ),
    "LOGS-RETENTION": Mutation(
        "flow-log group never expires",
        on("aws_cloudwatch_log_group", "network/flow_log_group", _set("retention_in_days", 0)),
    ),
    "DDB-ON-DEMAND": Mutation("table provisioned", on(TABLE, None, _set("billing_mode", "PROVISIONED"))),
    "DDB-PITR": Mutation(
        "PITR kept 7 days", on(TABLE, None, _set("point_in_time_recovery.recovery_period_in_days", 7))
    ),
    "DDB-SSE": Mutation("table without SSE", on(TABLE, None, _set("server_side_encryption", {"enabled": False}))),
    "IAM-POLICY-DOCUMENTS": Mutation("flow-log role policy as an inline JSON string", _inline_flow_log_policy),
    "IAM-NO-WILDCARD-ACTION": Mutation(
        "state machine role may call lambda:*",
        lambda doc, s: statement(doc, "workflow/permissions", "InvokeSteps").update(actions=["lambda:*"]),
    ),
    "IAM-LAMBDA-EXACT-RESOURCES": Mutation(
        "ingest role writes any DynamoDB table",
        lambda doc, s: statement(doc, "ingest_fn/permissions", "RegisterJob").update(resources=["*"]),
    ),
    "IAM-TRUST-SOURCE-ACCOUNT": Mutation(
        "state machine trust without aws:SourceAccount",
        lambda doc, s: statement(doc, "workflow/trust", "AssumeFromService").pop("condition"),
    ),
    "TAGS-FINOPS": Mutation(
        "DLQ overrides Owner with an empty value", on("aws_sqs_queue", None, _set("tags", {"Owner": " "}))
    ),
    "TAGS-ENVIRONMENT": Mutation(
        "alert topic tagged Environment=staging", on("aws_sns_topic", None, _set("tags", {"Environment": "staging"}))
    ),
    "NAME-SUFFIX": Mutation("alert topic named without suffix", on("aws_sns_topic", None, _set("name", "sns-alerts"))),
    "S3-RAW-BUCKET-NAME": Mutation(
        "raw bucket renamed",
        lambda doc, s: resource(doc, "aws_s3_bucket").update(bucket=f"transactions-{s}"),
        # the raw-bucket lifecycle rules then find no raw bucket to hold on: they fail too
        also=frozenset({"S3-GLACIER-90", "S3-EXPIRE-2555", "S3-ABORT-MULTIPART"}),
    ),
    "S3-VERSIONING": Mutation(
        "versioning suspended",
        on("aws_s3_bucket_versioning", None, _set("versioning_configuration.status", "Suspended")),
    ),
    "S3-PUBLIC-ACCESS-BLOCK": Mutation(
        "restrict_public_buckets off",
        on("aws_s3_bucket_public_access_block", None, _set("restrict_public_buckets", False)),
    ),
    "S3-SSE-KMS": Mutation(
        "SSE-S3 instead of SSE-KMS",
        on(
            "aws_s3_bucket_server_side_encryption_configuration",
            None,
            _set("rule.apply_server_side_encryption_by_default.sse_algorithm", "AES256"),
        ),
    ),
    "S3-TLS-ONLY": Mutation("bucket policy without DenyInsecureTransport", _remove_tls_statement),
    "S3-GLACIER-90": Mutation(
        "Glacier after 180 days",
        on(
            "aws_s3_bucket_lifecycle_configuration",
            None,
            _set("rule.transition", [{"days": 180, "storage_class": "GLACIER"}]),
        ),
    ),
    "S3-EXPIRE-2555": Mutation(
        "expire after 365 days",
        on("aws_s3_bucket_lifecycle_configuration", None, _set("rule.expiration", [{"days": 365}])),
    ),
    "S3-ABORT-MULTIPART": Mutation(
        "no multipart abort",
        on(
            "aws_s3_bucket_lifecycle_configuration",
            None,
            lambda b: b["rule"][0].pop("abort_incomplete_multipart_upload"),
        ),
    ),
    "SFN-STEP-ORDER": Mutation(
        "Transform runs before Validate", lambda doc, s: edit_definition(doc, _swap_validate_and_transform)
    ),
    "SFN-TASK-RETRY": Mutation(
        "the Task inside the Map over the ranges retries without backoff",
        lambda doc, s: edit_definition(
            doc, lambda st: st["CheckRanges"]["ItemProcessor"]["States"]["Range"]["Retry"][0].update(BackoffRate=1)
        ),
    ),
    "SFN-FANOUT-PATH": Mutation(
        "the Map over the ranges runs without MaxConcurrency",
        lambda doc, s: edit_definition(doc, lambda st: st["CheckRanges"].pop("MaxConcurrency")),
    ),
    "SFN-TASK-CATCH": Mutation(
        "Validate has no Catch", lambda doc, s: edit_definition(doc, lambda st: st["Validate"].pop("Catch"))
    ),
    "SFN-FAILED-ONCE": Mutation(
        "a failed partition check alerts without marking the job FAILED",
        lambda doc, s: edit_definition(doc, lambda st: st["CheckPartitions"]["Catch"][0].update(Next="BuildAlert")),
    ),
    "NET-PRIVATE-SUBNETS": Mutation(
        "first subnet maps public IPs",
        on("aws_subnet", "network/private_0", _set("map_public_ip_on_launch", True)),
        # the functions then run in a subnet that is no longer private
        also=frozenset({"LAMBDA-PRIVATE-SUBNETS"}),
    ),
    "NET-DISTINCT-AZS": Mutation("two subnets in one zone", _same_zone_twice),
    "NET-NO-NAT-GATEWAY": Mutation(
        "a NAT gateway appears",
        lambda doc, s: add(doc, "aws_nat_gateway", "nat", s, {"allocation_id": "eipalloc-0", "subnet_id": "subnet-0"}),
    ),
    "NET-NO-NAT-INSTANCE": Mutation(
        "a forwarding instance appears",
        lambda doc, s: add(doc, "aws_instance", "nat_box", s, {"ami": "ami-0", "source_dest_check": False}),
    ),
    "NET-NO-INTERNET-GATEWAY": Mutation(
        "an internet gateway appears",
        lambda doc, s: add(doc, "aws_internet_gateway", "igw", s, {"vpc_id": "vpc-0"}),
    ),
    "NET-NO-INTERNET-ROUTE": Mutation(
        "default route through an ENI (NAT instance) on the private route table",
        on("aws_route_table", None, _set("route", [{"cidr_block": "0.0.0.0/0", "network_interface_id": "eni-0"}])),
    ),
    "NET-S3-ENDPOINT": Mutation(
        "S3 endpoint of type Interface",
        on("aws_vpc_endpoint", "network/s3_endpoint", _set("vpc_endpoint_type", "Interface")),
    ),
    "NET-DYNAMODB-ENDPOINT": Mutation(
        "DynamoDB endpoint removed", _without("aws_vpc_endpoint", "network/dynamodb_endpoint")
    ),
    "SSM-EXPORTS": Mutation("vpc-id export removed", _without("aws_ssm_parameter", "exports/vpc_id")),
    "SSM-PREFIX": Mutation(
        "a parameter outside /pipeline/<suffix>/",
        lambda doc, s: add(
            doc, "aws_ssm_parameter", "stray", s, {"name": f"/shared/{s}/stray", "type": "String", "value": "x"}
        ),
    ),
    "DESTROY-NOTHING-BLOCKS": Mutation(
        "table deletion protection on", on(TABLE, None, _set("deletion_protection_enabled", True))
    ),
}
