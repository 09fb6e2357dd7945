"""Unit: the deployable handler code stays a separate unit with declared, locked dependencies."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import version
from pathlib import Path

from stack.steps import NAMES

REPO = Path(__file__).resolve().parents[2]
LAYER = REPO / "handlers" / "layer" / "python" / "txn_pipeline"
FUNCTIONS = REPO / "handlers" / "functions"
LOCK = REPO / "handlers" / "requirements.txt"
FORBIDDEN = {"cdktf", "cdktf_cdktf_provider_aws", "constructs", "tfcdk", "stack", "aspects", "policies"}
#: what the code may import beyond the standard library: the Lambda runtime's boto3, and the layer's lock
RUNTIME_PROVIDED = {"boto3", "botocore"}
LAYER_IMPORTS = {"duckdb", "aws_lambda_powertools"}
#: packages the Lambda Python runtime provides, which the lock must leave out (the layer must not shadow them)
RUNTIME_PACKAGES = {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "six", "urllib3"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def pins(lock: Path) -> dict[str, str]:
    return dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==([^\s\\]+)", lock.read_text(), re.MULTILINE))


def test_layer_and_functions_import_only_stdlib_the_runtime_and_the_layer_lock():
    files = [*LAYER.glob("*.py"), *FUNCTIONS.glob("*/*.py")]
    assert len(files) >= 15
    for f in files:
        roots = imported_roots(f)
        assert not roots & FORBIDDEN, f
        third_party = {r for r in roots if r not in sys.stdlib_module_names and r != "txn_pipeline"}
        assert third_party <= RUNTIME_PROVIDED | LAYER_IMPORTS, (f, third_party)


def test_function_dirs_are_thin():
    for name in NAMES:
        d = FUNCTIONS / name
        assert {p.name for p in d.iterdir() if p.name != "__pycache__"} <= {"app.py", "__init__.py"}
        src = (d / "app.py").read_text()
        assert "def handler(event, context):" in src and len(src.splitlines()) < 20


def test_lock_pins_every_declared_package_with_hashes_and_leaves_out_the_runtime():
    declared = dict(
        re.findall(
            r"^([a-z0-9-]+)(?:\[[a-z]+\])?==(\S+)", (REPO / "handlers" / "requirements.in").read_text(), re.MULTILINE
        )
    )
    locked = pins(LOCK)
    assert declared == {"duckdb": locked["duckdb"], "aws-lambda-powertools": locked["aws-lambda-powertools"]}
    assert not RUNTIME_PACKAGES & set(locked)
    blocks = re.split(r"\n(?=[a-z])", LOCK.read_text().split("\n", 3)[-1])
    assert all("--hash=sha256:" in b for b in blocks if re.match(r"[a-z]", b)), "every pin has hashes"


def test_test_environment_and_emulator_run_the_layer_versions():
    locked = pins(LOCK)
    for dist in ("duckdb", "aws-lambda-powertools", "aws-xray-sdk"):
        assert version(dist) == locked[dist], dist  # .venv (pyproject dev group) == the layer
    assert pins(REPO / "tools" / "emulator" / "requirements.txt")["duckdb"] == locked["duckdb"]
