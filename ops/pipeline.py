"""Drive the deployed pipeline: upload a file under raw/, follow the execution, collect the results.

The stack's own SSM exports (``/pipeline/<env>/...``) tell us the bucket, table, state machine
and alert topic, so nothing here depends on resource names. SNS alerts are observed through
an SQS queue the harness subscribes to the alert topic (and removes again before destroy).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from stack.steps import SINGLE_PATH


class Clients(Protocol):
    """Anything that makes boto3 clients: the emulator (``emulator.ministack.MiniStack``) or a real
    account (``ops.smoke.AwsAccount``)."""

    def boto3_client(self, service: str) -> Any: ...


#: the states of every object's path (the table of steps): one StepResult each
STEPS = tuple(step.state for step in SINGLE_PATH)
TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def job_id_for(bucket: str, key: str, version_id: str | None) -> str:
    """Same rule as the state machine (States.Hash) and ``txn_pipeline.models.job_id_for``."""
    return hashlib.sha256(f"{bucket}/{key}#{version_id or 'null'}".encode()).hexdigest()


def object_created_event(bucket: str, key: str, version_id: str, size: int, etag: str) -> dict[str, Any]:
    """The EventBridge "Object Created" event S3 sends (what the rule forwards to the state machine)."""
    return {
        "version": "0",
        "source": "aws.s3",
        "detail-type": "Object Created",
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": size, "etag": etag, "version-id": version_id},
            "reason": "PutObject",
        },
    }


@dataclass(frozen=True)
class Exports:
    bucket: str
    table: str
    state_machine_arn: str
    alert_topic_arn: str
    athena_workgroup: str = ""
    glue_database: str = ""
    curated_table: str = ""

    @classmethod
    def read(cls, emulator: Clients, environment: str) -> Exports:
        ssm = emulator.boto3_client("ssm")
        prefix = f"/pipeline/{environment}/"
        values = {
            p["Name"].removeprefix(prefix): p["Value"]
            for p in ssm.get_parameters_by_path(Path=prefix, Recursive=True)["Parameters"]
        }
        return cls(
            bucket=values["bucket-name"],
            table=values["table-name"],
            state_machine_arn=values["state-machine-arn"],
            alert_topic_arn=values["alert-topic-arn"],
            athena_workgroup=values.get("athena-workgroup", ""),
            glue_database=values.get("glue-database", ""),
            curated_table=values.get("curated-table", ""),
        )


class AlertInbox:
    """An SQS queue subscribed to the alert topic (raw delivery off: messages are SNS envelopes)."""

    def __init__(self, emulator: Clients, topic_arn: str, name: str = "demo-alert-inbox") -> None:
        self.sqs = emulator.boto3_client("sqs")
        self.sns = emulator.boto3_client("sns")
        self.queue_url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        # What SNS needs to deliver when IAM is enforced (AUTH=true): a queue policy for the topic.
        policy = {
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
            }],
        }  # fmt: skip
        self.sqs.set_queue_attributes(QueueUrl=self.queue_url, Attributes={"Policy": json.dumps(policy)})
        self.subscription_arn = self.sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)[
            "SubscriptionArn"
        ]

    def drain(self, wait_seconds: int = 1) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
            ).get("Messages", [])
            if not batch:
                return messages
            for message in batch:
                envelope = json.loads(message["Body"])
                messages.append(envelope)
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
            wait_seconds = 0

    def close(self) -> None:
        self.sns.unsubscribe(SubscriptionArn=self.subscription_arn)
        self.sqs.delete_queue(QueueUrl=self.queue_url)


@dataclass
class StepResult:
    name: str
    status: str = "NOT RUN"
    attempts: int = 0
    seconds: float | None = None
    error: str | None = None


@dataclass
class RunResult:
    key: str
    version_id: str
    job_id: str
    execution_arn: str
    triggered_by: str  # "eventbridge" or "explicit StartExecution"
    status: str
    steps: list[StepResult]
    output: dict[str, Any] | None
    error: dict[str, str] | None
    curated_keys: list[str]
    quarantine_keys: list[str]
    job_item: dict[str, Any] | None
    alerts: list[dict[str, Any]]
    seconds: float
    states_visited: list[str] = field(default_factory=list)


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB item as plain Python (numbers stay ``Decimal``; see :func:`jsonable` for printing)."""
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    return {k: deserializer.deserialize(v) for k, v in sorted(item.items())}


