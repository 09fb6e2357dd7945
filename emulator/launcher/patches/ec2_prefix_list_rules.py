"""EC2 security group rules to a prefix list are stored and described without their destination.

MiniStack 1.5.33, ``ministack.services.ec2._parse_ip_permissions`` ignores
``IpPermissions.N.PrefixListIds.M``: a rule to a VPC endpoint's prefix list (the stack's
``aws_vpc_security_group_egress_rule`` with ``prefix_list_id``) is stored with no destination, and
``_sg_rule_xml`` then describes it without ``prefixListId``/``description``. Without the patch the
provider plans a replacement and fails with "Provider produced invalid plan", which blocks plan and
destroy. The wrappers parse the prefix lists and describe them.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from ..wrap import wrap


def install() -> None:
    from ministack.services import ec2

    @wrap(
        ec2,
        "_parse_ip_permissions",
        "IpPermissions.N.PrefixListIds.M (a rule to a VPC endpoint's prefix list) was not parsed: the "
        "rule was stored with no destination at all",
    )
    def _parse_ip_permissions(original: Any, params: Any, prefix: Any) -> Any:
        rules = original(params, prefix)
        p = ec2._p
        for index, rule in enumerate(rules, start=1):
            if not p(params, f"{prefix}.{index}.IpProtocol"):
                break  # the legacy flat form has no prefix lists
            entries = []
            member = 1
            while p(params, f"{prefix}.{index}.PrefixListIds.{member}.PrefixListId"):
                entry = {"PrefixListId": p(params, f"{prefix}.{index}.PrefixListIds.{member}.PrefixListId")}
                description = p(params, f"{prefix}.{index}.PrefixListIds.{member}.Description")
                if description:
                    entry["Description"] = description
                entries.append(entry)
                member += 1
            if entries:
                rule["PrefixListIds"] = entries
        return rules

    @wrap(
        ec2,
        "_sg_rule_xml",
        "a rule to a prefix list (aws_vpc_security_group_egress_rule with prefix_list_id) was "
        "described without prefixListId/description, which makes the provider plan a replacement "
        "and fail with 'Provider produced invalid plan'",
    )
    def _sg_rule_xml(original: Any, sg_id: Any, rule: Any, is_egress: Any = False) -> Any:
        items = original(sg_id, rule, is_egress=is_egress)
        prefix_lists = rule.get("PrefixListIds") or []
        if not prefix_lists or rule.get("IpRanges") or rule.get("Ipv6Ranges") or rule.get("UserIdGroupPairs"):
            return items
        close = "</item>"
        head = items[: -len(close)] if items.endswith(close) else items
        out = ""
        for entry in prefix_lists:
            extra = f"<prefixListId>{escape(entry.get('PrefixListId', ''))}</prefixListId>"
            if entry.get("Description") and "<description>" not in head:
                extra += f"<description>{escape(entry['Description'])}</description>"
            out += head + extra + close
        return out


def still_needed() -> bool:
    """Parse an egress rule to a prefix list and describe it; is the prefix list lost on either side?"""
    from ministack.services import ec2

    params = {
        "IpPermissions.1.IpProtocol": ["tcp"], "IpPermissions.1.FromPort": ["443"], "IpPermissions.1.ToPort": ["443"],
        "IpPermissions.1.PrefixListIds.1.PrefixListId": ["pl-harnessprobe"],
        "IpPermissions.1.PrefixListIds.1.Description": ["to S3"],
    }  # fmt: skip
    (rule,) = ec2._parse_ip_permissions(params, "IpPermissions")
    parsed = [entry.get("PrefixListId") for entry in rule.get("PrefixListIds") or []] == ["pl-harnessprobe"]
    xml = ec2._sg_rule_xml("sg-harnessprobe", rule, is_egress=True)
    described = "<prefixListId>pl-harnessprobe</prefixListId>" in xml
    return not (parsed and described)
