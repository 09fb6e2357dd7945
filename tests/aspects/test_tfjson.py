"""Every form of Terraform's JSON syntax is read, and input that is not Terraform JSON gets one clear error
naming the file and the JSON path (never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aspects.document import evaluate_document
from aspects.tfjson import DocumentError, load_document, read_document

ROOT = Path(__file__).resolve().parents[2]
TAGS = {"CostCenter": "c", "Environment": "e", "Owner": "o", "Project": "p", "ManagedBy": "m"}
BUCKET = {"bucket": "b"}  # no force_destroy: one FIN-009 finding

#: The same configuration (a tagged provider, one bucket without force_destroy) in every JSON spelling.
FORMS = {
    "cdktf": {"provider": {"aws": [{"default_tags": [{"tags": TAGS}]}]}, "resource": {"aws_s3_bucket": {"b": BUCKET}}},
    "objects": {"provider": {"aws": {"default_tags": {"tags": TAGS}}}, "resource": {"aws_s3_bucket": {"b": BUCKET}}},
    "block_type_arrays": {
        "provider": [{"aws": {"default_tags": {"tags": TAGS}}}],
        "resource": [{"aws_s3_bucket": {"b": BUCKET}}],
    },
    "label_arrays": {
        "provider": {"aws": [{"default_tags": [{"tags": TAGS}]}]},
        "resource": {"aws_s3_bucket": [{"b": [BUCKET]}]},
    },
    "root_array": [
        {"provider": {"aws": {"default_tags": {"tags": TAGS}}}},
        {"resource": {"aws_s3_bucket": {"b": BUCKET}}},
    ],
    "comments_and_nulls": {
        "//": "a comment",
        "provider": {"//": "providers", "aws": {"default_tags": {"tags": TAGS}, "region": None}},
        "resource": {"aws_s3_bucket": {"//": "buckets", "b": {**BUCKET, "force_destroy": None, "tags": None}}},
        "data": None,
        "module": None,
    },
}


@pytest.mark.parametrize("name", FORMS)
def test_every_spelling_gives_the_same_findings(name):
    report = evaluate_document(FORMS[name])
    assert {(f.rule_id, f.address, f.key) for f in report.findings} == {("FIN-009", "aws_s3_bucket.b", "force_destroy")}


def test_several_blocks_of_one_provider_and_aliases():
    document = read_document({"provider": {"aws": [{"region": "us-east-2"}, {"alias": "eu", "region": "eu-west-1"}]}})
    assert [p.key for p in document.providers] == ["aws", "aws.eu"]


def test_modules_and_data_sources_are_read():
    document = read_document(
        {"module": [{"vpc": {"source": "x"}}], "data": {"aws_iam_policy_document": [{"d": {"statement": []}}]}}
    )
    assert [r.address for r in document.resources] == ["module.vpc", "data.aws_iam_policy_document.d"]


@pytest.mark.parametrize(
    "raw, path, problem",
    [
        ([1], "$[0]", "expected a Terraform JSON body (an object), got a number"),
        ("text", "$", "expected a Terraform JSON object, got a string"),
        ({"resource": "x"}, "$.resource", "expected resource types (an object or an array of objects), got a string"),
        ({"resource": {"aws_s3_bucket": {"b": 3}}}, "$.resource.aws_s3_bucket.b", "got a number"),
        ({"resource": {"aws_s3_bucket": {"b": []}}}, "$.resource.aws_s3_bucket.b", "got an empty array"),
        ({"resource": [{"aws_s3_bucket": [1]}]}, "$.resource[0].aws_s3_bucket[0]", "got a number"),
        ({"resources": {}}, "$.resources", "unknown top-level block type 'resources'"),
        (
            {"resource": [{"aws_s3_bucket": {"b": {}}}, {"aws_s3_bucket": {"b": {}}}]},
            "$.resource[1].aws_s3_bucket.b",
            "aws_s3_bucket.b is declared twice (first at $.resource[0].aws_s3_bucket.b)",
        ),
    ],
)
def test_not_terraform_json_names_the_path(raw, path, problem):
    with pytest.raises(DocumentError) as error:
        read_document(raw, "stack.tf.json")
    assert error.value.path == path and problem in error.value.problem
    assert str(error.value).startswith(f"stack.tf.json: {path}: ")


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "cdk.tf.json"
    path.write_text('{"resource": {\n  "aws_s3_bucket": {,}}}')
    with pytest.raises(DocumentError) as error:
        load_document(path)
    assert (
        str(error.value)
        == f"{path}: $: not valid JSON: Expecting property name enclosed in double quotes at line 2 column 21"
    )


@pytest.mark.parametrize("name", FORMS)
def test_the_cli_reads_every_spelling(tmp_path, name):
    path = tmp_path / f"{name}.tf.json"
    path.write_text(json.dumps(FORMS[name]))
    completed = _cli(path, cwd=tmp_path)
    assert completed.returncode == 1 and completed.stderr == ""
    assert "1 errors, 0 warnings" in completed.stdout and "FIN-009" in completed.stdout


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"resource": {', "$: not valid JSON: Expecting property name enclosed in double quotes at line 1 column 15"),
        ('{"resource": {"aws_s3_bucket": "oops"}}', "$.resource.aws_s3_bucket: expected aws_s3_bucket names"),
        ("[1, 2]", "$[0]: expected a Terraform JSON body (an object), got a number"),
    ],
)
def test_the_cli_reports_bad_input_in_one_line_without_a_traceback(tmp_path, text, message):
    path = tmp_path / "bad.tf.json"
    path.write_text(text)
    completed = _cli(path, cwd=tmp_path)
    assert completed.returncode == 2 and completed.stdout == ""
    assert completed.stderr.startswith(f"error: {path}: {message}") and "Traceback" not in completed.stderr
    assert completed.stderr.count("\n") == 1


def _cli(*args: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aspects.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
