"""What an analyst queries: the curated Parquet data as a Glue table, and an Athena workgroup.

- a Glue database and one table over ``curated/`` (Parquet, columns as the engine writes them),
  partitioned by ``date`` with partition projection: a new day is queryable the moment its
  files land, with no crawler and no ``MSCK REPAIR``;
- an Athena workgroup whose settings the client cannot override (``enforce_workgroup_configuration``):
  results under ``athena-results/`` of the data bucket, KMS-encrypted with the data key, a
  per-query scan limit, CloudWatch metrics; ``force_destroy`` so the stack stays destroyable with
  query history in it;
- a managed policy with exactly what querying needs (attach it to an analyst role).
"""

from __future__ import annotations

from collections.abc import Sequence

from tfcdk import Construct
from tfcdk.aws import load

from .account import Account
from .iam import Condition, Statement, policy_document

_database = load("glue_catalog_database")
_table = load("glue_catalog_table")
_workgroup = load("athena_workgroup")
_policy = load("iam_policy")

PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_INPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"


class CuratedAnalytics(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        database_name: str,
        table_name: str,
        workgroup_name: str,
        policy_name: str,
        bucket_name: str,
        bucket_arn: str,
        data_prefix: str,
        results_prefix: str,
        columns: Sequence[tuple[str, str]],
        partition_key: str,
        first_day: str,
        kms_key_arn: str,
        bytes_scanned_cutoff: int,
        account: Account,
    ) -> None:
        super().__init__(scope, id_)
        account_id, region, partition = account.id, account.region, account.partition
        problems = []
        if not data_prefix.endswith("/") or not results_prefix.endswith("/"):
            problems.append("data_prefix and results_prefix end with '/'")
        if data_prefix.startswith(results_prefix) or results_prefix.startswith(data_prefix):
            problems.append("query results must not land in the table's data")
        if bytes_scanned_cutoff < 10 * 2**20:
            problems.append("bytes_scanned_cutoff below Athena's minimum of 10 MB")
        if problems:
            raise ValueError(f"{id_}: " + "; ".join(problems))
        location = f"s3://{bucket_name}/{data_prefix}"
        self.database = _database.GlueCatalogDatabase(
            self, "database", name=database_name, description="Curated transactions (Parquet) of the pipeline"
        )
        self.table = _table.GlueCatalogTable(
            self,
            "table",
            name=table_name,
            database_name=self.database.name,
            table_type="EXTERNAL_TABLE",
            description="Accepted transactions, one Parquet object per job and UTC day",
            parameters={
                "EXTERNAL": "TRUE",
                "classification": "parquet",
                "projection.enabled": "true",
                f"projection.{partition_key}.type": "date",
                f"projection.{partition_key}.format": "yyyy-MM-dd",
                f"projection.{partition_key}.range": f"{first_day},NOW",
                f"projection.{partition_key}.interval": "1",
                f"projection.{partition_key}.interval.unit": "DAYS",
                # Athena's placeholder; "$$" keeps Terraform from reading "${...}" as an interpolation
                "storage.location.template": f"{location}{partition_key}=$${{{partition_key}}}/",
            },
            partition_keys=[{"name": partition_key, "type": "date"}],
            storage_descriptor={
                "location": location,
                "input_format": PARQUET_INPUT,
                "output_format": PARQUET_OUTPUT,
                "ser_de_info": {"serialization_library": PARQUET_SERDE, "parameters": {"serialization.format": "1"}},
                "columns": [{"name": name, "type": hive_type} for name, hive_type in columns],
            },
        )
        results = f"s3://{bucket_name}/{results_prefix}"
        self.workgroup = _workgroup.AthenaWorkgroup(
            self,
            "workgroup",
            name=workgroup_name,
            description="Analyst queries of the curated transactions",
            state="ENABLED",
            force_destroy=True,
            configuration={
                "enforce_workgroup_configuration": True,
                "publish_cloudwatch_metrics_enabled": True,
                "bytes_scanned_cutoff_per_query": bytes_scanned_cutoff,
                "result_configuration": {
                    "output_location": results,
                    "encryption_configuration": {"encryption_option": "SSE_KMS", "kms_key_arn": kms_key_arn},
                },
            },
        )
        catalog = f"arn:{partition}:glue:{region}:{account_id}"
        statements = [
            Statement(
                sid="QueryInWorkgroup",
                actions=[
                    "athena:GetQueryExecution",
                    "athena:GetQueryResults",
                    "athena:GetWorkGroup",
                    "athena:StartQueryExecution",
                    "athena:StopQueryExecution",
                ],
                resources=[self.workgroup.arn],
            ),
            Statement(
                sid="ReadTableDefinition",
                actions=["glue:GetDatabase", "glue:GetPartitions", "glue:GetTable"],
                resources=[
                    f"{catalog}:catalog",
                    f"{catalog}:database/{database_name}",
                    f"{catalog}:table/{database_name}/{table_name}",
                ],
            ),
            Statement(sid="ReadCurated", actions=["s3:GetObject"], resources=[f"{bucket_arn}/{data_prefix}*"]),
            Statement(
                sid="WriteResults",
                actions=["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
                resources=[f"{bucket_arn}/{results_prefix}*"],
            ),
            Statement(
                sid="ListCuratedAndResults",
                actions=["s3:GetBucketLocation", "s3:ListBucket"],
                resources=[bucket_arn],
                conditions=[
                    Condition(test="StringLike", variable="s3:prefix", values=[f"{data_prefix}*", f"{results_prefix}*"])
                ],
            ),
            Statement(sid="UseDataKey", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[kms_key_arn]),
        ]
        self.reader_document = policy_document(self, "reader_permissions", statements)
        self.reader_policy = _policy.IamPolicy(
            self,
            "reader_policy",
            name=policy_name,
            description="Query the curated transactions with Athena (attach to an analyst role)",
            policy=self.reader_document.json,
        )
        self.workgroup_name: str = self.workgroup.name
        self.database_name: str = self.database.name
        self.table_name: str = self.table.name
