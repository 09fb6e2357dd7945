"""With TF_STATE_BUCKET set, state goes to S3 with encryption and S3-native locking."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import synthesize


def test_s3_backend_with_lockfile(tmp_path: Path) -> None:
    stack = synthesize(tmp_path, ENVIRONMENT_SUFFIX="stg", TF_STATE_BUCKET="acme-tf-state", AWS_REGION="us-east-2")
    assert stack.document["terraform"]["backend"] == {
        "s3": {
            "bucket": "acme-tf-state",
            "key": "pipeline/stg/terraform.tfstate",
            "region": "us-east-2",
            "encrypt": True,
            "use_lockfile": True,
        }
    }
