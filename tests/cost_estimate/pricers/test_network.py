"""NAT gateways, public IPv4 and VPC endpoints against hand-computed values (730 files a month)."""

from __future__ import annotations

import pytest

from cost_estimate.context import Free, NoUsage
from cost_estimate.pricers import network
from tests.cost_estimate.conftest import FILES, context, resource, usd

NATS = {f"nat{i}": {"allocation_id": f"${{aws_eip.e{i}.id}}", "subnet_id": "x"} for i in range(3)}
GATEWAY = {"vpc_endpoint_type": "Gateway"}


def test_nat_traffic_without_gateway_endpoints_includes_s3_and_dynamodb() -> None:
    ctx = context({"aws_nat_gateway": NATS})
    items, _ = network.nat_gateway(ctx, resource(ctx, "aws_nat_gateway", "nat0"))
    assert usd(items, "NAT gateway hours") == pytest.approx(730 * 0.045)
    # other 0.001 GB + S3 3 GB + DynamoDB (10 WRU x 1 KB + 4 RRU x 4 KB) per file, split over 3 gateways
    traffic = FILES * (0.001 + 3 + 26 / 1024 / 1024)
    assert usd(items, "data processed") == pytest.approx(traffic / 3 * 0.045)


def test_gateway_endpoints_keep_s3_and_dynamodb_off_the_nat() -> None:
    endpoints = {
        "s3": {**GATEWAY, "service_name": "com.amazonaws.us-east-2.s3"},
        "ddb": {"service_name": "com.amazonaws.us-east-2.dynamodb"},  # Gateway is the default type
    }
    ctx = context({"aws_nat_gateway": NATS, "aws_vpc_endpoint": endpoints})
    items, _ = network.nat_gateway(ctx, resource(ctx, "aws_nat_gateway", "nat0"))
    assert usd(items, "data processed") == pytest.approx(FILES * 0.001 / 3 * 0.045)
    with pytest.raises(Free, match="gateway endpoints"):
        network.vpc_endpoint(ctx, resource(ctx, "aws_vpc_endpoint", "s3"))


def test_public_ipv4_address() -> None:
    ctx = context({"aws_eip": {"e0": {"domain": "vpc"}}})
    items, _ = network.public_ipv4(ctx, resource(ctx, "aws_eip", "e0"))
    assert usd(items, "public IPv4 address") == pytest.approx(730 * 0.005)


def test_interface_endpoint_per_az_hour_and_gb() -> None:
    endpoint = {"vpc_endpoint_type": "Interface", "service_name": "com.amazonaws.us-east-2.xray",
                "subnet_ids": ["${aws_subnet.a.id}", "${aws_subnet.b.id}", "${aws_subnet.c.id}"]}  # fmt: skip
    ctx = context({"aws_vpc_endpoint": {"xray": endpoint}})
    items, _ = network.vpc_endpoint(ctx, resource(ctx, "aws_vpc_endpoint", "xray"))
    assert usd(items, "interface endpoint hours") == pytest.approx(3 * 730 * 0.01)
    assert usd(items, "data processed") == pytest.approx(10 * 0.01)
    ctx = context({"aws_vpc_endpoint": {"xray": {**endpoint, "subnet_ids": "${var.subnets}"}}})
    with pytest.raises(NoUsage, match="number of AZs is unknown"):
        network.vpc_endpoint(ctx, resource(ctx, "aws_vpc_endpoint", "xray"))
