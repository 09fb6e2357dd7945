"""NAT gateways (hourly and per GB processed), public IPv4 addresses and VPC endpoints.

What crosses a NAT gateway follows from the stack: the functions' S3 and DynamoDB traffic goes through
the NAT unless the VPC has a gateway endpoint for that service; other AWS API calls always do.
"""

from __future__ import annotations

from aspects.tfjson import Resource
from cost_estimate.context import Context, Free, NoUsage
from cost_estimate.model import LineItem
from cost_estimate.profile import HOURS_PER_MONTH

EC2, VPC = "Amazon EC2 (NAT gateway)", "Amazon VPC"
KB_IN_GB = 1024 * 1024


def gateway_endpoint_services(ctx: Context) -> set[str]:
    """Services the stack reaches through gateway endpoints (``s3``, ``dynamodb``)."""
    return {
        str(e.config.get("service_name", "")).rsplit(".", 1)[-1]
        for e in ctx.view.of_type("aws_vpc_endpoint")
        if e.config.get("vpc_endpoint_type", "Gateway") == "Gateway"
    }


def nat_traffic_gb(ctx: Context) -> tuple[float, str]:
    """GB a month the functions send through NAT gateways, and how it was derived."""
    files = ctx.profile.files_per_month
    endpoints = gateway_endpoint_services(ctx)
    parts = []
    total = ctx.profile.network.nat_other_gb_per_file * files
    parts.append(f"other AWS APIs {total:,.1f} GB")
    if "s3" not in endpoints:
        s3 = files * sum(b.function_traffic_gb_per_file for b in ctx.profile.buckets.values())
        total += s3
        parts.append(f"S3 {s3:,.1f} GB (no S3 gateway endpoint)")
    if "dynamodb" not in endpoints:
        units = sum(t.write_units_per_file + 4 * t.read_units_per_file for t in ctx.profile.tables.values())
        dynamodb = files * units / KB_IN_GB
        total += dynamodb
        parts.append(f"DynamoDB {dynamodb:,.2f} GB (no DynamoDB gateway endpoint)")
    return total, "; ".join(parts)


def nat_gateway(ctx: Context, nat: Resource) -> tuple[list[LineItem], list[str]]:
    gateways = len(ctx.view.of_type("aws_nat_gateway"))
    traffic, how = nat_traffic_gb(ctx)
    return [
        ctx.line(
            "ec2.nat_gateway.hours",
            HOURS_PER_MONTH,
            service=EC2,
            component="NAT gateway hours",
            unit="hours",
            basis=f"{HOURS_PER_MONTH:g} h a month",
        ),
        ctx.line(
            "ec2.nat_gateway.data_processed",
            traffic / gateways,
            service=EC2,
            component="data processed",
            unit="GB",
            basis=f"{how}; split over {gateways} NAT gateways",
        ),
    ], []


def public_ipv4(ctx: Context, address: Resource) -> tuple[list[LineItem], list[str]]:
    return [
        ctx.line(
            "vpc.public_ipv4",
            HOURS_PER_MONTH,
            service=VPC,
            component="public IPv4 address",
            unit="hours",
            basis=f"{HOURS_PER_MONTH:g} h a month, in use or idle",
        )
    ], []


def vpc_endpoint(ctx: Context, endpoint: Resource) -> tuple[list[LineItem], list[str]]:
    kind = endpoint.config.get("vpc_endpoint_type", "Gateway")
    if kind == "Gateway":
        raise Free("gateway endpoints (S3, DynamoDB) have no hourly or data charge")
    if kind != "Interface":
        raise NoUsage(f"{kind} endpoints are not in the price snapshot")
    subnets = endpoint.config.get("subnet_ids")
    if not isinstance(subnets, list) or not subnets:
        raise NoUsage("subnet_ids is not a literal list at synth: the number of AZs is unknown")
    interfaces = [e for e in ctx.view.of_type("aws_vpc_endpoint") if e.config.get("vpc_endpoint_type") == "Interface"]
    gb = ctx.profile.network.interface_endpoint_gb_per_month / len(interfaces)
    return [
        ctx.line(
            "vpc.interface_endpoint.hours",
            HOURS_PER_MONTH * len(subnets),
            service=VPC,
            component="interface endpoint hours",
            unit="endpoint-AZ-hours",
            basis=f"{len(subnets)} AZs x {HOURS_PER_MONTH:g} h",
        ),
        ctx.line(
            "vpc.interface_endpoint.data_processed",
            gb,
            service=VPC,
            component="data processed",
            unit="GB",
            basis=f"network.interface_endpoint_gb_per_month split over {len(interfaces)} interface endpoints",
        ),
    ], []
