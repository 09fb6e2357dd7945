"""Regenerate ``taggable_resources.json`` from the AWS provider schema (offline).

A resource type is taggable when its schema has an optional ``tags`` argument and the computed
``tags_all`` attribute: exactly the resources to which the provider applies ``default_tags``.

Usage::

    python -m aspects.data.generate_taggable            # rewrite the JSON file
    python -m aspects.data.generate_taggable --check    # exit 1 if the kept file is stale

The provider is installed from a local plugin mirror (``TF_PLUGIN_DIR``, default
``/opt/tf-plugins``) into a scratch directory: no network access is needed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

PROVIDER_SOURCE = "hashicorp/aws"
PROVIDER_VERSION = "5.100.0"
PROVIDER_KEY = f"registry.terraform.io/{PROVIDER_SOURCE}"
OUTPUT = Path(__file__).with_name("taggable_resources.json")

_MAIN_TF = f"""terraform {{
  required_providers {{
    aws = {{ source = "{PROVIDER_SOURCE}", version = "{PROVIDER_VERSION}" }}
  }}
}}
"""


def provider_schema(plugin_dir: str | None = None, terraform: str | None = None) -> dict[str, Any]:
    """Return ``terraform providers schema -json`` for the pinned AWS provider, initialised offline."""
    plugin_dir = plugin_dir or os.environ.get("TF_PLUGIN_DIR", "/opt/tf-plugins")
    terraform = terraform or shutil.which("terraform") or "terraform"
    with tempfile.TemporaryDirectory(prefix="taggable-schema.") as scratch:
        Path(scratch, "main.tf").write_text(_MAIN_TF)
        env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
        subprocess.run(
            [terraform, "init", "-backend=false", "-input=false", f"-plugin-dir={plugin_dir}"],
            cwd=scratch,
            env=env,
            check=True,
            capture_output=True,
        )
        out = subprocess.run(
            [terraform, "providers", "schema", "-json"],
            cwd=scratch,
            env=env,
            check=True,
            capture_output=True,
        )
    return json.loads(out.stdout)


def taggable_types(schema: dict[str, Any]) -> list[str]:
    """Resource types with an optional ``tags`` argument and a ``tags_all`` attribute, sorted."""
    resources = schema["provider_schemas"][PROVIDER_KEY]["resource_schemas"]
    found = []
    for name, spec in resources.items():
        attributes = spec["block"].get("attributes", {})
        tags = attributes.get("tags")
        if tags and tags.get("optional") and "tags_all" in attributes:
            found.append(name)
    return sorted(found)


def render(types: list[str]) -> str:
    document = {
        "provider": PROVIDER_SOURCE,
        "version": PROVIDER_VERSION,
        "criterion": "optional 'tags' argument and computed 'tags_all' attribute (default_tags apply)",
        "resource_types": types,
    }
    return json.dumps(document, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the kept file differs from the schema")
    args = parser.parse_args(argv)
    text = render(taggable_types(provider_schema()))
    if args.check:
        if OUTPUT.read_text() != text:
            print(f"{OUTPUT} is stale: run python -m aspects.data.generate_taggable", file=sys.stderr)
            return 1
        print(f"{OUTPUT} matches the provider schema")
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
