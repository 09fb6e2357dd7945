"""The README's "Adopt the toolkit in your stack", run for real: the commands, and the samples of their output.

    .venv/bin/python -m tests.examples.adopt --write [--library cdktn]     # regenerate the README samples

Each step is shell commands a team runs in its own repository (here a copy of ``examples/adopt`` in a
temporary ``team-b-reports`` directory): build the toolkit wheel, install it with the stack's library
(cdktf or cdktn) in one virtual environment and with checkov in another, synth (fails on the example's
violations), the team's pytest (fails, readably), the fix, synth and pytest again (pass), the gate, plain
checkov on the printed checks directory, the tag audit. ``$REPO`` is this repository, ``$LIB`` the library.

Installs are offline (``UV_OFFLINE=1``): every package comes from the hashed locks
(``tools/<library>/requirements.txt``, ``tools/checkov/requirements.txt``) out of the uv cache that
``make setup checkov-env cdktn-env`` filled; nothing is downloaded. No variable of this repository's
environment reaches the commands (no ``PYTHONPATH``, no ``VIRTUAL_ENV``): the toolkit they import is the
wheel's. ``test_adopt.py`` runs every step under both libraries and compares each output with the
README's sample, after :func:`normalize` (paths, timings, object addresses).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.samples import blocks, write_or_print

README = REPO_ROOT / "README.md"
EXAMPLE = REPO_ROOT / "examples" / "adopt"
TEAM_DIR = "team-b-reports"
SHOWN_TEAM_DIR = f"~/{TEAM_DIR}"
WHEEL = "$REPO/dist/cdktf_governance-0.1.0-py3-none-any.whl"
OFFLINE = "CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE"  # checkov: no version check, no download


@dataclass(frozen=True)
class Step:
    name: str  # the README sample's name
    commands: tuple[str, ...]
    exit_code: int = 0
    show_output: bool = True


STEPS = (
    Step(
        "adopt-install",
        (
            'make --no-print-directory -C "$REPO" toolkit-wheel',
            "uv venv --quiet --python 3.11 .venv",
            'VIRTUAL_ENV=.venv uv pip install --quiet --require-hashes -r "$REPO/tools/$LIB/requirements.txt"',
            f'VIRTUAL_ENV=.venv uv pip install --quiet "{WHEEL}[$LIB]"',
            "uv venv --quiet --python 3.11 .venv-checkov",
            "VIRTUAL_ENV=.venv-checkov uv pip install --quiet --compile-bytecode --require-hashes "
            '-r "$REPO/tools/checkov/requirements.txt"',
            f'VIRTUAL_ENV=.venv-checkov uv pip install --quiet --no-deps "{WHEEL}"',
        ),
    ),
    Step("adopt-synth-fails", (".venv/bin/python main.py",), exit_code=1),
    Step("adopt-pytest-fails", (".venv/bin/pytest -q",), exit_code=1),
    Step("adopt-fix", ("git apply fix.patch",), show_output=False),
    Step("adopt-synth-passes", (".venv/bin/python main.py",)),
    Step("adopt-pytest-passes", (".venv/bin/pytest -q",)),
    Step("adopt-gate", (".venv-checkov/bin/governance-gate cdktf.out --policy governance.toml",)),
    Step("adopt-evaluate", (".venv/bin/governance-evaluate cdktf.out",)),
    Step(
        "adopt-plain-checkov",
        (
            f"{OFFLINE} .venv-checkov/bin/checkov -d cdktf.out --framework terraform_json "
            '--external-checks-dir "$(.venv-checkov/bin/governance-checks-dir)" '
            '--config-file "$(.venv-checkov/bin/governance-checks-dir --config-file)"',
        ),
    ),
    Step("adopt-tag-audit", (".venv/bin/tag-audit static cdktf.out --min-coverage 100 --policy governance.toml",)),
)


@dataclass(frozen=True)
class Result:
    step: Step
    exit_code: int
    output: str  # stdout and stderr as a terminal shows them, normalized


def normalize(text: str, team_dir: Path) -> str:
    """Output without what changes from run to run: the temporary team directory, this checkout's path,
    timings and object addresses."""
    text = text.replace(str(team_dir), SHOWN_TEAM_DIR).replace(str(REPO_ROOT), "$REPO")
    text = re.sub(r"\bin \d+\.\d+s\b", "in N.NNs", text)
    return re.sub(r"\bat 0x[0-9a-f]+\b", "at 0x...", text)


def environment(library: str) -> dict[str, str]:
    """What the commands see: the machine's basics, uv, the two variables, offline installs."""
    uv_dir = REPO_ROOT / ".venv-uv" / "bin"
    keep = {k: v for k, v in os.environ.items() if k in ("HOME", "LANG", "LC_ALL", "TMPDIR", "UV_CACHE_DIR")}
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not Path(p).is_relative_to(REPO_ROOT)]
    return {
        **keep,
        "PATH": os.pathsep.join([str(uv_dir), *path]),
        "REPO": str(REPO_ROOT),
        "LIB": library,
        "UV_OFFLINE": "1",
        "UV_LINK_MODE": "copy",
        "UV_PYTHON_DOWNLOADS": "never",
        "PYTHONDONTWRITEBYTECODE": "1",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CHECKPOINT_DISABLE": "1",
    }


