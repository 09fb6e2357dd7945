"""The raw/curated transaction bucket: versioned, private, SSE-KMS, TLS-only, tiered, destroyable."""

from __future__ import annotations

from typing import Any

from tfcdk import Construct
from tfcdk.aws import load

from .iam import Condition, Statement, policy_document

_bucket = load("s3_bucket")
_versioning = load("s3_bucket_versioning")
_pab = load("s3_bucket_public_access_block")
_sse = load("s3_bucket_server_side_encryption_configuration")
_policy = load("s3_bucket_policy")
_lifecycle = load("s3_bucket_lifecycle_configuration")
_ownership = load("s3_bucket_ownership_controls")
_notification = load("s3_bucket_notification")

GLACIER_AFTER_DAYS = 90
EXPIRE_AFTER_DAYS = 2555  # 7 years: record-keeping obligation for transaction data
NONCURRENT_EXPIRE_DAYS = 30
ABORT_MULTIPART_DAYS = 7
#: a large object's intermediate files (ranges, partitions): merge deletes them; a failed job's expire
WORK_PREFIX = "work/"
WORK_EXPIRE_DAYS = 1


class DataBucket(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        bucket_name: str,
        kms_key_arn: str,
    ) -> None:
        super().__init__(scope, id_)
        # force_destroy: the stack must be destroyable; retention is governed by the lifecycle rule.
        self.bucket = _bucket.S3Bucket(self, "bucket", bucket=bucket_name, force_destroy=True)
        self._harden("bucket", self.bucket, kms_key_arn=kms_key_arn)
        _lifecycle.S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            bucket=self.bucket.id,
            rule=[
                _lifecycle.S3BucketLifecycleConfigurationRule(
                    id="tier-and-expire-transactions",
                    status="Enabled",
                    filter=[_lifecycle.S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    transition=[
                        _lifecycle.S3BucketLifecycleConfigurationRuleTransition(
                            days=GLACIER_AFTER_DAYS, storage_class="GLACIER"
                        )
                    ],
                    expiration=[_lifecycle.S3BucketLifecycleConfigurationRuleExpiration(days=EXPIRE_AFTER_DAYS)],
                    noncurrent_version_expiration=[
                        _lifecycle.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=NONCURRENT_EXPIRE_DAYS
                        )
                    ],
                    abort_incomplete_multipart_upload=[
                        _lifecycle.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                            days_after_initiation=ABORT_MULTIPART_DAYS
                        )
                    ],
                ),
                _lifecycle.S3BucketLifecycleConfigurationRule(
                    id="expire-fanout-intermediates",
                    status="Enabled",
                    filter=[_lifecycle.S3BucketLifecycleConfigurationRuleFilter(prefix=WORK_PREFIX)],
                    expiration=[_lifecycle.S3BucketLifecycleConfigurationRuleExpiration(days=WORK_EXPIRE_DAYS)],
                    noncurrent_version_expiration=[
                        _lifecycle.S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=WORK_EXPIRE_DAYS
                        )
                    ],
                    abort_incomplete_multipart_upload=[
                        _lifecycle.S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                            days_after_initiation=WORK_EXPIRE_DAYS
                        )
                    ],
                ),
            ],
        )
        # S3 -> EventBridge: the trigger rule matches Object Created events under raw/.
        self.notification = _notification.S3BucketNotification(
            self, "eventbridge", bucket=self.bucket.id, eventbridge=True
        )
        self.name: str = self.bucket.bucket
        self.arn: str = self.bucket.arn

    def _harden(self, name: str, bucket: Any, *, kms_key_arn: str) -> None:
        _versioning.S3BucketVersioningA(
            self, f"{name}_versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}
        )
        _pab.S3BucketPublicAccessBlock(
            self,
            f"{name}_public_access_block",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        _ownership.S3BucketOwnershipControls(
            self, f"{name}_ownership", bucket=bucket.id, rule={"object_ownership": "BucketOwnerEnforced"}
        )
        _sse.S3BucketServerSideEncryptionConfigurationA(
            self,
            f"{name}_encryption",
            bucket=bucket.id,
            rule=[
                _sse.S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=(
                        _sse.S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                            sse_algorithm="aws:kms", kms_master_key_id=kms_key_arn
                        )
                    ),
                    bucket_key_enabled=True,
                )
            ],
        )
        tls_only = policy_document(
            self,
            f"{name}_tls_only",
            [
                Statement(
                    sid="DenyInsecureTransport",
                    effect="Deny",
                    actions=["s3:*"],
                    resources=[bucket.arn, f"{bucket.arn}/*"],
                    principals=[("*", ["*"])],
                    conditions=[Condition(test="Bool", variable="aws:SecureTransport", values=["false"])],
                ),
                Statement(
                    sid="DenyOutdatedTls",
                    effect="Deny",
                    actions=["s3:*"],
                    resources=[bucket.arn, f"{bucket.arn}/*"],
                    principals=[("*", ["*"])],
                    conditions=[Condition(test="NumericLessThan", variable="s3:TlsVersion", values=["1.2"])],
                ),
            ],
        )
        _policy.S3BucketPolicy(self, f"{name}_policy", bucket=bucket.id, policy=tls_only.json)
