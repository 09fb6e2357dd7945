"""Compliant stacks the way other teams write them, with the provider bindings: governance must find nothing.

Each stack is a small but realistic service: a containerised web service behind a load balancer with its
database, a serverless API, an EKS platform. Everything a team would do right is done right (tags through
provider default_tags, explicit actions, AWS managed policies without wildcards, declared log groups for
every service that logs, destroyable), so any finding is a false positive.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from tfcdk import App, Fn, TerraformStack
from tfcdk.aws import load

TAGS = {
    "CostCenter": "cc-7",
    "Environment": "staging",
    "Owner": "payments",
    "Project": "checkout",
    "ManagedBy": "cdktf",
}
ACCOUNT = "123456789012"
REGION = "us-east-2"


def _trust(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}],
        }
    )


def _stack(app: App, name: str) -> TerraformStack:
    stack = TerraformStack(app, name)
    load("provider").AwsProvider(stack, "aws", region=REGION, default_tags=[{"tags": TAGS}])
    return stack


def web_service(app: App) -> TerraformStack:
    """ECS Fargate service behind an ALB, Postgres on RDS, images in ECR, a secret, a private DNS zone."""
    s = _stack(app, "web")
    partition = load("data_aws_partition").DataAwsPartition(s, "partition")
    key = load("kms_key").KmsKey(s, "key", description="web data", enable_key_rotation=True, deletion_window_in_days=7)
    vpc = load("vpc").Vpc(s, "vpc", cidr_block="10.1.0.0/16", enable_dns_hostnames=True)
    subnet = load("subnet").Subnet(
        s, "private", vpc_id=vpc.id, cidr_block="10.1.1.0/24", availability_zone="us-east-2a"
    )
    sg = load("security_group").SecurityGroup(s, "sg", vpc_id=vpc.id, description="web")
    load("ecr_repository").EcrRepository(
        s,
        "repo",
        name="checkout-web",
        force_delete=True,
        image_tag_mutability="IMMUTABLE",
        image_scanning_configuration={"scan_on_push": True},
        encryption_configuration=[{"encryption_type": "KMS", "kms_key": key.arn}],
    )
    load("secretsmanager_secret").SecretsmanagerSecret(s, "db_secret", name="checkout/db", kms_key_id=key.arn)
    logs = load("cloudwatch_log_group").CloudwatchLogGroup(
        s, "web_logs", name="/ecs/checkout-web", retention_in_days=30, kms_key_id=key.arn
    )
    db_logs = load("cloudwatch_log_group").CloudwatchLogGroup(
        s, "db_logs", name="/aws/rds/instance/checkout-db/postgresql", retention_in_days=30
    )
    load("db_instance").DbInstance(
        s,
        "db",
        identifier="checkout-db",
        engine="postgres",
        engine_version="16.4",
        instance_class="db.t4g.micro",
        allocated_storage=20,
        storage_encrypted=True,
        kms_key_id=key.arn,
        username="app",
        manage_master_user_password=True,
        skip_final_snapshot=True,
        deletion_protection=False,
        enabled_cloudwatch_logs_exports=["postgresql"],
        depends_on=[db_logs],
        vpc_security_group_ids=[sg.id],
    )
    execution = load("iam_role").IamRole(
        s, "execution", name="checkout-execution", assume_role_policy=_trust("ecs-tasks.amazonaws.com")
    )
    load("iam_role_policy_attachment").IamRolePolicyAttachment(
        s,
        "execution_policy",
        role=execution.name,
        policy_arn=f"arn:{partition.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
    )
    task_role = load("iam_role").IamRole(
        s, "task", name="checkout-task", assume_role_policy=_trust("ecs-tasks.amazonaws.com")
    )
    document = load("data_aws_iam_policy_document").DataAwsIamPolicyDocument(
        s,
        "task_permissions",
        statement=[
            {
                "sid": "ReadSecret",
                "actions": ["secretsmanager:GetSecretValue"],
                "resources": [f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:checkout/db-*"],
            }
        ],
    )
    load("iam_role_policy").IamRolePolicy(s, "task_policy", role=task_role.id, policy=document.json)
    definition = load("ecs_task_definition").EcsTaskDefinition(
        s,
        "task_definition",
        family="checkout-web",
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        cpu="256",
        memory="512",
        execution_role_arn=execution.arn,
        task_role_arn=task_role.arn,
        runtime_platform={"cpu_architecture": "ARM64", "operating_system_family": "LINUX"},
        container_definitions=Fn.jsonencode(
            [
                {
                    "name": "web",
                    "image": "nginx",
                    "essential": True,
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {
                            "awslogs-group": logs.name,
                            "awslogs-region": REGION,
                            "awslogs-stream-prefix": "web",
                        },
                    },
                }
            ]
        ),
    )
    cluster = load("ecs_cluster").EcsCluster(s, "cluster", name="checkout")
    alb = load("lb").Lb(
        s,
        "alb",
        name="checkout",
        internal=True,
        load_balancer_type="application",
        subnets=[subnet.id],
        security_groups=[sg.id],
        drop_invalid_header_fields=True,
    )
    target = load("lb_target_group").LbTargetGroup(
        s, "target", name="checkout", port=80, protocol="HTTP", vpc_id=vpc.id, target_type="ip"
    )
    load("lb_listener").LbListener(
        s,
        "listener",
        load_balancer_arn=alb.arn,
        port=80,
        protocol="HTTP",
        default_action=[{"type": "forward", "target_group_arn": target.arn}],
    )
    ecs = load("ecs_service")
    ecs.EcsService(
        s,
        "service",
        name="checkout-web",
        cluster=cluster.id,
        task_definition=definition.arn,
        desired_count=1,
        launch_type="FARGATE",
        network_configuration={"subnets": [subnet.id], "security_groups": [sg.id]},
        load_balancer=[
            ecs.EcsServiceLoadBalancer(target_group_arn=target.arn, container_name="web", container_port=80)
        ],
    )
    zone = load("route53_zone")
    zone.Route53Zone(s, "zone", name="checkout.internal", force_destroy=True, vpc=[zone.Route53ZoneVpc(vpc_id=vpc.id)])
    return s


def serverless_api(app: App) -> TerraformStack:
    """REST API (access and execution logs declared) -> Lambda (arm64) -> DynamoDB (PITR) and SQS."""
    s = _stack(app, "api")
    role = load("iam_role").IamRole(s, "role", name="orders-fn", assume_role_policy=_trust("lambda.amazonaws.com"))
    load("iam_role_policy_attachment").IamRolePolicyAttachment(
        s, "basic", role=role.name, policy_arn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    )
    table = load("dynamodb_table").DynamodbTable(
        s,
        "orders",
        name="orders",
        hash_key="id",
        billing_mode="PAY_PER_REQUEST",
        attribute=[{"name": "id", "type": "S"}],
        point_in_time_recovery={"enabled": True},
        server_side_encryption={"enabled": True},
    )
    queue = load("sqs_queue").SqsQueue(s, "events", name="orders-events", sqs_managed_sse_enabled=True)
    document = load("data_aws_iam_policy_document").DataAwsIamPolicyDocument(
        s,
        "fn_permissions",
        statement=[
            {"sid": "Orders", "actions": ["dynamodb:GetItem", "dynamodb:PutItem"], "resources": [table.arn]},
            {"sid": "Events", "actions": ["sqs:SendMessage"], "resources": [queue.arn]},
        ],
    )
    load("iam_role_policy").IamRolePolicy(s, "fn_policy", role=role.id, policy=document.json)
    fn_logs = load("cloudwatch_log_group").CloudwatchLogGroup(
        s, "fn_logs", name="/aws/lambda/orders", retention_in_days=14
    )
    fn = load("lambda_function").LambdaFunction(
        s,
        "fn",
        function_name="orders",
        role=role.arn,
        runtime="python3.12",
        handler="app.handler",
        filename="orders.zip",
        architectures=["arm64"],
        depends_on=[fn_logs],
    )
    api = load("api_gateway_rest_api").ApiGatewayRestApi(s, "api", name="orders")
    resource = load("api_gateway_resource").ApiGatewayResource(
        s, "orders_resource", rest_api_id=api.id, parent_id=api.root_resource_id, path_part="orders"
    )
    method = load("api_gateway_method").ApiGatewayMethod(
        s, "post", rest_api_id=api.id, resource_id=resource.id, http_method="POST", authorization="AWS_IAM"
    )
    integration = load("api_gateway_integration").ApiGatewayIntegration(
        s,
        "integration",
        rest_api_id=api.id,
        resource_id=resource.id,
        http_method=method.http_method,
        integration_http_method="POST",
        type="AWS_PROXY",
        uri=fn.invoke_arn,
    )
    deployment = load("api_gateway_deployment").ApiGatewayDeployment(
        s, "deployment", rest_api_id=api.id, depends_on=[integration]
    )
    access = load("cloudwatch_log_group").CloudwatchLogGroup(
        s, "access", name="/orders/api-access", retention_in_days=30
    )
    execution_logs = load("cloudwatch_log_group").CloudwatchLogGroup(
        s, "execution", name=f"API-Gateway-Execution-Logs_{api.id}/prod", retention_in_days=7
    )
    stage = load("api_gateway_stage").ApiGatewayStage(
        s,
        "prod",
        rest_api_id=api.id,
        deployment_id=deployment.id,
        stage_name="prod",
        xray_tracing_enabled=True,
        access_log_settings={"destination_arn": access.arn, "format": "$context.requestId"},
        depends_on=[execution_logs],
    )
    load("api_gateway_method_settings").ApiGatewayMethodSettings(
        s,
        "logging",
        rest_api_id=api.id,
        stage_name=stage.stage_name,
        method_path="*/*",
        settings={"logging_level": "ERROR", "metrics_enabled": True},
    )
    load("lambda_permission").LambdaPermission(
        s,
        "invoke",
        function_name=fn.function_name,
        action="lambda:InvokeFunction",
        principal="apigateway.amazonaws.com",
        source_arn=f"{api.execution_arn}/*/POST/orders",
    )
    rule = load("cloudwatch_event_rule").CloudwatchEventRule(
        s, "nightly", name="orders-nightly", schedule_expression="cron(0 3 * * ? *)"
    )
    load("cloudwatch_event_target").CloudwatchEventTarget(s, "target", rule=rule.name, arn=fn.arn)
    return s


def eks_platform(app: App) -> TerraformStack:
    """An EKS cluster with control-plane logs (group declared) and a managed node group."""
    s = _stack(app, "eks")
    cluster_role = load("iam_role").IamRole(
        s, "cluster_role", name="platform-cluster", assume_role_policy=_trust("eks.amazonaws.com")
    )
    load("iam_role_policy_attachment").IamRolePolicyAttachment(
        s, "cluster_policy", role=cluster_role.name, policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    )
    nodes = load("iam_role").IamRole(
        s, "node_role", name="platform-nodes", assume_role_policy=_trust("ec2.amazonaws.com")
    )
    policies = ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly")
    for name in policies:
        load("iam_role_policy_attachment").IamRolePolicyAttachment(
            s, f"node_{name}", role=nodes.name, policy_arn=f"arn:aws:iam::aws:policy/{name}"
        )
    logs = load("cloudwatch_log_group").CloudwatchLogGroup(
        s, "control_plane", name="/aws/eks/platform/cluster", retention_in_days=90
    )
    cluster = load("eks_cluster").EksCluster(
        s,
        "cluster",
        name="platform",
        role_arn=cluster_role.arn,
        enabled_cluster_log_types=["api", "audit"],
        vpc_config={"subnet_ids": ["subnet-1", "subnet-2"]},
        depends_on=[logs],
    )
    load("eks_node_group").EksNodeGroup(
        s,
        "nodes",
        cluster_name=cluster.name,
        node_role_arn=nodes.arn,
        subnet_ids=["subnet-1"],
        ami_type="AL2023_ARM_64_STANDARD",
        instance_types=["m7g.large"],
        scaling_config={"desired_size": 1, "max_size": 2, "min_size": 1},
    )
    return s


STACKS: tuple[Callable[[App], TerraformStack], ...] = (web_service, serverless_api, eks_platform)