def prepare(workdir: Path) -> Path:
    """The team's repository: a copy of examples/adopt, nothing else of ours around it."""
    team_dir = workdir / TEAM_DIR
    shutil.copytree(EXAMPLE, team_dir, ignore=shutil.ignore_patterns(".venv*", "cdktf.out", "reports", "__pycache__"))
    return team_dir


def run_step(step: Step, team_dir: Path, library: str) -> Result:
    env = environment(library)
    outputs, code = [], 0
    for command in step.commands:
        completed = subprocess.run(
            ["bash", "-c", command],
            cwd=team_dir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=600,
        )
        outputs.append(completed.stdout)
        code = completed.returncode
        if code != 0:
            break
    return Result(step, code, normalize("".join(outputs), team_dir))


def run_all(workdir: Path, library: str) -> list[Result]:
    team_dir = prepare(workdir)
    return [run_step(step, team_dir, library) for step in STEPS]


def sample(result: Result) -> str:
    """The README block of one step: the commands, then (if shown) the output and the exit code."""
    commands = "\n".join(f"$ {command}" for command in result.step.commands)
    text = f"```console\n{commands}\n```\n"
    if result.step.show_output:
        output = result.output if result.output.endswith("\n") or not result.output else result.output + "\n"
        text += f"\n```text\n{output}```\n" if output else ""
        text += f"\n(exit code {result.exit_code})\n"
    return text


def fix_sample() -> str:
    return "```diff\n" + (EXAMPLE / "fix.patch").read_text() + "```\n"


def policy_sample() -> str:
    return "```toml\n" + (EXAMPLE / "governance.toml").read_text() + "```\n"


def file_samples() -> dict[str, str]:
    """The samples that are files of the example, shown as they are."""
    return {"adopt-policy": policy_sample(), "adopt-fix-diff": fix_sample()}


def samples(results: list[Result]) -> dict[str, str]:
    return {**file_samples(), **{result.step.name: sample(result) for result in results}}


def main(argv: list[str]) -> int:
    import tempfile

    library = argv[argv.index("--library") + 1] if "--library" in argv else "cdktf"
    with tempfile.TemporaryDirectory() as tmp:
        results = run_all(Path(tmp), library)
    for result in results:
        if result.exit_code != result.step.exit_code:
            print(f"{result.step.name}: exit {result.exit_code}, expected {result.step.exit_code}:\n{result.output}")
            return 1
    return write_or_print([README], samples(results), argv, REPO_ROOT)


__all__ = ["README", "STEPS", "Result", "blocks", "file_samples", "main", "normalize", "run_all", "samples"]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
