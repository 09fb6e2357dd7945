"""The checks stay thin: no rule logic in policies/, no cdktf in checkov's environment."""

from __future__ import annotations

import ast

from policies.gate import CHECKS_DIR

#: A check file declares its rule and the types it applies to, read from the rule's data (never logic).
ALLOWED_IN_CHECKS = {
    "fin_base", "fin_key_policy", "checkov.common.models.enums", "aspects.data", "aspects.policy_documents"
}  # fmt: skip
FORBIDDEN_EVERYWHERE = ("cdktf", "constructs", "jsii", "tfcdk", "stack", "aspects.synth")


def imports(path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_check_files_are_declarations_over_fin_base():
    for path in sorted(CHECKS_DIR.glob("Fin*.py")):
        assert imports(path) <= ALLOWED_IN_CHECKS, path.name
        tree = ast.parse(path.read_text())
        logic = [n for n in ast.walk(tree) if isinstance(n, ast.If | ast.For | ast.While | ast.Compare | ast.Lambda)]
        assert not logic, f"{path.name}: rule logic belongs in aspects/rules"
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        assert [c.name for c in classes] == [path.stem]
        methods = [n.name for n in classes[0].body if isinstance(n, ast.FunctionDef)]
        assert methods == ["__init__"], f"{path.name}: only __init__ (id, name, resources, categories)"


def test_key_policy_checks_keep_their_predicate_outside_checkov():
    """The one decision the CKV_FIN_AWS_* checks add is a pure function in policies/key_policy.py."""
    assert imports(CHECKS_DIR / "fin_key_policy.py") & {"policies.key_policy"}
    assert not {m for m in imports(CHECKS_DIR.parent / "key_policy.py") if m.startswith("checkov")}


def test_nothing_in_policies_imports_cdktf():
    for path in [*CHECKS_DIR.glob("*.py"), CHECKS_DIR.parent / "gate.py"]:
        bad = {m for m in imports(path) if m.split(".")[0] in FORBIDDEN_EVERYWHERE or m == "aspects.synth"}
        assert not bad, f"{path.name} imports {bad}"
