"""The gate end to end: the pipeline stack passes offline; a violating multi-stack output fails loudly."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from policies import gate
from tests.conftest import REPO_ROOT
from tests.policies.conftest import CHECKOV_PYTHON, FIXTURES, require_checkov

PIPELINE_SKIPS = "stack/checkov-skips.yaml"  # relative to the repository root, where run_gate runs

NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request")


def offline_checkov(tmp_path: Path) -> tuple[Path, Path]:
    """A checkov entry point that logs (and refuses) every network call, for the gate's --checkov."""
    log = tmp_path / "network.log"
    wrapper = tmp_path / "checkov-offline"
    wrapper.write_text(
        f"#!{CHECKOV_PYTHON}\n"
        "import sys\n"
        "def _hook(event, args):\n"
        f"    if event in {NETWORK_EVENTS!r}:\n"
        f"        with open({str(log)!r}, 'a') as f:\n"
        "            f.write(f'{event} {args!r}\\n')\n"
        "        raise OSError('network disabled by the test')\n"
        "sys.addaudithook(_hook)\n"
        "from checkov.main import Checkov\n"
        "sys.exit(Checkov().run())\n"
    )
    wrapper.chmod(0o755)
    return wrapper, log


def run_gate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "policies.gate", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.checkov
def test_pipeline_stack_passes_offline_with_reports(dev_stack, tmp_path):
    require_checkov()
    checkov, network_log = offline_checkov(tmp_path)
    reports = tmp_path / "reports"
    result = run_gate(
        str(dev_stack.outdir), "--reports", str(reports), "--checkov", str(checkov), "--skip-config", PIPELINE_SKIPS
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "policy gate: PASSED" in result.stdout
    assert "3 built-in checks not run (policies/checkov.yaml) + 5 (stack/checkov-skips.yaml)" in result.stdout
    assert "0 failed" in result.stdout and "0 parsing errors" in result.stdout
    assert not network_log.exists(), network_log.read_text()
    summary = json.loads((reports / "results_json.json").read_text())["summary"]
    assert summary["failed"] == 0 and summary["parsing_errors"] == 0 and summary["passed"] > 300
    sarif = json.loads((reports / "results_sarif.sarif").read_text())
    assert sarif["runs"] and sarif["runs"][0]["results"] == []
    junit = (reports / "results_junitxml.xml").read_text()
    for check_id in [f"CKV_FIN_{n}" for n in range(1, 10)]:  # the custom checks ran on the stack
        assert f"[{check_id}]" in junit, check_id


@dataclass(frozen=True)
class GateRun:
    result: subprocess.CompletedProcess[str]
    reports: Path


@pytest.fixture(scope="module")
def violating_run(tmp_path_factory: pytest.TempPathFactory) -> GateRun:
    """ONE gate run over three violating stacks in two directory kinds: the violating pipeline example (one
    escape-hatch violation per rule, written with the annotations override) and two fixture stacks."""
    require_checkov()
    tmp = tmp_path_factory.mktemp("violating")
    outdir = tmp / "cdktf.out"
    env = {**os.environ, "CDKTF_OUTDIR": str(outdir), "CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS": "1"}
    synth = subprocess.run(
        [sys.executable, "-m", "examples.violating_pipeline"], cwd=REPO_ROOT, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert synth.returncode == 0, synth.stderr
    reports = tmp / "reports"
    dirs = [str(outdir), str(FIXTURES / "FinLambdaArm64"), str(FIXTURES / "FinDynamodbPitr")]
    return GateRun(run_gate(*dirs, "--reports", str(reports), "--skip-config", PIPELINE_SKIPS), reports)


@pytest.mark.checkov
def test_each_of_the_six_rules_fails_the_gate_on_the_violating_pipeline(violating_run):
    result = violating_run.result
    assert result.returncode == 1, result.stdout + result.stderr
    failed = set(re.findall(r"^FAILED (CKV_FIN_\d+) (\S+) \[(pipeline-dev/\S+)\]", result.stdout, re.MULTILINE))
    DOC = "aws_iam_policy_document"
    assert failed == {
        ("CKV_FIN_1", "aws_lambda_function.ingest_fn_function_ED80B4EE", "pipeline-dev/ingest_fn/function"),
        ("CKV_FIN_2", f"data.{DOC}.ingest_fn_permissions_B263F8F8", "pipeline-dev/ingest_fn/permissions"),
        ("CKV_FIN_4", "aws_lambda_function.load_fn_function_36C75007", "pipeline-dev/load_fn/function"),
        ("CKV_FIN_6", "aws_cloudwatch_log_group.workflow_logs_9A6C825C", "pipeline-dev/workflow/logs"),
        ("CKV_FIN_8", "aws_dynamodb_table.metadata_table_7A79CBA2", "pipeline-dev/metadata/table"),
        ("CKV_FIN_9", "aws_s3_bucket.data_bucket_51E298BF", "pipeline-dev/data_bucket/bucket"),
    }


@pytest.mark.checkov
def test_several_stacks_fail_naming_check_address_and_construct_path(violating_run):
    result, reports = violating_run.result, violating_run.reports
    assert "3 stack file(s)" in result.stdout
    assert "FAILED CKV_FIN_4 aws_lambda_function.fn_x86_fail [FinLambdaArm64/fn_x86_fail]" in result.stdout
    assert "FAILED CKV_FIN_8 aws_dynamodb_table.table_no_pitr_fail [FinDynamodbPitr/table_no_pitr_fail]" in (
        result.stdout
    )
    assert "FIN-004 [MEDIUM] FinLambdaArm64/fn_x86_fail (aws_lambda_function.fn_x86_fail)" in result.stdout
    assert "policy gate: FAILED" in result.stdout
    sarif = json.loads((reports / "results_sarif.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"CKV_FIN_1", "CKV_FIN_4", "CKV_FIN_8"}
    junit = (reports / "results_junitxml.xml").read_text()
    assert "legacy x86 binaries until the Q3 port (expires 2099-12-31)" in junit  # a suppressed result's reason
    assert (  # and the gate lists suppressed results with their reason
        "SKIPPED CKV_FIN_4 resource.legacy_fn_inherited_skip_7866E74C: legacy x86 binaries until the Q3 port "
        "(expires 2099-12-31)" in result.stdout
    )


def fake_checkov(tmp_path: Path, *, stderr: str, failed: list[dict] | None = None) -> Path:
    """A stand-in for checkov that writes a report and prints ``stderr``: tests the gate's own logic fast."""
    report = {"check_type": "terraform_json", "results": {"failed_checks": failed or []},
              "summary": {"passed": 3, "failed": len(failed or []), "skipped": 0, "parsing_errors": 0}}  # fmt: skip
    script = tmp_path / "fake-checkov"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, sys\n"
        "out = sys.argv[sys.argv.index('--output-file-path') + 1]\n"
        f"open(out + '/results_json.json', 'w').write(json.dumps({report!r}))\n"
        f"sys.stderr.write({stderr!r})\n"
        f"sys.exit({1 if failed else 0})\n"
    )
    script.chmod(0o755)
    return script


def test_a_check_that_did_not_load_fails_the_gate(tmp_path):
    checkov = fake_checkov(tmp_path, stderr="[ERROR] Cannot load external check 'FinBroken' from /x/FinBroken.py\n")
    result = run_gate(str(FIXTURES / "FinNoRetain"), "--reports", str(tmp_path), "--checkov", str(checkov))
    assert result.returncode == 1
    assert "ERROR custom check FinBroken did not load" in result.stdout


def test_a_clean_report_passes(tmp_path):
    checkov = fake_checkov(tmp_path, stderr="")
    result = run_gate(str(FIXTURES / "FinNoRetain"), "--reports", str(tmp_path), "--checkov", str(checkov))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_stack_skip_list_is_added_to_the_toolkits_on_checkovs_command_line(tmp_path):
    command = gate.checkov_command(Path("checkov"), [tmp_path], tmp_path, [], ["CKV_AWS_18", "CKV_AWS_109"])
    assert command[command.index("--skip-check") + 1] == "CKV_AWS_109,CKV_AWS_111,CKV_AWS_356,CKV_AWS_18"
    assert "--skip-check" not in gate.checkov_command(Path("checkov"), [tmp_path], tmp_path, [])
    bad = tmp_path / "skips.yaml"
    bad.write_text("skip-check:\n  - CKV_AWS_18\n")
    result = run_gate(str(FIXTURES / "FinNoRetain"), "--skip-config", str(bad))
    assert result.returncode == 2
    assert f"{bad}: CKV_AWS_18 needs a reason in the comment right above it, naming it" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert run_gate(str(tmp_path / "missing")).returncode == 2
    assert run_gate(str(tmp_path)).returncode == 2  # no *.tf.json below it
    no_checkov = run_gate(str(FIXTURES / "FinNoRetain"), "--checkov", str(tmp_path / "nope"))
    assert no_checkov.returncode == 2 and "checkov not found (tried " in no_checkov.stderr


def test_failures_resolve_checkovs_resource_ids_to_addresses():
    """checkov names Python-check results ``resource.<name>``; graph checks ``<type>.<name>``."""
    path = str(FIXTURES / "FinLambdaArm64" / "cdk.tf.json")
    documents = gate._Documents({})
    python_check = {"resource": "resource.fn_x86_fail", "file_abs_path": path}
    graph_check = {"resource": "aws_lambda_function.fn_x86_fail", "file_abs_path": path}
    expected = ("aws_lambda_function.fn_x86_fail", "FinLambdaArm64/fn_x86_fail")
    assert gate.resolve(python_check, documents) == expected
    assert gate.resolve(graph_check, documents) == expected


def test_checkov_is_found_beside_the_gate_first(tmp_path, monkeypatch):
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "checkov").write_text("")
    monkeypatch.setattr(gate.sys, "executable", str(bin_dir / "python"))
    monkeypatch.delenv("CHECKOV", raising=False)
    monkeypatch.chdir(tmp_path)
    assert gate.find_checkov() == bin_dir / "checkov"
    monkeypatch.setenv("CHECKOV", str(tmp_path / "env-checkov"))
    assert gate.checkov_candidates()[:2] == [tmp_path / "env-checkov", bin_dir / "checkov"]
    assert gate.find_checkov(tmp_path / "explicit") is None  # an explicit path is never replaced by another


def test_checks_dir_command_prints_the_installed_locations(capsys):
    assert gate.checks_dir_main([]) == 0
    assert gate.checks_dir_main(["--config-file"]) == 0
    checks, config = capsys.readouterr().out.splitlines()
    assert Path(checks) == gate.CHECKS_DIR and (Path(checks) / "fin_base.py").is_file()
    assert Path(config) == gate.CONFIG_FILE and Path(config).name == "checkov.yaml"
