"""A private VPC across three AZs with no route to the internet.

No NAT gateway or instance and no internet gateway: the functions reach S3 and DynamoDB
through free gateway endpoints and need no interface endpoint (docs/cost.md, "Cost choices in the stack's design").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tfcdk import Construct
from tfcdk.aws import load

from .account import Account
from .iam import Statement, service_role
from .logs import encrypted_log_group

_vpc = load("vpc")
_subnet = load("subnet")
_route_table = load("route_table")
_rta = load("route_table_association")
_endpoint = load("vpc_endpoint")
_sg = load("security_group")
_egress = load("vpc_security_group_egress_rule")
_default_sg = load("default_security_group")
_flow_log = load("flow_log")


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where a function runs in the network: its subnets and security groups, with their ARNs (the scope of
    the ENIs its role may manage)."""

    subnet_ids: Sequence[str]
    subnet_arns: Sequence[str]
    security_group_ids: Sequence[str]
    security_group_arns: Sequence[str]


class PrivateNetwork(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        cidr: str,
        subnet_cidrs: Sequence[str],
        zones: Sequence[str],
        account: Account,
        log_retention_days: int,
        kms_key_arn: str,
    ) -> None:
        super().__init__(scope, id_)
        if len(subnet_cidrs) != len(zones):
            raise ValueError(f"{len(subnet_cidrs)} subnet CIDRs for {len(zones)} zones")
        self.vpc = _vpc.Vpc(
            self,
            "vpc",
            cidr_block=cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"vpc-{name}"},
        )
        # Lock the default security group down (no rules): nothing may use it by accident.
        _default_sg.DefaultSecurityGroup(self, "default_sg", vpc_id=self.vpc.id)
        self.route_table = _route_table.RouteTable(
            self, "private_routes", vpc_id=self.vpc.id, tags={"Name": f"rtb-private-{name}"}
        )
        self.subnets = []
        for index, (subnet_cidr, zone) in enumerate(zip(subnet_cidrs, zones, strict=True)):
            subnet = _subnet.Subnet(
                self,
                f"private_{index}",
                vpc_id=self.vpc.id,
                cidr_block=subnet_cidr,
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={"Name": f"subnet-private-{zone}-{name}"},
            )
            _rta.RouteTableAssociation(
                self, f"private_{index}_routes", subnet_id=subnet.id, route_table_id=self.route_table.id
            )
            self.subnets.append(subnet)
        self.gateway_endpoints = {
            service: _endpoint.VpcEndpoint(
                self,
                f"{service}_endpoint",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{account.region}.{service}",
                vpc_endpoint_type="Gateway",
                route_table_ids=[self.route_table.id],
                tags={"Name": f"vpce-{service}-{name}"},
            )
            for service in ("s3", "dynamodb")
        }
        self.function_sg = _sg.SecurityGroup(
            self,
            "function_sg",
            name=f"secgroup-functions-{name}",
            description="Pipeline Lambda functions: HTTPS to the S3 and DynamoDB gateway endpoints only",
            vpc_id=self.vpc.id,
        )
        for service, endpoint in self.gateway_endpoints.items():
            _egress.VpcSecurityGroupEgressRule(
                self,
                f"https_to_{service}",
                security_group_id=self.function_sg.id,
                description=f"HTTPS to {service} through its gateway endpoint",
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                prefix_list_id=endpoint.prefix_list_id,
            )
        self._flow_logs(name, account_id=account.id, retention=log_retention_days, kms_key_arn=kms_key_arn)
        self.subnet_ids: list[str] = [s.id for s in self.subnets]
        self.security_group_ids: list[str] = [self.function_sg.id]
        #: where the pipeline's functions run: the private subnets and the HTTPS-only security group
        self.placement = Placement(
            subnet_ids=self.subnet_ids,
            subnet_arns=[s.arn for s in self.subnets],
            security_group_ids=self.security_group_ids,
            security_group_arns=[self.function_sg.arn],
        )

    def _flow_logs(self, name: str, *, account_id: str, retention: int, kms_key_arn: str) -> None:
        self.flow_log_group = encrypted_log_group(
            self, "flow_log_group", name=f"/vpc/flow-logs/vpc-{name}", retention_days=retention,
            kms_key_arn=kms_key_arn,
        )  # fmt: skip
        role = service_role(
            self,
            prefix="flow_log_",
            role_name=f"role-flowlogs-{name}",
            policy_name=f"role-flowlogs-{name}-permissions",
            service="vpc-flow-logs.amazonaws.com",
            account_id=account_id,
            statements=[
                Statement(
                    sid="WriteFlowLogs",
                    actions=["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                    resources=[self.flow_log_group.arn, f"{self.flow_log_group.arn}:*"],
                )
            ],
        )
        _flow_log.FlowLog(
            self,
            "flow_log",
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.flow_log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=600,
        )