def jsonable(value: Any) -> Any:
    """Decimals as int/float, sets as sorted lists: for ``json.dumps`` of a job record."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items) if isinstance(value, set | frozenset) else items
    return value


class Pipeline:
    def __init__(self, emulator: Clients, exports: Exports) -> None:
        self.emulator = emulator
        self.exports = exports
        self.s3 = emulator.boto3_client("s3")
        self.sfn = emulator.boto3_client("stepfunctions")
        self.ddb = emulator.boto3_client("dynamodb")

    def upload(self, key: str, body: bytes) -> tuple[str, int, str]:
        response = self.s3.put_object(Bucket=self.exports.bucket, Key=key, Body=body)
        return str(response.get("VersionId") or "null"), len(body), str(response["ETag"]).strip('"')

    def find_execution(self, job_id: str, *, timeout: float) -> str | None:
        """The execution the trigger started for this job (its DescribeJob output names the job)."""
        deadline = time.perf_counter() + timeout
        seen: set[str] = set()
        while time.perf_counter() < deadline:
            listing = self.sfn.list_executions(stateMachineArn=self.exports.state_machine_arn, maxResults=100)
            for execution in listing["executions"]:
                arn = execution["executionArn"]
                if arn in seen:
                    continue
                described = json.loads(self.sfn.describe_execution(executionArn=arn).get("input") or "{}")
                detail = described.get("detail", {})
                candidate = job_id_for(
                    detail.get("bucket", {}).get("name", ""),
                    detail.get("object", {}).get("key", ""),
                    detail.get("object", {}).get("version-id"),
                )
                if candidate == job_id:
                    return str(arn)
                seen.add(arn)
            time.sleep(0.25)
        return None

    def start(self, event: dict[str, Any], job_id: str) -> str:
        name = f"explicit-{job_id[:16]}-{int(time.time())}"
        return str(
            self.sfn.start_execution(
                stateMachineArn=self.exports.state_machine_arn, name=name, input=json.dumps(event)
            )["executionArn"]
        )

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        token = None
        while True:
            kwargs: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
            if token:
                kwargs["nextToken"] = token
            page = self.sfn.get_execution_history(**kwargs)
            events += page["events"]
            token = page.get("nextToken")
            if not token:
                return events

    def wait(
        self, execution_arn: str, *, timeout: float, progress: Callable[[str, list[str], float], None] | None = None
    ) -> dict[str, Any]:
        started = time.perf_counter()
        while True:
            described = self.sfn.describe_execution(executionArn=execution_arn)
            if progress is not None:
                visited = entered_states(self.history(execution_arn))
                progress(described["status"], visited, time.perf_counter() - started)
            if described["status"] in TERMINAL:
                return dict(described)
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"execution {execution_arn} still {described['status']} after {timeout:.0f}s")
            time.sleep(0.5)

    def objects(self, prefix: str, job_id: str) -> list[str]:
        keys: list[str] = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.exports.bucket, Prefix=prefix):
            keys += [o["Key"] for o in page.get("Contents", []) if job_id in o["Key"]]
        return sorted(keys)

    def manifest(self, result: RunResult) -> dict[str, Any]:
        """The job's curated manifest (counts, curated keys, per day and currency totals)."""
        key = f"curated/_manifests/{result.job_id}.json"
        document: dict[str, Any] = json.loads(self.s3.get_object(Bucket=self.exports.bucket, Key=key)["Body"].read())
        return document

    def job_item(self, job_id: str) -> dict[str, Any] | None:
        item = self.ddb.get_item(
            TableName=self.exports.table, Key={"pk": {"S": f"JOB#{job_id}"}, "sk": {"S": "JOB"}}, ConsistentRead=True
        ).get("Item")
        return _plain(item) if item else None

    def run(
        self,
        key: str,
        body: bytes,
        *,
        inbox: AlertInbox | None = None,
        trigger_timeout: float = 15.0,
        run_timeout: float = 120.0,
        progress: Callable[[str, list[str], float], None] | None = None,
    ) -> RunResult:
        started = time.perf_counter()
        version_id, size, etag = self.upload(key, body)
        job_id = job_id_for(self.exports.bucket, key, version_id)
        execution_arn = self.find_execution(job_id, timeout=trigger_timeout)
        triggered_by = "eventbridge"
        if execution_arn is None:
            triggered_by = "explicit StartExecution"
            execution_arn = self.start(object_created_event(self.exports.bucket, key, version_id, size, etag), job_id)
        described = self.wait(execution_arn, timeout=run_timeout, progress=progress)
        events = self.history(execution_arn)
        output = json.loads(described["output"]) if described.get("output") else None
        error = {"error": described.get("error", ""), "cause": described.get("cause", "")}
        alerts = inbox.drain(wait_seconds=2) if inbox is not None else []
        return RunResult(
            key=key,
            version_id=version_id,
            job_id=job_id,
            execution_arn=execution_arn,
            triggered_by=triggered_by,
            status=described["status"],
            steps=step_results(events),
            output=output,
            error=error if described["status"] != "SUCCEEDED" else None,
            curated_keys=self.objects("curated/", job_id),
            quarantine_keys=self.objects("quarantine/", job_id),
            job_item=self.job_item(job_id),
            alerts=alerts,
            seconds=time.perf_counter() - started,
            states_visited=entered_states(events),
        )


