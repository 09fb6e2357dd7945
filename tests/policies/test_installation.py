"""The CKV_FIN_* checks import the toolkit from checkov's environment, and only their own installation of it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from policies.gate import CHECKS_DIR
from tests.policies.conftest import CHECKOV_PYTHON, require_checkov


def load_fin_base(checks_dir, cwd) -> subprocess.CompletedProcess[str]:
    code = f"import sys; sys.path.insert(0, {str(checks_dir)!r}); import fin_base; print(fin_base.INSTALLATION)"
    return subprocess.run([str(CHECKOV_PYTHON), "-c", code], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.checkov
def test_the_checks_load_with_the_toolkit_of_checkovs_environment(tmp_path):
    require_checkov()
    result = load_fin_base(CHECKS_DIR, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(CHECKS_DIR.parents[1])


@pytest.mark.checkov
def test_checks_of_another_installation_refuse_to_run(tmp_path):
    """A gate pointed at a checkov whose environment holds another copy of the toolkit fails loudly."""
    require_checkov()
    other = tmp_path / "other-site-packages" / "policies"
    shutil.copytree(CHECKS_DIR.parent, other, ignore=shutil.ignore_patterns("__pycache__"))
    result = load_fin_base(other / "checks", tmp_path)
    assert result.returncode == 1
    ours = CHECKS_DIR.parents[1] / "aspects"
    assert (
        f"ImportError: the CKV_FIN_* checks in {other / 'checks'} need the aspects package of their own "
        f"installation ({tmp_path / 'other-site-packages'}), but checkov's Python imports {ours}"
    ) in result.stderr, result.stderr
