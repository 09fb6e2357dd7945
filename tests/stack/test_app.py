from __future__ import annotations

from aspects.synth import annotation_errors
from stack.app import summarize

SYNTH_ERROR = """@jsii/kernel.RuntimeError: Error: Encountered Annotations with level "ERROR":
  [pipeline-dev/metadata/table] FIN-008 [HIGH] pipeline-dev/metadata/table (aws_dynamodb_table.t): no PITR.
  [pipeline-dev/ingest_fn/function] FIN-004 [MEDIUM] pipeline-dev/ingest_fn/function (aws_lambda_function.f): x86.
  Either fix the issues above, or set the environment variable CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS
      at Kernel._Kernel_ensureSync (/tmp/program.js:1:72922)
"""


def test_annotation_errors_lists_every_violation_line() -> None:
    assert annotation_errors(SYNTH_ERROR) == [
        "[pipeline-dev/metadata/table] FIN-008 [HIGH] pipeline-dev/metadata/table (aws_dynamodb_table.t): no PITR.",
        "[pipeline-dev/ingest_fn/function] FIN-004 [MEDIUM] pipeline-dev/ingest_fn/function "
        "(aws_lambda_function.f): x86.",
    ]


def test_annotation_errors_ignores_other_failures() -> None:
    assert annotation_errors("RuntimeError: something else [x] broke") == []


def test_summarize_counts_resources_by_type() -> None:
    document = {"resource": {"aws_s3_bucket": {"a": {}, "b": {}}, "aws_vpc": {"v": {}}}, "data": {"x": {"d": {}}}}
    assert summarize(document).splitlines() == [
        "3 resources of 2 types, 1 data sources",
        "    2  aws_s3_bucket",
        "    1  aws_vpc",
    ]
