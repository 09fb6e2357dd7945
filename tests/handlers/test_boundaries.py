"""Unit: the deployable handler code stays a separate, dependency-free unit."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAYER = REPO / "handlers" / "layer" / "python" / "txn_pipeline"
FUNCTIONS = REPO / "handlers" / "functions"
FORBIDDEN = {"cdktf", "cdktf_cdktf_provider_aws", "constructs", "tfcdk", "stack", "aspects", "policies",
             "aws_lambda_powertools"}  # fmt: skip
ALLOWED_THIRD_PARTY = {"boto3", "botocore"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_layer_and_functions_import_only_stdlib_boto_and_the_layer():
    import sys

    files = [*LAYER.glob("*.py"), *FUNCTIONS.glob("*/*.py")]
    assert len(files) >= 15
    for f in files:
        roots = imported_roots(f)
        assert not roots & FORBIDDEN, f
        third_party = {r for r in roots if r not in sys.stdlib_module_names and r != "txn_pipeline"}
        assert third_party <= ALLOWED_THIRD_PARTY, (f, third_party)


def test_function_dirs_are_thin():
    for name in ("ingest", "validate", "transform", "load"):
        d = FUNCTIONS / name
        assert {p.name for p in d.iterdir() if p.name != "__pycache__"} <= {"app.py", "__init__.py"}
        src = (d / "app.py").read_text()
        assert "def handler(event, context):" in src and len(src.splitlines()) < 20