@dataclass
class QueryResult:
    query: str
    execution_id: str
    state: str
    columns: list[str]
    rows: list[list[str]]
    seconds: float
    output_location: str = ""
    reason: str = ""


def athena_query(clients: Clients, exports: Exports, sql: str, *, timeout: float = 60.0) -> QueryResult:
    """Run ``sql`` in the stack's workgroup against its Glue database; waits for the result."""
    athena = clients.boto3_client("athena")
    started = time.perf_counter()
    execution_id = athena.start_query_execution(
        QueryString=sql, WorkGroup=exports.athena_workgroup, QueryExecutionContext={"Database": exports.glue_database}
    )["QueryExecutionId"]
    while True:
        execution = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
        state = execution["Status"]["State"]
        if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"Athena query {execution_id} still {state} after {timeout:.0f}s")
        time.sleep(0.25)
    result = QueryResult(
        query=sql, execution_id=execution_id, state=state, columns=[], rows=[], seconds=time.perf_counter() - started,
        output_location=execution.get("ResultConfiguration", {}).get("OutputLocation", ""),
        reason=execution["Status"].get("StateChangeReason", ""),
    )  # fmt: skip
    if state == "SUCCEEDED":
        pages = athena.get_paginator("get_query_results").paginate(QueryExecutionId=execution_id)
        for page in pages:
            rows = [[d.get("VarCharValue", "") for d in r["Data"]] for r in page["ResultSet"]["Rows"]]
            if not result.columns:
                result.columns = [c["Name"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
                rows = rows[1:]  # Athena's first row repeats the column names
            result.rows += rows
    return result


def daily_totals_sql(exports: Exports, days: list[str]) -> str:
    """Transactions and total amount per day and currency of ``days`` (an analyst's first query)."""
    listed = ", ".join(f"DATE '{d}'" for d in days)
    return (
        'SELECT CAST("date" AS VARCHAR) AS day, currency, count(*) AS transactions, '
        f'CAST(sum(amount) AS VARCHAR) AS total FROM {exports.curated_table} WHERE "date" IN ({listed}) '
        "GROUP BY 1, 2 ORDER BY 1, 2"
    )


def totals_match(query: QueryResult, aggregates: list[dict[str, Any]]) -> bool:
    """The query's (day, currency, count, total) rows equal the job's aggregates, as exact decimals."""
    from decimal import Decimal

    got = {(r[0], r[1]): (int(r[2]), Decimal(r[3])) for r in query.rows}
    want = {(a["day"], a["currency"]): (int(a["count"]), Decimal(str(a["total"]))) for a in aggregates}
    return bool(want) and got == want


def entered_states(events: list[dict[str, Any]]) -> list[str]:
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def step_results(events: list[dict[str, Any]]) -> list[StepResult]:
    """Per Lambda step: status, attempts (TaskScheduled count, so retries show), duration, last error."""
    results = {name: StepResult(name) for name in STEPS}
    current: str | None = None
    entered_at: dict[str, Any] = {}
    failed_last: dict[str, bool] = {}
    for event in events:
        kind = event["type"]
        if "stateEnteredEventDetails" in event:
            current = event["stateEnteredEventDetails"]["name"]
            if current in results:
                results[current].status = "RUNNING"
                entered_at[current] = event["timestamp"]
        elif kind == "TaskScheduled" and current in results:
            results[current].attempts += 1
        elif kind in ("TaskFailed", "TaskTimedOut") and current in results:
            details = event.get("taskFailedEventDetails") or event.get("taskTimedOutEventDetails") or {}
            results[current].error = str(details.get("error", kind))
            failed_last[current] = True
        elif kind == "TaskSucceeded" and current in results:
            failed_last[current] = False
        elif "stateExitedEventDetails" in event:
            name = event["stateExitedEventDetails"]["name"]
            if name in results:
                results[name].status = "FAILED" if failed_last.get(name) else "SUCCEEDED"
                if name in entered_at:
                    results[name].seconds = (event["timestamp"] - entered_at[name]).total_seconds()
    for result in results.values():
        if result.status == "RUNNING":
            result.status = "FAILED"  # entered, never exited: the Catch took the execution elsewhere
    return [results[name] for name in STEPS]


def progress_printer(stream: Any = sys.stdout) -> Callable[[str, list[str], float], None]:
    """One line, rewritten in place on a terminal; one line per change otherwise."""
    last: list[str] = []
    tty = stream.isatty()

    def show(status: str, visited: list[str], elapsed: float) -> None:
        done = [s for s in STEPS if s in visited]
        bar = " > ".join(f"[{s}]" if s in done else s for s in STEPS)
        current = visited[-1] if visited else "-"
        line = f"  {elapsed:5.1f}s  {status:<9} {bar}   (state: {current})"
        if tty:
            stream.write("\r" + line.ljust(100) + ("\n" if status in TERMINAL else ""))
            stream.flush()
        elif [status, current] != last:
            stream.write(line + "\n")
            stream.flush()
            last[:] = [status, current]

    return show
