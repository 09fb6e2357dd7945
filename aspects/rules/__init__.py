"""One rule per file: ``check(resource, context) -> RuleResult``, pure Python over plain dicts."""
