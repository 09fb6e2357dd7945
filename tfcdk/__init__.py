"""The one place that imports the CDK for Terraform libraries.

CDKTF was archived upstream in December 2025; the community fork (cdk-terrain,
``cdktn``) keeps the same API. Moving to the fork means changing the imports in
this package only: everything else in the repository imports from ``tfcdk``.
"""

import os

# jsii's node runtime prints a large end-of-life banner for Node 20 on every start.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from cdktf import (
    Annotations,
    App,
    Aspects,
    AssetType,
    Fn,
    IAspect,
    LocalBackend,
    S3Backend,
    TerraformAsset,
    TerraformDataSource,
    TerraformElement,
    TerraformHclModule,
    TerraformModule,
    TerraformOutput,
    TerraformProvider,
    TerraformResource,
    TerraformStack,
    Testing,
    Token,
)
from constructs import Construct, IConstruct, IValidation, Node

__all__ = [
    "Annotations",
    "App",
    "Aspects",
    "AssetType",
    "Construct",
    "Fn",
    "IAspect",
    "IConstruct",
    "IValidation",
    "LocalBackend",
    "Node",
    "S3Backend",
    "TerraformAsset",
    "TerraformDataSource",
    "TerraformElement",
    "TerraformHclModule",
    "TerraformModule",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformResource",
    "TerraformStack",
    "Testing",
    "Token",
]
