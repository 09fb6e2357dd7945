"""`terraform validate` passes on the synthesized stack with no errors and no warnings (offline init)."""

from __future__ import annotations

from ops import terraform
from tests.conftest import SynthesizedStack


def test_terraform_validate_is_clean(dev_stack: SynthesizedStack) -> None:
    terraform.init(dev_stack.stack_dir)
    report = terraform.validate(dev_stack.stack_dir)
    assert report["valid"] is True
    assert report["error_count"] == 0
    assert report["warning_count"] == 0, report["diagnostics"]
