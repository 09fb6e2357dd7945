"""Regenerate ``policy_locations.json``: every argument of the AWS provider that grants IAM permissions.

Three kinds of location, found in the provider schema by name and then reviewed once, here:

* ``documents``: a string argument holding an IAM policy document (``policy``, ``access_policies``,
  ``inline_policy.policy``, ...). Candidates: string arguments whose name contains ``polic`` and that are
  not an ARN, id, name, type, ...; plus ``content`` on ``aws_organizations_*`` types.
* ``policy_arns``: an argument attaching a policy by ARN (``policy_arn``, ``managed_policy_arns``, ...).
  Candidates: arguments whose name ends in ``policy_arn`` or ``policy_arns``.
* ``actions``: an argument that is itself the granted action (``aws_lambda_permission.action``).
  Candidates: ``action``/``actions`` on types ending in ``_permission``.

Every candidate must be classified: a grant (:data:`DOCUMENT_NAMES`, :data:`ARN_NAMES`,
:data:`ACTION_TYPES`) or excluded with the reason (:data:`EXCLUDED_NAMES` by argument name,
:data:`EXCLUDED_LOCATIONS` by ``type:path``). A candidate that is neither makes the generator fail, so a
new provider version cannot add an unreviewed place where a grant can hide.

Usage::

    python -m aspects.data.generate_policy_locations            # rewrite the JSON file
    python -m aspects.data.generate_policy_locations --check    # exit 1 if the kept file is stale
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from aspects.data.schema import PROVIDER_SOURCE, PROVIDER_VERSION, arguments, resource_schemas, run_generator

OUTPUT = Path(__file__).with_name("policy_locations.json")

_SCALAR_SUFFIX = re.compile(r"_(arn|arns|id|ids|name|type|url|region|revision|runtime|scope|store_id|version)$")
_ARN_NAME = re.compile(r"polic(y|ies)_arns?$")

#: Argument names that hold an IAM policy document granting permissions.
DOCUMENT_NAMES = frozenset(
    {
        "policy",
        "policy_document",
        "access_policies",
        "access_policy",
        "inline_policy",
        "resource_policy",
        "repository_policy",
        "delivery_destination_policy",
    }
)
#: Argument names that attach a policy by ARN, granting what that policy grants.
ARN_NAMES = frozenset({"policy_arn", "policy_arns", "managed_policy_arn", "managed_policy_arns"})
#: ``*_permission`` types whose ``action``/``actions`` is the action granted to a principal.
ACTION_TYPES = frozenset(
    {
        "aws_lambda_permission",
        "aws_lambda_layer_version_permission",
        "aws_cloudwatch_event_permission",
        "aws_signer_signing_profile_permission",
        "aws_acmpca_permission",
    }
)
#: Types that attach a customer managed policy by name (block with ``name`` and ``path``).
NAME_REFERENCES: Mapping[str, str] = {
    "aws_ssoadmin_customer_managed_policy_attachment": "customer_managed_policy_reference",
}

_NOT_IAM = "not an IAM policy document"
#: Candidate argument names that are not grants, with the reason.
EXCLUDED_NAMES: Mapping[str, str] = {
    "assume_role_policy": "a trust policy: it says who may assume the role (sts:AssumeRole*), and grants nothing "
    "on resources",
    "session_policy": "a session policy: it can only narrow what the role grants, never widen it",
    "alpn_policy": f"{_NOT_IAM}: TLS ALPN negotiation setting",
    "archive_policy": f"{_NOT_IAM}: SNS FIFO message archive retention",
    "auto_import_policy": f"{_NOT_IAM}: FSx for Lustre import setting",
    "autoscaling_policy": f"{_NOT_IAM}: EMR instance-group scaling rules",
    "base_policy_document": f"{_NOT_IAM}: Cloud WAN core network policy",
    "browser_policy": f"{_NOT_IAM}: WorkSpaces Web Chrome policy",
    "content_security_policy": f"{_NOT_IAM}: HTTP Content-Security-Policy header",
    "data_deletion_policy": f"{_NOT_IAM}: Bedrock data source deletion setting",
    "delivery_policy": f"{_NOT_IAM}: SNS delivery retry policy",
    "dns_policy": f"{_NOT_IAM}: Kubernetes pod DNS policy",
    "dns_record_client_routing_policy": f"{_NOT_IAM}: load balancer DNS routing",
    "excess_capacity_termination_policy": f"{_NOT_IAM}: EC2 fleet capacity setting",
    "filter_policy": f"{_NOT_IAM}: SNS subscription message filter",
    "game_server_protection_policy": f"{_NOT_IAM}: GameLift instance protection",
    "https_policy": f"{_NOT_IAM}: SES open/click tracking HTTPS setting",
    "image_pull_policy": f"{_NOT_IAM}: Kubernetes image pull policy",
    "language_selection_policy": f"{_NOT_IAM}: MediaLive audio language selection",
    "lifecycle_policy": f"{_NOT_IAM}: ECR image lifecycle rules",
    "new_game_session_protection_policy": f"{_NOT_IAM}: GameLift session protection",
    "notification_policy": f"{_NOT_IAM}: Storage Gateway file-share notification setting",
    "origin_protocol_policy": f"{_NOT_IAM}: CloudFront origin protocol",
    "padding_policy": f"{_NOT_IAM}: Elastic Transcoder padding",
    "permission_policy": f"{_NOT_IAM}: QuickSight row-level security mode (GRANT_ACCESS/DENY_ACCESS)",
    "policy_body": f"{_NOT_IAM}: CloudFormation stack policy (update protection of stack resources)",
    "policy_text": f"{_NOT_IAM}: AWS Config Guard rule text",
    "protocol_policy": f"{_NOT_IAM}: Lightsail distribution origin protocol",
    "redrive_allow_policy": f"{_NOT_IAM}: SQS dead-letter source permission setting (queue ARNs, no actions)",
    "redrive_policy": f"{_NOT_IAM}: dead-letter queue configuration",
    "referrer_policy": f"{_NOT_IAM}: HTTP Referrer-Policy header",
    "replay_policy": f"{_NOT_IAM}: SNS message replay setting",
    "routing_http_response_content_security_policy_header_value": f"{_NOT_IAM}: HTTP response header",
    "routing_policy": f"{_NOT_IAM}: Cloud Map DNS routing",
    "scaling_policy_update_behavior": f"{_NOT_IAM}: Auto Scaling plan setting",
    "security_policy": f"{_NOT_IAM}: TLS security policy name",
    "sizing_policy": f"{_NOT_IAM}: Elastic Transcoder sizing",
    "snapshot_policy": f"{_NOT_IAM}: FSx for ONTAP snapshot schedule",
    "ssl_policy": f"{_NOT_IAM}: load balancer TLS policy name",
    "stream_exception_policy": f"{_NOT_IAM}: Network Firewall stream exception handling",
    "tls_policy": f"{_NOT_IAM}: SES TLS requirement",
    "tls_security_policy": f"{_NOT_IAM}: search domain TLS policy name",
    "user_context_policy": f"{_NOT_IAM}: Kendra user context filtering",
    "viewer_protocol_policy": f"{_NOT_IAM}: CloudFront viewer protocol",
    "scheduling_policy_arn": "an AWS Batch fair-share scheduling policy, not an IAM policy",
    "firewall_policy_arn": "a Network Firewall policy, not an IAM policy",
    "guardrail_policy_arns": "guardrail policies can only narrow what the channel role grants",
    "session_policy_arn": "a session policy: it can only narrow what the role grants",
}
#: Single candidate locations that are not grants although their name usually is, with the reason.
EXCLUDED_LOCATIONS: Mapping[str, str] = {
    "aws_ecr_lifecycle_policy:policy": f"{_NOT_IAM}: ECR image lifecycle rules",
    "aws_iot_policy_attachment:policy": "the NAME of an IoT policy (evaluated where aws_iot_policy declares it)",
    "aws_opensearchserverless_access_policy:policy": "an OpenSearch Serverless data access policy (Rules/"
    "Permission), not IAM JSON: its grants are not IAM actions",
    "aws_opensearchserverless_lifecycle_policy:policy": f"{_NOT_IAM}: index retention rules",
    "aws_opensearchserverless_security_policy:policy": f"{_NOT_IAM}: encryption or network rules",
    "aws_sns_topic_data_protection_policy:policy": f"{_NOT_IAM}: data protection (PII) rules",
    "aws_ses_receipt_filter:policy": f"{_NOT_IAM}: the filter action, Block or Allow",
    "aws_cloudwatch_log_account_policy:policy_document": f"{_NOT_IAM}: data protection or subscription filter settings",
    "aws_cloudwatch_log_data_protection_policy:policy_document": f"{_NOT_IAM}: data protection (masking) rules",
    "aws_cloudwatch_log_index_policy:policy_document": f"{_NOT_IAM}: field index settings",
    "aws_networkmanager_core_network_policy_attachment:policy_document": f"{_NOT_IAM}: Cloud WAN core network policy",
    "aws_verifiedaccess_endpoint:policy_document": "a Verified Access policy in Cedar, not IAM JSON",
    "aws_verifiedaccess_group:policy_document": "a Verified Access policy in Cedar, not IAM JSON",
    "aws_transfer_access:policy": "a Transfer Family session (scope-down) policy: it can only narrow the role",
    "aws_transfer_user:policy": "a Transfer Family session (scope-down) policy: it can only narrow the role",
    "aws_organizations_policy:content": "an Organizations policy (SCP, RCP, tag, backup or AI opt-out policy): "
    "guardrails on accounts, not grants",
    "aws_eks_access_policy_association:policy_arn": "an EKS cluster access policy (Kubernetes RBAC), not IAM",
    "aws_rolesanywhere_profile:managed_policy_arns": "session policies: they can only narrow the role",
    "aws_ssoadmin_permissions_boundary_attachment:permissions_boundary.managed_policy_arn": "a permissions "
    "boundary: it can only narrow what the permission set grants",
}


def _candidates(schema: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(kind, type, dotted path) of every argument that might grant permissions."""
    for type_, spec in sorted(resource_schemas(schema).items()):
        for path, attribute in arguments(spec["block"]):
            name = path[-1]
            dotted = ".".join(path)
            if _ARN_NAME.search(name):
                yield "policy_arns", type_, dotted
            elif ("polic" in name and attribute.get("type") == "string" and not _SCALAR_SUFFIX.search(name)) or (
                name == "content" and type_.startswith("aws_organizations_") and len(path) == 1
            ):
                yield "documents", type_, dotted
            elif name in ("action", "actions") and type_.endswith("_permission") and len(path) == 1:
                yield "actions", type_, dotted


