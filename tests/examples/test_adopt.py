"""examples/adopt: the README's "Adopt the toolkit in your stack", run as written, under cdktf and cdktn.

The install test (``make test-install``) builds the wheel, installs it from the hashed locks offline into
fresh environments with nothing of this repository on ``sys.path``, and runs every step of the README
section in a copy of the example: each output must be the README's sample (normalized), under both
libraries. The other tests here are fast: the README shows exactly the commands the install test runs.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.examples import adopt

LIBRARIES = ("cdktf", "cdktn")
OTHER = {"cdktf": "cdktn", "cdktn": "cdktf"}


def readme_samples() -> dict[str, str]:
    return adopt.blocks(adopt.README.read_text())


def test_the_readme_shows_every_step_with_the_commands_the_test_runs():
    samples = readme_samples()
    for step in adopt.STEPS:
        assert step.name in samples, f"README lacks the sample {step.name}: run python -m tests.examples.adopt --write"
        shown = [line[2:] for line in samples[step.name].splitlines() if line.startswith("$ ")]
        assert shown == list(step.commands), step.name
    for name, text in adopt.file_samples().items():
        assert samples[name] == text, f"{name} differs from the example's file"


@pytest.fixture(scope="module", params=LIBRARIES)
def adoption(request, tmp_path_factory) -> tuple[str, Path, list[adopt.Result]]:
    library = request.param
    workdir = tmp_path_factory.mktemp(f"adopt-{library}")
    return library, workdir / adopt.TEAM_DIR, adopt.run_all(workdir, library)


@pytest.mark.install
def test_every_step_prints_what_the_readme_shows(adoption):
    library, _, results = adoption
    samples = readme_samples()
    for result in results:
        assert result.exit_code == result.step.exit_code, f"{library} {result.step.name}:\n{result.output}"
        assert adopt.sample(result) == samples[result.step.name], f"{library}: {result.step.name} differs"


@pytest.mark.install
def test_the_environments_hold_the_wheel_and_the_locks_and_nothing_of_this_repository(adoption):
    library, team_dir, _ = adoption
    code = (
        "import importlib.metadata as m, json, re, sys, aspects, policies.gate\n"
        "norm = lambda n: re.sub(r'[-_.]+', '-', n).lower()\n"
        "print(json.dumps({'names': sorted(norm(d.metadata['Name']) for d in m.distributions()),\n"
        "  'aspects': aspects.__file__, 'checks': str(policies.gate.CHECKS_DIR), 'path': sys.path}))\n"
    )
    env = adopt.environment(library)
    found = {}
    for venv in (".venv", ".venv-checkov"):
        python = team_dir / venv / "bin" / "python"
        out = subprocess.run([str(python), "-c", code], cwd=team_dir, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        found[venv] = json.loads(out.stdout)
    stack_env = found[".venv"]
    locked = {line.split("==")[0].lower() for line in lock(library).splitlines() if "==" in line}
    assert set(stack_env["names"]) == locked | {"cdktf-governance"}
    assert library in stack_env["names"] and OTHER[library] not in stack_env["names"]
    assert not [n for n in stack_env["names"] if "provider" in n]  # no provider bindings
    for venv, info in found.items():
        site = str(team_dir / venv / "lib")
        assert info["aspects"].startswith(site) and info["checks"].startswith(site), (venv, info)
        assert not [p for p in info["path"] if str(adopt.REPO_ROOT) in p], (venv, info["path"])
    assert "checkov" in found[".venv-checkov"]["names"] and "cdktf-governance" in found[".venv-checkov"]["names"]


@pytest.mark.install
def test_plain_checkov_loads_the_installed_checks(adoption):
    _, _, results = adoption
    plain = next(r for r in results if r.step.name == "adopt-plain-checkov")
    gate = next(r for r in results if r.step.name == "adopt-gate")
    assert "Cannot load external check" not in plain.output
    assert "Passed checks: 32, Failed checks: 0" in plain.output and "policy gate: 32 passed, 0 failed" in gate.output


def lock(library: str) -> str:
    return (adopt.REPO_ROOT / "tools" / library / "requirements.txt").read_text()
