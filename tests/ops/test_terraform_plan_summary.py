from __future__ import annotations

from ops.terraform import plan_summary


def change(address: str, *actions: str) -> dict[str, object]:
    return {"address": address, "change": {"actions": list(actions)}}


def test_summary_counts_and_lists_every_change_but_no_ops() -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            change("aws_s3_bucket.raw", "create"),
            change("aws_lambda_function.ingest", "update"),
            change("aws_sfn_state_machine.pipeline", "delete", "create"),
            change("aws_sqs_queue.old", "delete"),
            change("aws_vpc.main", "no-op"),
            change("data.aws_iam_policy_document.x", "read"),
        ],
    }
    assert plan_summary("pipeline-dev", plan) == (
        "### terraform plan: `pipeline-dev`\n\n"
        "**1 to add, 1 to change, 1 to replace, 1 to destroy**\n\n"
        "| | address |\n|---|---|\n"
        "| `~` | `aws_lambda_function.ingest` |\n"
        "| `+` | `aws_s3_bucket.raw` |\n"
        "| `-/+` | `aws_sfn_state_machine.pipeline` |\n"
        "| `-` | `aws_sqs_queue.old` |\n"
    )


def test_no_changes() -> None:
    assert plan_summary("pipeline-prod", {"resource_changes": [change("aws_vpc.main", "no-op")]}) == (
        "### terraform plan: `pipeline-prod`\n\n**0 to add, 0 to change, 0 to replace, 0 to destroy**\n"
    )
