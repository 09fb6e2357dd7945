"""What the synthesized pipeline stack guarantees, as data.

Each entry: an id, an area, one line saying what must hold, the jsonpath of the nodes it is about,
optionally which of those it applies to (``where``) and how many there must be (``count``; default:
at least one, so a rule never passes by selecting nothing), the check, and the expected value.
``<suffix>`` and ``<region>`` stand for the stack's environment suffix and target region.

Checks are pure functions in ``checks.py``; the engine (``engine.py``) evaluates an entry on a
document; ``mutations.py`` holds, per entry, one edit of the document that must make it fail.
``docs/invariants.md`` renders this table (``python -m tests.invariants.docs``).
"""

from __future__ import annotations

from aspects.data import policy_locations, taggable_resource_types
from stack.config import FanOutSettings
from stack.constructs.iam import ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS
from stack.steps import FANOUT, SINGLE_PATH

from .checks import (
    absent_or,
    all_of,
    attribute,
    attribute_matches_context,
    distinct_zones,
    environment_tag,
    equals,
    exact_resources,
    failure_marked_once,
    fanout_path,
    gateway_on_private_route_tables,
    governed,
    happy_path,
    in_every_private_subnet,
    int_between,
    is_true,
    lifecycle_rule,
    names_carry_suffix,
    no_internet_route,
    not_true,
    of_types,
    parameters_named,
    policy_attributes,
    public_access_blocked,
    service_endpoint,
    source_account_trust,
    sse_kms,
    task_catches,
    task_retries,
    tls_only_policy,
    under_prefix,
    versioning_enabled,
    where_attribute,
)
from .engine import ANY, NONE, Context, Invariant, anything, exactly

DEFAULT_REGION = "us-east-2"
REQUIRED_TAGS = ("CostCenter", "Environment", "Owner", "Project", "ManagedBy")
RAW_BUCKET = "financial-data-pipeline-<suffix>"
#: the states invoking each step's function (the table of steps)
PIPELINE_STEPS = tuple(step.state for step in SINGLE_PATH)
FANOUT_TASKS = tuple(step.state for step in FANOUT if step.map_state is None)
FANOUT_MAPS = tuple(step.state for step in FANOUT if step.map_state is not None)
FANOUT_MAX_CONCURRENCY = FanOutSettings().max_concurrency
EXPORTS = ("bucket-name", "table-name", "state-machine-arn", "vpc-id", "alert-topic-arn", "private-subnet-ids")
#: Attributes that name a resource; ``bucket`` only names an aws_s3_bucket (elsewhere it refers to one).
NAME_ATTRIBUTES = ("name", "name_prefix", "function_name", "layer_name", "alarm_name", "dashboard_name", "tags.Name")
NAME_ATTRIBUTES_BY_TYPE = {"aws_s3_bucket": ("bucket", "bucket_prefix")}
INTERNET_GATEWAYS = ("aws_internet_gateway", "aws_egress_only_internet_gateway", "aws_internet_gateway_attachment")
ROUTES = ("aws_route", "aws_route_table", "aws_default_route_table")
#: Every attribute where a policy document can live (the provider schema's list), plus the roles' trust
#: policies: this stack builds those as policy documents too, so IAM-TRUST-SOURCE-ACCOUNT can read them.
POLICY_ATTRIBUTES = {
    **policy_locations().documents,
    "aws_iam_role": (*policy_locations().documents["aws_iam_role"], "assume_role_policy"),
}

FUNCTIONS = "$.resource.aws_lambda_function.*"
BUCKETS = "$.resource.aws_s3_bucket.*"
STATE_MACHINES = "$.resource.aws_sfn_state_machine.*"
EVERY_RESOURCE = "$.resource.*.*"
EVERY_BLOCK = "$['resource','data'].*.*"


def _raw_bucket(value: object, ctx: Context) -> bool:
    return value == RAW_BUCKET.replace("<suffix>", ctx.suffix)


RAW = where_attribute("bucket", _raw_bucket)

