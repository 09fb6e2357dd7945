"""The ``cost-estimate`` command line on the real synthesized stack and on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cost_estimate import cli, profile
from tests.conftest import REPO_ROOT, SynthesizedStack


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_table_of_the_pipeline_stack(dev_stack: SynthesizedStack, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(dev_stack.outdir), "--strict")
    assert (code, err) == (0, "")
    assert out.startswith("Cost estimate (stack: pipeline-dev): $")
    assert (
        "Usage profile: transaction pipeline, 500 files of 1 GB a day (cost_estimate/profiles/default.yml), month 12"
        in out
    )
    assert "Not priced (0: listed, never counted as $0)" in out


def test_month_override_and_json(dev_stack: SynthesizedStack, capsys: pytest.CaptureFixture[str]) -> None:
    _, first, _ = run(capsys, str(dev_stack.outdir), "--month", "1", "--format", "json")
    _, twelfth, _ = run(capsys, str(dev_stack.outdir), "--format", "json")
    month1, month12 = json.loads(first), json.loads(twelfth)
    assert month1["profile"]["month"] == 1
    assert month1["by_service"]["Amazon S3"] < month12["by_service"]["Amazon S3"]  # data accumulates
    assert month1["by_service"]["AWS Lambda"] == month12["by_service"]["AWS Lambda"]


def test_compare_with_itself_is_zero(
    dev_stack: SynthesizedStack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "cost.md"
    code, stdout, _ = run(capsys, str(dev_stack.outdir), "--compare", str(dev_stack.outdir), "--format", "markdown",
                          "--output", str(out))  # fmt: skip
    assert code == 0 and stdout.startswith(f"cost-estimate: wrote {out}")
    assert "**$0.00** (+0.0%)" in out.read_text()


def test_bad_input_is_one_line_with_exit_2(
    dev_stack: SynthesizedStack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and err.startswith(f"cost-estimate: error: {tmp_path}: no synthesized stack")
    usage = tmp_path / "usage.yml"
    data = yaml.safe_load(profile.DEFAULT_PROFILE.read_text())
    data["workload"]["files_per_day"] = -5
    usage.write_text(yaml.safe_dump(data))
    code, _, err = run(capsys, str(dev_stack.outdir), "--usage", str(usage))
    assert code == 2
    assert err == (
        f"cost-estimate: error: {usage}: invalid usage profile:\n"
        "  - workload.files_per_day: Input should be greater than 0\n"
    )


def test_strict_fails_on_anything_not_priced(
    dev_stack: SynthesizedStack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    usage = tmp_path / "usage.yml"
    data = yaml.safe_load(profile.DEFAULT_PROFILE.read_text())
    del data["functions"]["load"], data["functions"]["orchestrator"]  # the orchestrator waits for load
    usage.write_text(yaml.safe_dump(data))
    code, out, _ = run(capsys, str(dev_stack.outdir), "--usage", str(usage), "--strict")
    assert code == 1
    assert "no usage for function lambda-load-dev in the profile" in out
    assert run(capsys, str(dev_stack.outdir), "--usage", str(usage))[0] == 0


def test_console_script_is_installed(dev_stack: SynthesizedStack) -> None:
    script = Path(sys.executable).with_name("cost-estimate")
    result = subprocess.run([str(script), str(dev_stack.outdir), "--format", "json"], cwd=REPO_ROOT,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["scopes"] == ["pipeline-dev"]
