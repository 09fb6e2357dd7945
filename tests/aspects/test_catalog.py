"""Census of the rule set: every id, its severity and level; ids unique; every rule has a check."""

import re

from aspects.catalog import CATALOG, SUPPRESSION_EXPIRED, SUPPRESSION_INVALID, SUPPRESSION_UNUSED, rules

EXPECTED = {
    "FIN-001": ("HIGH", "error"),  # required FinOps tags
    "FIN-002": ("HIGH", "error"),  # IAM wildcard actions
    "FIN-003": ("MEDIUM", "error"),  # KMS root key administration
    "FIN-004": ("MEDIUM", "error"),  # Lambda arm64
    "FIN-005": ("MEDIUM", "error"),  # layer arm64
    "FIN-006": ("HIGH", "error"),  # log retention
    "FIN-007": ("HIGH", "error"),  # logs to a declared log group
    "FIN-008": ("HIGH", "error"),  # DynamoDB PITR
    "FIN-009": ("MEDIUM", "error"),  # no RETAIN
    "FIN-010": ("HIGH", "error"),  # suppression expired
    "FIN-011": ("LOW", "warning"),  # suppression unused
    "FIN-012": ("HIGH", "error"),  # suppression invalid
    "FIN-013": ("HIGH", "error"),  # module calls cannot be governed
}


def test_every_rule_id_with_its_severity_and_level():
    assert {rule_id: (rule.severity, rule.level) for rule_id, rule in CATALOG.items()} == EXPECTED


def test_ids_are_one_unique_series():
    ids = list(CATALOG)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"FIN-\d{3}", rule_id) for rule_id in ids)


def test_rules_with_checks_and_evaluator_findings():
    assert [rule.id for rule in rules()] == [*(f"FIN-00{n}" for n in range(1, 10)), "FIN-013"]
    assert {SUPPRESSION_EXPIRED, SUPPRESSION_UNUSED, SUPPRESSION_INVALID} == set(CATALOG) - {r.id for r in rules()}


def test_every_rule_documents_title_rationale_and_fix():
    for rule in CATALOG.values():
        assert rule.title and len(rule.rationale) > 20 and len(rule.fix) > 20, rule.id
