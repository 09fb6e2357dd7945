"""One customer-managed KMS key for the pipeline's data at rest (S3, DynamoDB, SNS, SQS, logs)."""

from __future__ import annotations

from tfcdk import Construct
from tfcdk.aws import load

from .account import Account
from .iam import Condition, Statement, policy_document

_kms_key = load("kms_key")
_kms_alias = load("kms_alias")

# The account root gets exact key-administration and usage actions instead of "kms:*":
# IAM policies in the account can then grant no more than this list.
KEY_ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:CreateGrant",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RetireGrant",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
KEY_USE_ACTIONS = (
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
)


class DataKey(Construct):
    """A rotating CMK whose policy names exactly who may use it for what."""

    def __init__(self, scope: Construct, id_: str, *, name: str, account: Account) -> None:
        super().__init__(scope, id_)
        account_id, region, partition = account.id, account.region, account.partition
        root = f"arn:{partition}:iam::{account_id}:root"
        source_account = Condition(test="StringEquals", variable="aws:SourceAccount", values=[account_id])
        self.policy = policy_document(
            self,
            "policy",
            [
                Statement(
                    sid="AccountAdministersAndDelegatesKey",
                    actions=[*KEY_ADMIN_ACTIONS, *KEY_USE_ACTIONS],
                    resources=["*"],  # in a key policy "*" means this key
                    principals=[("AWS", [root])],
                ),
                Statement(
                    sid="CloudWatchLogsEncryptsLogGroups",
                    actions=[
                        "kms:Decrypt",
                        "kms:DescribeKey",
                        "kms:Encrypt",
                        "kms:GenerateDataKey",
                        "kms:ReEncryptFrom",
                        "kms:ReEncryptTo",
                    ],
                    resources=["*"],
                    principals=[("Service", [f"logs.{region}.amazonaws.com"])],
                    conditions=[
                        Condition(
                            test="ArnLike",
                            variable="kms:EncryptionContext:aws:logs:arn",
                            values=[f"arn:{partition}:logs:{region}:{account_id}:log-group:*"],
                        )
                    ],
                ),
                Statement(
                    sid="AlarmsAndEventsUseEncryptedTopicAndQueue",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=["*"],
                    principals=[("Service", ["cloudwatch.amazonaws.com", "events.amazonaws.com"])],
                    conditions=[source_account],
                ),
            ],
        )
        self.key = _kms_key.KmsKey(
            self,
            "key",
            description=f"Encrypts the transaction pipeline's data at rest ({name})",
            enable_key_rotation=True,
            deletion_window_in_days=7,
            policy=self.policy.json,
        )
        self.alias = _kms_alias.KmsAlias(self, "alias", name=f"alias/{name}", target_key_id=self.key.key_id)
        self.arn: str = self.key.arn
