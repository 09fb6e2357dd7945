"""Run Terraform on a synthesized stack, offline.

The hashicorp/aws provider is installed from a local plugin directory (``TF_PLUGIN_DIR``,
default ``/opt/tf-plugins`` when it exists), so ``init`` needs no network. With no plugin
directory, ``init`` falls back to the registry (a normal machine with internet).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

DEFAULT_PLUGIN_DIR = Path("/opt/tf-plugins")


class TerraformError(RuntimeError):
    pass


def terraform_binary() -> str:
    found = shutil.which("terraform")
    if not found:
        raise TerraformError("terraform is not on PATH (Terraform >= 1.10 is required)")
    return found


def plugin_dir(env: Mapping[str, str] = os.environ) -> Path | None:
    configured = env.get("TF_PLUGIN_DIR")
    if configured:
        path = Path(configured)
        if not path.is_dir():
            raise TerraformError(f"TF_PLUGIN_DIR={configured} is not a directory")
        return path
    return DEFAULT_PLUGIN_DIR if DEFAULT_PLUGIN_DIR.is_dir() else None


def terraform_env(extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The process environment plus ``extra`` (a ``None`` value removes that variable)."""
    env = dict(os.environ)
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")  # no version check call home
    cli_config = env.get("TF_CLI_CONFIG_FILE")
    if cli_config and not Path(cli_config).exists():
        env.pop("TF_CLI_CONFIG_FILE")  # a dangling setting only produces a warning on every command
    for name, value in (extra or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run(
    stack_dir: Path, args: Sequence[str], *, extra_env: Mapping[str, str | None] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [terraform_binary(), *args],
        cwd=stack_dir,
        env=terraform_env(extra_env),
        text=True,
        capture_output=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise TerraformError(
            f"terraform {' '.join(args)} failed in {stack_dir} (exit {result.returncode}):\n"
            f"{result.stderr}{result.stdout}"
        )
    return result


def init(stack_dir: Path, *, backend: bool = False) -> subprocess.CompletedProcess[str]:
    args = ["init", "-input=false", "-no-color"]
    if not backend:
        args.append("-backend=false")
    plugins = plugin_dir()
    if plugins is not None:
        args.append(f"-plugin-dir={plugins}")
    return run(stack_dir, args)


def apply(stack_dir: Path, *, extra_env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    return run(stack_dir, ["apply", "-auto-approve", "-input=false", "-no-color"], extra_env=extra_env)


def destroy(stack_dir: Path, *, extra_env: Mapping[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    return run(stack_dir, ["destroy", "-auto-approve", "-input=false", "-no-color"], extra_env=extra_env)


def plan_changes(stack_dir: Path, *, extra_env: Mapping[str, str | None] | None = None) -> tuple[bool, str]:
    """``plan -detailed-exitcode``: (True, output) when there are changes, (False, output) when none."""
    args = ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"]
    result = run(stack_dir, args, extra_env=extra_env, check=False)
    if result.returncode not in (0, 2):
        raise TerraformError(f"terraform plan failed in {stack_dir} (exit {result.returncode}):\n{result.stderr}")
    return result.returncode == 2, result.stdout


def state_addresses(stack_dir: Path, *, extra_env: Mapping[str, str | None] | None = None) -> list[str]:
    """``terraform state list`` (empty when there is no state yet)."""
    result = run(stack_dir, ["state", "list"], extra_env=extra_env, check=False)
    return [line for line in result.stdout.splitlines() if line.strip()] if result.returncode == 0 else []


def validate(stack_dir: Path) -> dict[str, object]:
    """``terraform validate -json``; returns the parsed report (raises on errors)."""
    import json

    result = run(stack_dir, ["validate", "-json", "-no-color"], check=False)
    report: dict[str, object] = json.loads(result.stdout)
    if not report.get("valid"):
        raise TerraformError(f"terraform validate found errors in {stack_dir}:\n{json.dumps(report, indent=2)}")
    return report


ACTION_SYMBOLS = {"create": "+", "update": "~", "delete": "-", "replace": "-/+", "read": "<="}


def plan_summary(stack: str, plan: Mapping[str, Any]) -> str:
    """Markdown for a CI job summary from ``terraform show -json <planfile>``."""
    rows: list[tuple[str, str]] = []
    for change in plan.get("resource_changes", []):
        actions = change.get("change", {}).get("actions", [])
        if actions in (["no-op"], ["read"]):
            continue
        action = "replace" if sorted(actions) == ["create", "delete"] else actions[0]
        rows.append((action, change["address"]))
    counts = {a: sum(1 for action, _ in rows if action == a) for a in ("create", "update", "replace", "delete")}
    lines = [
        f"### terraform plan: `{stack}`",
        "",
        f"**{counts['create']} to add, {counts['update']} to change, {counts['replace']} to replace, "
        f"{counts['delete']} to destroy**",
    ]
    if rows:
        lines += ["", "| | address |", "|---|---|"]
        lines += [f"| `{ACTION_SYMBOLS.get(a, a)}` | `{address}` |" for a, address in sorted(rows, key=lambda r: r[1])]
    return "\n".join(lines) + "\n"


def plan_markdown(stack_dir: Path) -> str:
    """init with the configured backend, ``plan -out``, and summarise it as Markdown."""
    import json

    init(stack_dir, backend=True)
    run(stack_dir, ["plan", "-input=false", "-no-color", "-lock-timeout=5m", "-out=tfplan"])
    shown = run(stack_dir, ["show", "-json", "tfplan"])
    return plan_summary(stack_dir.name, json.loads(shown.stdout))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ops.terraform {validate,plan,deploy} [cdktf.out]``.

    validate: offline init + validate every stack (no backend); plan: real backend, Markdown summary
    on stdout (CI job summary); deploy: real backend, ``apply -auto-approve`` (CI, after the gates).
    """
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m ops.terraform")
    parser.add_argument("command", choices=["validate", "plan", "deploy"])
    parser.add_argument("outdir", nargs="?", default="cdktf.out", type=Path)
    args = parser.parse_args(argv)
    stacks = sorted(p.parent for p in args.outdir.glob("stacks/*/cdk.tf.json"))
    if not stacks:
        print(f"error: no synthesized stacks under {args.outdir}/stacks (run the synth first)")
        return 2
    if args.command in ("plan", "deploy"):
        for stack_dir in stacks:
            try:
                if args.command == "plan":
                    print(plan_markdown(stack_dir))
                else:
                    init(stack_dir, backend=True)
                    print(apply(stack_dir).stdout)
            except TerraformError as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
        return 0
    for stack_dir in stacks:
        try:
            init(stack_dir)
            report = validate(stack_dir)
        except TerraformError as error:
            print(f"error: {error}")
            return 1
        diagnostics = report.get("diagnostics")
        warnings = [d for d in diagnostics if isinstance(d, dict)] if isinstance(diagnostics, list) else []
        print(f"terraform validate: {stack_dir.name}: valid, {len(warnings)} warnings")
        for warning in warnings:
            print("  " + json.dumps(warning.get("summary")))
        if warnings:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
