"""The CLI: the installed console script on fixtures, and ``main()`` against moto for the live paths."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from tag_audit import cli, live
from tests.tag_audit.conftest import GAPS, REGION, TAG_POLICY, inject_errors

SCRIPT = shutil.which("tag-audit", path=str(Path(sys.executable).parent))


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    assert SCRIPT, "tag-audit console script not installed (uv sync)"
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, check=False, timeout=120)


def test_console_script_static_threshold():
    failing = _run("static", str(GAPS), "--min-coverage", "50")
    assert failing.returncode == 1, failing.stderr
    assert "Result: FAIL (coverage 16.7% < minimum 50%)" in failing.stdout
    passing = _run("static", str(GAPS), "--min-coverage", "16")
    assert passing.returncode == 0 and "Result: PASS" in passing.stdout


def test_console_script_writes_markdown(tmp_path: Path):
    out = tmp_path / "report.md"
    result = _run("static", str(GAPS), "--format", "markdown", "--output", str(out), "--tag-policy", str(TAG_POLICY))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"tag-audit: wrote {out} (coverage 33.3%, PASS)\n"
    assert out.read_text().startswith("### Tag audit (static, stack: gaps-dev)")


def test_console_script_input_errors(tmp_path: Path):
    result = _run("static", str(tmp_path))
    assert result.returncode == 2
    assert (
        result.stderr
        == f"tag-audit: error: {tmp_path}: no synthesized stack (expected cdktf.out, stacks/<name> or a cdk.tf.json)\n"
    )
    usage = _run("live", "--format", "json")
    assert usage.returncode == 2 and "--region" in usage.stderr


def test_the_governance_policy_file_names_the_required_keys(tmp_path: Path, capsys):
    policy = tmp_path / "governance.toml"
    policy.write_text('[tags]\nrequired = ["CostCenter", "Owner"]\n')
    code = cli.main(["static", str(GAPS), "--policy", str(policy), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["requirements"] == {
        "source": f"governance policy file {policy}",
        "keys": ["CostCenter", "Owner"],
        "allowed": {},
    }
    assert report["summary"]["taggable"] == 6
    policy.write_text('[tags]\nrequired = "Owner"\n')
    assert cli.main(["static", str(GAPS), "--policy", str(policy)]) == 2
    assert f"tag-audit: error: {policy}" in capsys.readouterr().err
    assert cli.main(["static", str(GAPS), "--policy", str(policy), "--tag-policy", str(TAG_POLICY)]) == 2
    assert "--tag-policy and --policy both name the required keys" in capsys.readouterr().err


def test_live_with_compare_reports_drift(aws, capsys):
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.create_queue(QueueName="gaps-empty-owner-dev", tags={"CostCenter": "FIN-1", "Owner": "x"})
    code = cli.main(["live", "--region", REGION, "--compare", str(GAPS), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["summary"]["overall"] == {"covered": 0, "total": 1, "percent": 0.0}
    assert {(d["kind"], d["address"], d["key"]) for d in data["drift"]} == {
        ("missing-resource", "aws_s3_bucket.owner_set_ok", ""),
        ("missing-resource", "aws_s3_bucket.no_owner_fail", ""),
        ("missing-resource", "aws_sns_topic.empty_project_fail", ""),
        ("missing-resource", "aws_dynamodb_table.aliased_provider_fail", ""),
        ("missing-resource", "aws_lambda_function.tags_expression_unknown", ""),
        ("tag-differs", "aws_sqs_queue.empty_owner_fail", "Environment"),
        ("tag-differs", "aws_sqs_queue.empty_owner_fail", "ManagedBy"),
        ("tag-differs", "aws_sqs_queue.empty_owner_fail", "Owner"),
        ("tag-differs", "aws_sqs_queue.empty_owner_fail", "Project"),
    }


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["AccessDeniedException"], "tag-audit: error: access denied (AccessDeniedException): User: "),
        (["ThrottlingException"] * 6, "tag-audit: error: throttled by AWS (ThrottlingException) 6 times in a row"),
    ],
)
def test_live_aws_errors_exit_3_without_traceback(aws, capsys, monkeypatch, codes, message):
    real = live.make_client

    def client_with_errors(**kwargs):
        client = real(**kwargs)
        inject_errors(client, codes)
        return client

    monkeypatch.setattr(live, "make_client", client_with_errors)
    monkeypatch.setattr(live.time, "sleep", lambda _: None)  # read at call time by live.get_resources
    code = cli.main(["live", "--region", REGION])
    captured = capsys.readouterr()
    assert code == 3
    assert captured.out == ""
    assert captured.err.startswith(message) and captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
