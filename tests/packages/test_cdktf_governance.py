"""packages/cdktf-governance: the toolkit's distribution holds the toolkit and nothing else.

Builds the sdist and the wheel from it with the pinned uv (as ``make toolkit-wheel`` does) and reads them.
"""

from __future__ import annotations

import ast
import email
import subprocess
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "packages" / "cdktf-governance"
UV = REPO_ROOT / ".venv-uv" / "bin" / "uv"
TOOLKIT = ("aspects", "policies", "tag_audit")
#: Never imported by the toolkit: provider bindings, the pipeline's own packages.
FORBIDDEN = {
    "cdktf_cdktf_provider_aws", "cdktn_provider_aws", "tfcdk", "stack", "handlers", "ops", "emulator", "cost_estimate",
    "tests", "tools", "examples", "txn_pipeline",
}  # fmt: skip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [str(UV), "build", "--quiet", str(PACKAGE), "--out-dir", str(out)], capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr
    (path,) = out.glob("cdktf_governance-*.whl")
    assert len(list(out.glob("cdktf_governance-*.tar.gz"))) == 1
    return zipfile.ZipFile(path)


def tracked(package: str) -> set[str]:
    listed = subprocess.run(["git", "ls-files", package], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return {line for line in listed.stdout.splitlines() if Path(line).suffix in {".py", ".json", ".yaml"}}


def test_the_wheel_holds_exactly_the_toolkits_source_and_data(wheel):
    names = set(wheel.namelist())
    shipped = {n for n in names if ".dist-info/" not in n}
    assert shipped == set().union(*(tracked(p) for p in TOOLKIT))
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert {"aspects/data/aws_managed_policies.json", "policies/checkov.yaml", "policies/checks/fin_base.py"} <= names


def test_metadata_no_dependencies_an_extra_per_library_and_the_entry_points(wheel):
    dist_info = next(n.split("/")[0] for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    metadata = email.message_from_bytes(wheel.read(f"{dist_info}/METADATA"))
    assert (metadata["Name"], metadata["Version"]) == ("cdktf-governance", "0.1.0")
    requires = metadata.get_all("Requires-Dist") or []
    assert all("extra ==" in r for r in requires), requires  # nothing unconditional
    assert sorted(metadata.get_all("Provides-Extra")) == ["cdktf", "cdktn", "live"]
    assert {r.split(";")[0].strip() for r in requires if "extra == 'cdktn'" in r} == {
        "cdktn<0.25,>=0.24", "constructs<10.8,>=10.6"
    }  # fmt: skip
    entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
    for line in (
        "governance-gate = policies.gate:main",
        "governance-checks-dir = policies.gate:checks_dir_main",
        "governance-evaluate = aspects.cli:main",
        "tag-audit = tag_audit.cli:main",
        "cdktf_governance = aspects.pytest_plugin",
    ):
        assert line in entry_points
    assert "[pytest11]" in entry_points


def test_no_toolkit_module_imports_provider_bindings_or_the_pipeline(wheel):
    offences = []
    for name in wheel.namelist():
        if not name.endswith(".py") or ".dist-info/" in name:
            continue
        for node in ast.walk(ast.parse(wheel.read(name))):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            offences += [f"{name}: {m}" for m in modules if m.split(".")[0] in FORBIDDEN]
    assert offences == []


def test_the_cdktf_lock_pins_what_uv_lock_pins():
    """The toolkit is tested with the cdktf (and jsii, constructs, pytest) the pipeline runs."""
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text())
    pinned = {p["name"]: p["version"] for p in lock["package"]}
    cdktf_lock = (REPO_ROOT / "tools" / "cdktf" / "requirements.txt").read_text()
    pins = dict(line.split(" ")[0].split("==") for line in cdktf_lock.splitlines() if "==" in line)
    assert {"cdktf", "constructs", "jsii", "pytest"} <= set(pins)
    assert {name: (version, pinned.get(name)) for name, version in pins.items() if pinned.get(name) != version} == {}
