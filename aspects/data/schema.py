"""The pinned AWS provider's schema, read offline: the one source of every generated list in this package.

``terraform providers schema -json`` for hashicorp/aws at :data:`PROVIDER_VERSION`, with the provider
installed from a local plugin mirror (``TF_PLUGIN_DIR``, default ``/opt/tf-plugins``) into a scratch
directory: no network access is needed. Each generator (``generate_*.py``) derives its list from this
schema plus a reviewed table kept in the generator, writes it as JSON next to it, and has a ``--check``
mode that a test runs so a kept file never goes stale.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

PROVIDER_SOURCE = "hashicorp/aws"
PROVIDER_VERSION = "5.100.0"
PROVIDER_KEY = f"registry.terraform.io/{PROVIDER_SOURCE}"

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
    with tempfile.TemporaryDirectory(prefix="provider-schema.") as scratch:
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
            [terraform, "providers", "schema", "-json"], cwd=scratch, env=env, check=True, capture_output=True
        )
    return json.loads(out.stdout)


def resource_schemas(schema: Mapping[str, Any], kind: str = "resource_schemas") -> Mapping[str, Any]:
    """``resource_schemas`` (or ``data_source_schemas``) of the AWS provider in a schema document."""
    return schema["provider_schemas"][PROVIDER_KEY][kind]


def arguments(
    block: Mapping[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """(path, attribute schema) of every argument a user can set, nested blocks included."""
    for name, attribute in block.get("attributes", {}).items():
        if attribute.get("optional") or attribute.get("required"):
            yield (*path, name), attribute
    for name, nested in block.get("block_types", {}).items():
        yield from arguments(nested["block"], (*path, name))


def run_generator(
    module: str,
    output: Path,
    render: Callable[[Mapping[str, Any]], str],
    argv: list[str] | None,
    *,
    text: Callable[[], str] | None = None,
    source: str = "the provider schema",
) -> int:
    """The shared command line of every generator: rewrite ``output``, or ``--check`` that it is current.

    ``render`` turns the provider schema into the file's text; a generator with another source passes
    ``text`` (and names the ``source``) instead.
    """
    import argparse

    parser = argparse.ArgumentParser(description=f"Regenerate {output.name} from {source}.")
    parser.add_argument("--check", action="store_true", help=f"fail if the kept file differs from {source}")
    args = parser.parse_args(argv)
    current = text() if text is not None else render(provider_schema())
    if args.check:
        if output.read_text() != current:
            print(f"{output} is stale: run python -m {module}", file=sys.stderr)
            return 1
        print(f"{output} matches {source}")
        return 0
    output.write_text(current)
    print(f"wrote {output}")
    return 0
