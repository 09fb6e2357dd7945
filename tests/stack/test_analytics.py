"""The curated data as an analyst sees it: Glue database and table, Athena workgroup, reader policy."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from stack.pipeline_stack import CURATED_COLUMNS
from tests.conftest import REPO_ROOT, SynthesizedStack
from tests.stack.test_pipeline_stack import statements

sys.path.insert(0, str(REPO_ROOT / "handlers" / "layer" / "python"))

#: how Glue/Hive names each DuckDB type the engine writes
HIVE_TYPE = {
    "VARCHAR": "string",
    "DECIMAL(22,4)": "decimal(22,4)",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "MAP(VARCHAR, VARCHAR)": "map<string,string>",
}


def test_glue_table_declares_the_columns_the_engine_writes(tmp_path: Path) -> None:
    import duckdb
    from txn_pipeline import engine

    source = tmp_path / "in.csv"
    source.write_text(
        "transaction_id,amount,currency,timestamp,merchant,status\nt,1.5,USD,2024-03-01T10:00:00Z,M,pending\n"
    )
    result = engine.run(source, "csv", curated_dir=tmp_path / "out")
    (parquet,) = result.curated["2024-03-01"]
    written = duckdb.execute(f"DESCRIBE SELECT * FROM read_parquet('{parquet}', hive_partitioning = false)").fetchall()
    assert [(name, HIVE_TYPE[duck_type]) for name, duck_type, *_ in written] == list(CURATED_COLUMNS)


def test_glue_table_is_parquet_over_curated_with_date_projection(dev_stack: SynthesizedStack) -> None:
    _, database = dev_stack.one("aws_glue_catalog_database")
    _, table = dev_stack.one("aws_glue_catalog_table")
    assert database["name"] == "glue_curated_dev"
    assert table["name"] == "transactions_dev" and table["table_type"] == "EXTERNAL_TABLE"
    assert re.fullmatch(r"\$\{aws_glue_catalog_database\.[\w]+\.name\}", table["database_name"])
    storage = table["storage_descriptor"]
    assert storage["location"] == "s3://financial-data-pipeline-dev/curated/"
    assert storage["ser_de_info"]["serialization_library"].endswith("ParquetHiveSerDe")
    assert [(c["name"], c["type"]) for c in storage["columns"]] == list(CURATED_COLUMNS)
    assert table["partition_keys"] == [{"name": "date", "type": "date"}]
    assert table["parameters"] == {
        "EXTERNAL": "TRUE",
        "classification": "parquet",
        "projection.enabled": "true",
        "projection.date.type": "date",
        "projection.date.format": "yyyy-MM-dd",
        "projection.date.range": "2000-01-01,NOW",
        "projection.date.interval": "1",
        "projection.date.interval.unit": "DAYS",
        # "$${" is Terraform's escape: Athena gets the literal ${date}
        "storage.location.template": "s3://financial-data-pipeline-dev/curated/date=$${date}/",
    }


def test_workgroup_enforces_kms_encrypted_results_and_can_be_destroyed(dev_stack: SynthesizedStack) -> None:
    _, workgroup = dev_stack.one("aws_athena_workgroup")
    assert workgroup["name"] == "athena-analysts-dev" and workgroup["force_destroy"] is True
    config = workgroup["configuration"]
    assert config["enforce_workgroup_configuration"] is True
    assert config["publish_cloudwatch_metrics_enabled"] is True
    assert config["bytes_scanned_cutoff_per_query"] == 100 * 2**30
    result = config["result_configuration"]
    assert result["output_location"] == "s3://financial-data-pipeline-dev/athena-results/"
    assert result["encryption_configuration"]["encryption_option"] == "SSE_KMS"
    assert result["encryption_configuration"]["kms_key_arn"].startswith("${aws_kms_key.")


def test_reader_policy_is_exactly_what_a_query_needs(dev_stack: SynthesizedStack) -> None:
    _, policy = dev_stack.one("aws_iam_policy")
    assert policy["name"] == "policy-curated-readers-dev"
    found = {s["sid"]: s for s in statements(dev_stack, policy["policy"])}
    assert {sid: sorted(s["actions"]) for sid, s in found.items()} == {
        "QueryInWorkgroup": ["athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetWorkGroup",
                             "athena:StartQueryExecution", "athena:StopQueryExecution"],
        "ReadTableDefinition": ["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"],
        "ReadCurated": ["s3:GetObject"],
        "WriteResults": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        "ListCuratedAndResults": ["s3:GetBucketLocation", "s3:ListBucket"],
        "UseDataKey": ["kms:Decrypt", "kms:GenerateDataKey"],
    }  # fmt: skip
    assert found["ReadCurated"]["resources"][0].endswith("/curated/*")
    assert found["WriteResults"]["resources"][0].endswith("/athena-results/*")
    assert found["ListCuratedAndResults"]["condition"] == [
        {"test": "StringLike", "variable": "s3:prefix", "values": ["curated/*", "athena-results/*"]}
    ]
    assert all("*" not in a for s in found.values() for a in s["actions"])


def test_exports_name_the_workgroup_database_and_table(dev_stack: SynthesizedStack) -> None:
    values = {p["name"]: p["value"] for p in dev_stack.resources("aws_ssm_parameter").values()}
    assert values["/pipeline/dev/curated-table"] == "${aws_glue_catalog_table.analytics_table_B064874D.name}"
    for name in ("athena-workgroup", "glue-database", "curated-readers-policy-arn"):
        assert f"/pipeline/dev/{name}" in values


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data_prefix": "curated"}, "end with '/'"),
        ({"results_prefix": "curated/results/"}, "query results must not land in the table's data"),
        ({"bytes_scanned_cutoff": 1000}, "below Athena's minimum of 10 MB"),
    ],
)
def test_construct_refuses_unsafe_settings(kwargs: dict[str, object], message: str) -> None:
    from stack.constructs.account import Account
    from stack.constructs.analytics import CuratedAnalytics
    from tfcdk import App, TerraformStack

    settings: dict[str, object] = {
        "database_name": "d", "table_name": "t", "workgroup_name": "w", "policy_name": "p", "bucket_name": "b",
        "bucket_arn": "arn:aws:s3:::b", "data_prefix": "curated/", "results_prefix": "athena-results/",
        "columns": CURATED_COLUMNS, "partition_key": "date", "first_day": "2000-01-01", "kms_key_arn": "k",
        "bytes_scanned_cutoff": 10 * 2**20, "account": Account(id="1", region="us-east-2", partition="aws"),
    }  # fmt: skip
    with pytest.raises(ValueError, match=message):
        CuratedAnalytics(TerraformStack(App(), "s"), "analytics", **{**settings, **kwargs})  # type: ignore[arg-type]
