"""Regenerate ``destroy_protection.json``: every argument that keeps a resource or makes destroy fail.

Candidates are found in the AWS provider schema by name (:data:`CANDIDATE`: ``deletion_protection``,
``force_destroy``, ``skip_final_snapshot``, ``skip_destroy``, ``retain_*``, object lock modes, ...).
Each one is then classified by the reviewed tables below, which record what the argument does at
``terraform destroy`` and its default when omitted (from the provider documentation and source of
hashicorp/terraform-provider-aws, quoted in ``docs/governance.md``):

* ``blocks_when`` (``values``): the argument set to one of these values makes destroy fail or keeps
  the resource; ``default`` is what an omitted argument means (``aws_qldb_ledger`` is protected by
  default);
* ``required``: destroy fails on content created outside Terraform (objects, images, records, keys)
  unless the argument is ``true`` (``force_destroy``/``force_delete``);
* ``final_snapshot``: destroy fails when ``skip_final_snapshot`` is false (its default) and the
  ``companion`` argument naming the final snapshot is not set.

A candidate in neither table must be excluded with a reason (:data:`EXCLUDED`), or the generator fails:
a new provider version cannot add an unreviewed way to block destroy.

Usage::

    python -m aspects.data.generate_destroy_protection            # rewrite the JSON file
    python -m aspects.data.generate_destroy_protection --check    # exit 1 if the kept file is stale
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aspects.data.schema import PROVIDER_SOURCE, PROVIDER_VERSION, arguments, resource_schemas, run_generator

OUTPUT = Path(__file__).with_name("destroy_protection.json")

CANDIDATE = re.compile(
    r"^(deletion_protection(_enabled)?|delete_protection|enable_deletion_protection|termination_protection(_enabled)?"
    r"|disable_api_termination|disable_api_stop|mutation_protection|skip_destroy|force_destroy|force_delete"
    r"|force_detach(_policies)?|skip_final_snapshot|skip_final_backup|final_snapshot|retain_on_delete"
    r"|retain_physical_resources|retain_stacks?|object_lock_mode|object_lock_legal_hold_status|mode"
    r"|deletion_window_in_days|recovery_window_in_days|protect_from_scale_in)$"
)
_TRUE = [True]

#: Semantics by argument name: (kind, blocking values, default when omitted, what happens).
BY_NAME: Mapping[str, dict[str, Any]] = {
    "deletion_protection": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "destroy fails while deletion protection is on",
    },
    "deletion_protection_enabled": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "destroy fails while deletion protection is on",
    },
    "delete_protection": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "destroy fails while delete protection is on",
    },
    "enable_deletion_protection": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "the AWS API refuses to delete the load balancer",
    },
    "termination_protection": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "the cluster cannot be terminated until it is applied false",
    },
    "termination_protection_enabled": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": True,
        "effect": "destroy fails until termination protection is disabled",
    },
    "disable_api_termination": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "EC2 refuses to terminate the instance",
    },
    "mutation_protection": {
        "kind": "blocks_when",
        "values": ["ENABLED"],
        "default": "DISABLED",
        "effect": "the association cannot be removed",
    },
    "skip_destroy": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "destroy only removes it from the state: the resource stays (and bills)",
    },
    "retain_on_delete": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "destroy only disables the distribution: it stays",
    },
    "retain_physical_resources": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "destroy leaves the CloudFormation stack and its resources",
    },
    "retain_stack": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "destroy leaves the stack and its resources",
    },
    "retain_stacks": {
        "kind": "blocks_when",
        "values": _TRUE,
        "default": False,
        "effect": "destroy leaves the stacks and their resources",
    },
    "force_destroy": {
        "kind": "required",
        "values": _TRUE,
        "default": False,
        "effect": "destroy fails while it holds content created outside Terraform",
    },
    "force_delete": {
        "kind": "required",
        "values": _TRUE,
        "default": False,
        "effect": "destroy fails while it holds content created outside Terraform",
    },
    "skip_final_snapshot": {
        "kind": "final_snapshot",
        "values": [False],
        "default": False,
        "effect": "destroy fails: the provider requires a final snapshot identifier",
    },
}
#: Per location (``type:path``): overrides of the name's semantics (defaults that differ, other values).
BY_LOCATION: Mapping[str, dict[str, Any]] = {
    "aws_qldb_ledger:deletion_protection": {"default": True},
    "aws_neptunegraph_graph:deletion_protection": {"default": True},
    "aws_cognito_user_pool:deletion_protection": {"values": ["ACTIVE"], "default": "INACTIVE"},
    "aws_launch_template:disable_api_termination": {
        "effect": "instances launched from the template refuse termination (aws_instance destroy fails)"
    },
    "aws_db_instance:skip_final_snapshot": {"companion": "final_snapshot_identifier"},
    "aws_rds_cluster:skip_final_snapshot": {"companion": "final_snapshot_identifier"},
    "aws_docdb_cluster:skip_final_snapshot": {"companion": "final_snapshot_identifier"},
    "aws_neptune_cluster:skip_final_snapshot": {"companion": "final_snapshot_identifier"},
    "aws_redshift_cluster:skip_final_snapshot": {"companion": "final_snapshot_identifier"},
    "aws_lightsail_database:skip_final_snapshot": {"companion": "final_snapshot_name"},
    "aws_s3_bucket_object_lock_configuration:rule.default_retention.mode": {
        "kind": "blocks_when",
        "values": ["COMPLIANCE"],
        "default": None,
        "effect": "objects locked in COMPLIANCE mode cannot be deleted before their retention ends, so the bucket "
        "cannot be destroyed (force_destroy bypasses only GOVERNANCE mode)",
    },
    "aws_s3_bucket:object_lock_configuration.rule.default_retention.mode": {
        "kind": "blocks_when",
        "values": ["COMPLIANCE"],
        "default": None,
        "effect": "objects locked in COMPLIANCE mode cannot be deleted before their retention ends, so the bucket "
        "cannot be destroyed (force_destroy bypasses only GOVERNANCE mode)",
    },
    "aws_s3_object:object_lock_mode": {
        "kind": "blocks_when",
        "values": ["COMPLIANCE"],
        "default": None,
        "effect": "a COMPLIANCE-locked object version cannot be deleted before object_lock_retain_until_date",
    },
    "aws_s3_bucket_object:object_lock_mode": {
        "kind": "blocks_when",
        "values": ["COMPLIANCE"],
        "default": None,
        "effect": "a COMPLIANCE-locked object version cannot be deleted before object_lock_retain_until_date",
    },
    "aws_s3_object_copy:object_lock_mode": {
        "kind": "blocks_when",
        "values": ["COMPLIANCE"],
        "default": None,
        "effect": "a COMPLIANCE-locked object version cannot be deleted before object_lock_retain_until_date",
    },
}
#: Types that cannot be destroyed whatever their arguments say.
NEVER_DESTROYED: Mapping[str, str] = {
    "aws_shield_subscription": "a one-year Shield Advanced commitment: destroy can only turn off auto-renew, and "
    "only in the last 30 days of the term",
}
_OBJECT_FORCE = (
    "on an object, force_destroy only removes legal holds and GOVERNANCE retention (needed only with "
    "object lock); COMPLIANCE mode is judged on object_lock_mode"
)
#: Reviewed candidates that neither keep the resource nor make destroy fail, with the reason.
EXCLUDED: Mapping[str, str] = {
    "disable_api_stop": "stop protection: terraform destroy terminates, which it does not prevent",
    "force_detach": "detaching a volume: destroy detaches it without force",
    "force_detach_policies": "only fails when policies were attached outside Terraform to a role it manages; "
    "attachments it manages are removed first",
    "skip_final_backup": "destroy succeeds; false (the default) only takes a final FSx backup",
    "final_snapshot": "destroy succeeds; true only takes a final EBS snapshot",
    "deletion_window_in_days": "destroy succeeds: it schedules the key's deletion (7-30 days, never immediate)",
    "recovery_window_in_days": "destroy succeeds: it schedules the deletion",
    "protect_from_scale_in": "destroy turns scale-in protection off while it drains the group",
    "object_lock_legal_hold_status": "removed at destroy when force_destroy is true; an object's legal hold "
    "is an explicit, per-object decision judged on the object",
    "mode": "not a lock setting",
    "aws_spot_instance_request:disable_api_termination": "EC2 does not allow termination protection on Spot Instances",
    "aws_quicksight_account_settings:termination_protection_enabled": "a settings resource: destroy succeeds; "
    "the flag protects the QuickSight subscription, which this resource does not delete",
    "aws_neptune_cluster_instance:skip_final_snapshot": "an instance has no final snapshot identifier; final "
    "snapshots are taken by the cluster",
    "aws_default_vpc:force_destroy": "false keeps the account's default VPC, which AWS created and which costs "
    "nothing; true would delete it",
    "aws_default_subnet:force_destroy": "false keeps the account's default subnet, which AWS created; true would "
    "delete it",
    "aws_cloudwatch_event_rule:force_destroy": "only needed for rules that another AWS service manages",
    "aws_cloudwatch_event_target:force_destroy": "only needed for targets of rules another AWS service manages",
    "aws_s3_object:force_destroy": _OBJECT_FORCE,
    "aws_s3_bucket_object:force_destroy": _OBJECT_FORCE,
    "aws_s3_object_copy:force_destroy": _OBJECT_FORCE,
    "aws_rds_cluster_instance:force_destroy": "only for instances of a read-replica cluster, and true promotes "
    "the replica cluster first: not a precondition of an ordinary destroy",
    "aws_redshift_snapshot_schedule:force_destroy": "true destroys the clusters associated with the schedule: "
    "not a precondition of an ordinary destroy",
    "aws_redshift_endpoint_authorization:force_delete": "also deletes Redshift-managed VPC endpoints; revoking "
    "an authorization without them succeeds",
    "aws_autoscaling_group:force_delete": "destroy drains the group and deletes it; true only skips waiting "
    "for instances to terminate",
    "aws_ecs_service:force_delete": "destroy scales the service to zero first; true only skips that",
    "aws_ecs_task_set:force_delete": "destroy drains the task set; true only skips waiting",
    "aws_dataexchange_revision_assets:force_destroy": "destroy deletes the revision and its assets; the "
    "failure mode without it is not documented",
}


def _classify(type_: str, path: str) -> dict[str, Any] | str:
    """The entry for one candidate, or the exclusion reason; raises KeyError when nobody reviewed it."""
    name = path.rsplit(".", 1)[-1]
    location = f"{type_}:{path}"
    if location in EXCLUDED:
        return EXCLUDED[location]
    override = BY_LOCATION.get(location, {})
    if name not in BY_NAME and "kind" not in override:
        if name in EXCLUDED:
            return EXCLUDED[name]
        raise KeyError(location)
    entry = {"argument": path, **BY_NAME.get(name, {}), **override}
    if entry["kind"] == "final_snapshot" and "companion" not in entry:
        raise KeyError(f"{location} (final_snapshot needs a companion argument)")
    return entry


def table(schema: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, list[dict[str, Any]]] = {}
    excluded: dict[str, str] = {}
    unreviewed = []
    resources = resource_schemas(schema)
    for type_, spec in sorted(resources.items()):
        for path, _ in arguments(spec["block"]):
            if not CANDIDATE.match(path[-1]):
                continue
            dotted = ".".join(path)
            if path[-1] == "mode" and "object_lock" not in dotted and f"{type_}:{dotted}" not in BY_LOCATION:
                continue  # "mode" is a candidate only inside an object lock configuration
            try:
                classified = _classify(type_, dotted)
            except KeyError as error:
                unreviewed.append(str(error.args[0]))
                continue
            if isinstance(classified, str):
                excluded[f"{type_}:{dotted}"] = classified
            else:
                found.setdefault(type_, []).append(classified)
    for location in (*BY_LOCATION, *(k for k in EXCLUDED if ":" in k)):
        type_, dotted = location.split(":", 1)
        if not any(".".join(p) == dotted for p, _ in arguments(resources.get(type_, {}).get("block", {}))):
            unreviewed.append(f"{location} (reviewed, but not in the schema)")
    for type_ in NEVER_DESTROYED:
        if type_ not in resources:
            unreviewed.append(f"{type_} (in NEVER_DESTROYED, not in the schema)")
    if unreviewed:
        raise ValueError("review the destroy-protection candidates: " + "; ".join(sorted(unreviewed)))
    return {"arguments": found, "never_destroyed": dict(NEVER_DESTROYED), "excluded": dict(sorted(excluded.items()))}


def render(schema: Mapping[str, Any]) -> str:
    document = {
        "provider": PROVIDER_SOURCE,
        "version": PROVIDER_VERSION,
        "generator": "python -m aspects.data.generate_destroy_protection",
        **table(schema),
    }
    return json.dumps(document, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    return run_generator("aspects.data.generate_destroy_protection", OUTPUT, render, argv)


if __name__ == "__main__":
    sys.exit(main())