def locations(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The classified locations; raises ValueError listing every candidate nobody reviewed."""
    found: dict[str, dict[str, list[str]]] = {"documents": {}, "policy_arns": {}, "actions": {}}
    excluded: dict[str, str] = {}
    unreviewed = []
    for kind, type_, path in _candidates(schema):
        name = path.rsplit(".", 1)[-1]
        location = f"{type_}:{path}"
        if location in EXCLUDED_LOCATIONS:
            excluded[location] = EXCLUDED_LOCATIONS[location]
        elif name in EXCLUDED_NAMES:
            excluded[location] = EXCLUDED_NAMES[name]
        elif (
            (kind == "documents" and (name in DOCUMENT_NAMES or type_.startswith("aws_organizations_")))
            or (kind == "policy_arns" and name in ARN_NAMES)
            or (kind == "actions" and type_ in ACTION_TYPES)
        ):
            found[kind].setdefault(type_, []).append(path)
        else:
            unreviewed.append(location)
    resources = resource_schemas(schema)
    for type_, block in NAME_REFERENCES.items():
        if block not in resources.get(type_, {}).get("block", {}).get("block_types", {}):
            unreviewed.append(f"{type_}:{block} (in NAME_REFERENCES, not in the schema)")
    stale = [key for key in EXCLUDED_LOCATIONS if key not in excluded]
    if unreviewed or stale:
        raise ValueError(
            "review the policy locations: "
            + "; ".join([f"unclassified {u}" for u in unreviewed] + [f"not in the schema: {s}" for s in stale])
        )
    return {**found, "name_references": dict(NAME_REFERENCES), "excluded": dict(sorted(excluded.items()))}


def render(schema: Mapping[str, Any]) -> str:
    document = {
        "provider": PROVIDER_SOURCE,
        "version": PROVIDER_VERSION,
        "generator": "python -m aspects.data.generate_policy_locations",
        **locations(schema),
    }
    return json.dumps(document, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    return run_generator("aspects.data.generate_policy_locations", OUTPUT, render, argv)


if __name__ == "__main__":
    sys.exit(main())