INVARIANTS: tuple[Invariant, ...] = (
    # ------------------------------------------------------------------------------------ Provider
    Invariant(
        id="PROVIDER-REGION",
        area="Provider",
        description="The AWS provider targets us-east-2 unless AWS_REGION says otherwise.",
        select="$.provider.aws[*]",
        check=attribute_matches_context("region", "region"),
        expected=f"region == <region> ({DEFAULT_REGION} unless the synth ran with AWS_REGION)",
    ),
    # -------------------------------------------------------------------------------------- Lambda
    Invariant(
        id="LAMBDA-ARM64",
        area="Lambda",
        description="Every Lambda function runs on arm64 (Graviton).",
        select=FUNCTIONS,
        check=governed("FIN-004"),
        expected='no FIN-004 finding: architectures == ["arm64"]',
    ),
    Invariant(
        id="LAMBDA-LOG-GROUP",
        area="Lambda",
        description="Every Lambda function logs to a log group the stack declares (with retention).",
        select=FUNCTIONS,
        check=governed("FIN-007"),
        expected="no FIN-007 finding: logging_config.log_group refers to a declared aws_cloudwatch_log_group",
    ),
    Invariant(
        id="LAMBDA-TIMEOUT",
        area="Lambda",
        description="Every Lambda function sets an explicit timeout within Lambda's limit.",
        select=FUNCTIONS,
        check=attribute("timeout", int_between(1, 900)),
        expected="timeout is an integer in 1..900 seconds",
    ),
    Invariant(
        id="LAMBDA-MEMORY",
        area="Lambda",
        description="Every Lambda function sets an explicit memory size.",
        select=FUNCTIONS,
        check=attribute("memory_size", int_between(128, 10240)),
        expected="memory_size is an integer in 128..10240 MB",
    ),
    Invariant(
        id="LAMBDA-TRACING",
        area="Lambda",
        description="Every Lambda function has X-Ray tracing Active.",
        select=FUNCTIONS,
        check=attribute("tracing_config.mode", equals("Active")),
        expected='tracing_config.mode == "Active"',
    ),
    Invariant(
        id="LAMBDA-PRIVATE-SUBNETS",
        area="Lambda",
        description="Every Lambda function runs in all three private subnets, with a security group.",
        select=FUNCTIONS,
        check=in_every_private_subnet,
        expected="vpc_config.subnet_ids == the 3 private aws_subnet resources; a security group",
    ),
    # ---------------------------------------------------------------------------------------- Logs
    Invariant(
        id="LOGS-RETENTION",
        area="Logs",
        description="Every log group expires its events after a positive retention CloudWatch accepts.",
        select="$.resource.aws_cloudwatch_log_group.*",
        check=governed("FIN-006"),
        expected="no FIN-006 finding: retention_in_days is one the governance policy allows",
    ),
    # ------------------------------------------------------------------------------------ DynamoDB
    Invariant(
        id="DDB-ON-DEMAND",
        area="DynamoDB",
        description="Every DynamoDB table bills on demand.",
        select="$.resource.aws_dynamodb_table.*",
        check=attribute("billing_mode", equals("PAY_PER_REQUEST")),
        expected='billing_mode == "PAY_PER_REQUEST"',
    ),
    Invariant(
        id="DDB-PITR",
        area="DynamoDB",
        description="Every DynamoDB table has point-in-time recovery over the policy's 35 days.",
        select="$.resource.aws_dynamodb_table.*",
        check=governed("FIN-008"),
        expected="no FIN-008 finding: point_in_time_recovery on, recovery_period_in_days >= 35 (governance.toml)",
    ),
    Invariant(
        id="DDB-SSE",
        area="DynamoDB",
        description="Every DynamoDB table is encrypted at rest with the stack's KMS key.",
        select="$.resource.aws_dynamodb_table.*",
        check=all_of(
            attribute("server_side_encryption.enabled", is_true),
            attribute("server_side_encryption.kms_key_arn", lambda v: str(v).startswith("${aws_kms_key.")),
        ),
        expected="server_side_encryption.enabled == true with kms_key_arn = a declared aws_kms_key",
    ),
    # ----------------------------------------------------------------------------------------- IAM
    Invariant(
        id="IAM-POLICY-DOCUMENTS",
        area="IAM",
        description="Every policy is a data.aws_iam_policy_document, so these rules see every statement.",
        select=EVERY_RESOURCE,
        where=of_types(POLICY_ATTRIBUTES),
        check=policy_attributes(POLICY_ATTRIBUTES),
        expected="${data.aws_iam_policy_document.<name>.json} of a declared document",
    ),
    Invariant(
        id="IAM-NO-WILDCARD-ACTION",
        area="IAM",
        description="No grant anywhere allows a wildcard action (or uses NotAction), managed policies included.",
        select=EVERY_BLOCK,
        count=ANY,
        check=governed("FIN-002"),
        expected="no FIN-002 finding: explicit actions without '*'; no not_actions; no broad managed policy",
    ),
    Invariant(
        id="IAM-LAMBDA-EXACT-RESOURCES",
        area="IAM",
        description="Every Lambda role's statements name exact resources; '*' only for actions AWS cannot scope.",
        select=FUNCTIONS,
        check=exact_resources(ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS),
        expected=(
            "resources are declared resources' ARNs (no bare '*'); '*' only for "
            "stack.constructs.iam.ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS; no managed policies"
        ),
    ),
    Invariant(
        id="IAM-TRUST-SOURCE-ACCOUNT",
        area="IAM",
        description="Every role a service assumes is limited to this account (confused deputy).",
        select="$.resource.aws_iam_role.*",
        check=source_account_trust,
        expected="each Service principal statement has StringEquals aws:SourceAccount",
    ),
    # ---------------------------------------------------------------------------------------- Tags
    Invariant(
        id="TAGS-FINOPS",
        area="Tags",
        description="Every taggable resource carries every FinOps tag (provider default_tags merged).",
        select=EVERY_RESOURCE,
        where=of_types(taggable_resource_types()),
        check=governed("FIN-001"),
        expected=f"no FIN-001 finding: non-empty {', '.join(REQUIRED_TAGS)} in the tags each resource really gets",
    ),
    Invariant(
        id="TAGS-ENVIRONMENT",
        area="Tags",
        description="Every taggable resource's Environment tag is the environment suffix.",
        select=EVERY_RESOURCE,
        where=of_types(taggable_resource_types()),
        check=environment_tag,
        expected="Environment == <suffix>",
    ),
    # -------------------------------------------------------------------------------------- Naming
    Invariant(
        id="NAME-SUFFIX",
        area="Naming",
        description="Every resource name that has one carries the environment suffix.",
        select=EVERY_RESOURCE,
        check=names_carry_suffix(NAME_ATTRIBUTES, NAME_ATTRIBUTES_BY_TYPE),
        expected="each literal name contains '<suffix>' as a whole token (e.g. lambda-ingest-<suffix>)",
    ),
    # ------------------------------------------------------------------------------ S3 raw bucket
    Invariant(
        id="S3-RAW-BUCKET-NAME",
        area="S3",
        description="The raw bucket keeps its first-release name (consumers read it).",
        select=BUCKETS,
        where=RAW,
        count=exactly(1),
        check=anything,
        expected=f"one aws_s3_bucket with bucket == {RAW_BUCKET}",
    ),
    Invariant(
        id="S3-VERSIONING",
        area="S3",
        description="Every bucket is versioned.",
        select=BUCKETS,
        check=versioning_enabled(),
        expected='one aws_s3_bucket_versioning with status "Enabled"',
    ),
    Invariant(
        id="S3-PUBLIC-ACCESS-BLOCK",
        area="S3",
        description="Every bucket blocks all four kinds of public access.",
        select=BUCKETS,
        check=public_access_blocked(),
        expected="block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets all true",
    ),
    Invariant(
        id="S3-SSE-KMS",
        area="S3",
        description="Every bucket encrypts by default with the stack's KMS key.",
        select=BUCKETS,
        check=sse_kms(),
        expected='sse_algorithm "aws:kms" with kms_master_key_id = a declared aws_kms_key',
    ),
    Invariant(
        id="S3-TLS-ONLY",
        area="S3",
        description="Every bucket's policy denies any request not sent over TLS.",
        select=BUCKETS,
        check=tls_only_policy(),
        expected="a Deny of s3:* on the bucket and its objects to * when aws:SecureTransport is false",
    ),
    Invariant(
        id="S3-GLACIER-90",
        area="S3",
        description="Raw bucket objects move to Glacier after 90 days.",
        select=BUCKETS,
        where=RAW,
        check=lifecycle_rule("transition", days=90, storage_class="GLACIER"),
        expected="an enabled whole-bucket rule with transition {days: 90, storage_class: GLACIER}",
    ),
    Invariant(
        id="S3-EXPIRE-2555",
        area="S3",
        description="Raw bucket objects expire after 2555 days (7-year record keeping).",
        select=BUCKETS,
        where=RAW,
        check=lifecycle_rule("expiration", days=2555),
        expected="an enabled whole-bucket rule with expiration days == 2555",
    ),
    Invariant(
        id="S3-ABORT-MULTIPART",
        area="S3",
        description="Raw bucket aborts incomplete multipart uploads.",
        select=BUCKETS,
        where=RAW,
        check=lifecycle_rule("abort_incomplete_multipart_upload", days_after_initiation=int_between(1, 365)),
        expected="an enabled whole-bucket rule with abort_incomplete_multipart_upload days_after_initiation >= 1",
    ),
    # ------------------------------------------------------------------------------ Step Functions
    Invariant(
        id="SFN-STEP-ORDER",
        area="Step Functions",
        description=f"The state machine runs {' -> '.join(PIPELINE_STEPS)}, one Lambda each.",
        select=STATE_MACHINES,
        check=happy_path(PIPELINE_STEPS),
        expected=(
            f"Tasks along Next (a Choice's Default) from StartAt: {', '.join(PIPELINE_STEPS)}, End; each invokes "
            "its function"
        ),
    ),
    Invariant(
        id="SFN-FANOUT-PATH",
        area="Step Functions",
        description="Large objects go Plan -> a Map over the ranges -> a Map over the partitions -> Merge -> Load.",
        select=STATE_MACHINES,
        check=fanout_path(
            tasks=FANOUT_TASKS, maps=FANOUT_MAPS, then=PIPELINE_STEPS[-1], max_concurrency=FANOUT_MAX_CONCURRENCY
        ),
        expected=(
            "a Choice on the main path -> Task(plan) -> Map -> Map -> Task(merge) -> Load; each Map: ItemsPath in the "
            f"state input (no ItemReader), one Task invoking its function, MaxConcurrency == {FANOUT_MAX_CONCURRENCY}"
        ),
    ),
    Invariant(
        id="SFN-TASK-RETRY",
        area="Step Functions",
        description="Every Task retries with exponential backoff, a delay cap and full jitter.",
        select=STATE_MACHINES,
        check=task_retries(jitter="FULL"),
        expected='every Retry entry: BackoffRate > 1, MaxDelaySeconds > 0, JitterStrategy "FULL"',
    ),
    Invariant(
        id="SFN-TASK-CATCH",
        area="Step Functions",
        description="Every Task and Map, failure path included, catches every error on a path ending in a Fail state.",
        select=STATE_MACHINES,
        check=task_catches,
        expected="a Catch on States.ALL whose Next leads to a Fail state",
    ),
    Invariant(
        id="SFN-FAILED-ONCE",
        area="Step Functions",
        description="Every failure of a Lambda Task or Map marks the job FAILED once: one alert, none for a repeat.",
        select=STATE_MACHINES,
        check=failure_marked_once,
        expected=(
            "each States.ALL Catch reaches (through Pass states) the dynamodb:updateItem with "
            "ConditionExpression '... <> :failed', whose ConditionalCheckFailed Catch ends without sns:publish; "
            "no Catch on a Task inside a Map"
        ),
    ),
    # ------------------------------------------------------------------------------------- Network
    Invariant(
        id="NET-PRIVATE-SUBNETS",
        area="Network",
        description="There are exactly three subnets and none assigns public IPs.",
        select="$.resource.aws_subnet.*",
        count=exactly(3),
        check=all_of(
            absent_or("map_public_ip_on_launch", not_true),
            absent_or("assign_ipv6_address_on_creation", not_true),
        ),
        expected="map_public_ip_on_launch false (or absent)",
    ),
    Invariant(
        id="NET-DISTINCT-AZS",
        area="Network",
        description="The three subnets sit in three distinct availability zones of the region.",
        select="$.resource.aws_subnet",
        check=distinct_zones(3),
        expected="3 distinct availability_zone values in <region>",
    ),
    Invariant(
        id="NET-NO-NAT-GATEWAY",
        area="Network",
        description="There is no NAT gateway.",
        select="$.resource.aws_nat_gateway.*",
        count=NONE,
        check=anything,
        expected="no aws_nat_gateway",
    ),
    Invariant(
        id="NET-NO-NAT-INSTANCE",
        area="Network",
        description="There is no NAT instance (an instance that forwards traffic).",
        select="$.resource.aws_instance.*",
        where=where_attribute("source_dest_check", lambda v, ctx: v is False),
        count=NONE,
        check=anything,
        expected="no aws_instance with source_dest_check = false",
    ),
    Invariant(
        id="NET-NO-INTERNET-GATEWAY",
        area="Network",
        description="There is no internet gateway, egress-only or not.",
        select=f"$.resource[{','.join(repr(t) for t in INTERNET_GATEWAYS)}].*",
        count=NONE,
        check=anything,
        expected=f"none of {', '.join(INTERNET_GATEWAYS)}",
    ),
    Invariant(
        id="NET-NO-INTERNET-ROUTE",
        area="Network",
        description="No route leads to a gateway, NAT, instance or ENI, or to 0.0.0.0/0.",
        select=f"$.resource[{','.join(repr(t) for t in ROUTES)}].*",
        count=ANY,
        check=no_internet_route,
        expected="only the implicit local route and gateway-endpoint routes",
    ),
    Invariant(
        id="NET-S3-ENDPOINT",
        area="Network",
        description="An S3 gateway endpoint serves the private route tables.",
        select="$.resource.aws_vpc_endpoint.*",
        where=service_endpoint("s3"),
        count=exactly(1),
        check=gateway_on_private_route_tables,
        expected="one Gateway endpoint com.amazonaws.<region>.s3 on every subnet's route table",
    ),
    Invariant(
        id="NET-DYNAMODB-ENDPOINT",
        area="Network",
        description="A DynamoDB gateway endpoint serves the private route tables.",
        select="$.resource.aws_vpc_endpoint.*",
        where=service_endpoint("dynamodb"),
        count=exactly(1),
        check=gateway_on_private_route_tables,
        expected="one Gateway endpoint com.amazonaws.<region>.dynamodb on every subnet's route table",
    ),
    # ----------------------------------------------------------------------------------------- SSM
    Invariant(
        id="SSM-EXPORTS",
        area="SSM",
        description="The six exports exist as SSM parameters under /pipeline/<suffix>/.",
        select="$.resource.aws_ssm_parameter",
        check=parameters_named(EXPORTS),
        expected=f"/pipeline/<suffix>/{{{','.join(EXPORTS)}}}",
    ),
    Invariant(
        id="SSM-PREFIX",
        area="SSM",
        description="Every SSM parameter lives under /pipeline/<suffix>/.",
        select="$.resource.aws_ssm_parameter.*",
        check=under_prefix,
        expected="name starts with /pipeline/<suffix>/",
    ),
    # ------------------------------------------------------------------------------------- Destroy
    Invariant(
        id="DESTROY-NOTHING-BLOCKS",
        area="Destroy",
        description="Nothing keeps a resource or makes terraform destroy fail.",
        select=EVERY_RESOURCE,
        check=governed("FIN-009"),
        expected="no FIN-009 finding: no prevent_destroy/skip_destroy/deletion protection; buckets force_destroy",
    ),
)
