"""Regenerate the sample reports in ``docs/tag-audit.md`` from real runs.

    .venv/bin/python -m tests.tag_audit.docs --write [--emulator]

The pipeline samples come from a fresh synth of the real app (``python -m stack.app`` into a
temporary directory); the failing samples from ``tests/tag_audit/fixtures/gaps``. Each sample sits
between ``<!-- BEGIN SAMPLE: name -->`` and ``<!-- END SAMPLE -->``; ``test_docs.py`` checks the
fixture samples are current.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tag_audit import cli
from tests.conftest import REPO_ROOT, synthesize
from tests.samples import blocks, update, write_or_print
from tests.tag_audit.conftest import GAPS

DOC = REPO_ROOT / "docs" / "tag-audit.md"
__all__ = ["DOC", "blocks", "fence", "gaps_samples", "main", "pipeline_samples", "run", "update"]


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(list(args))
    return code, out.getvalue()


def fence(command: str, code: int, text: str, lang: str = "text") -> str:
    return f"```console\n$ {command}\n```\n\n```{lang}\n{text}```\n\n(exit code {code})\n"


def gaps_samples() -> dict[str, str]:
    rel = GAPS.parent.relative_to(REPO_ROOT)
    args = ["static", str(GAPS.parent), "--min-coverage", "80"]
    code, table = run(*args)
    md_code, markdown = run(*args, "--format", "markdown")
    return {
        "gaps-table": fence(f"tag-audit static {rel} --min-coverage 80", code, table),
        "gaps-markdown": f"(exit code {md_code}; rendered as it would appear in a PR comment)\n\n" + markdown,
    }


def pipeline_samples() -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        out = synthesize(Path(tmp) / "cdktf.out").outdir
        code, table = run("static", str(out), "--min-coverage", "100")
        md_code, markdown = run("static", str(out), "--min-coverage", "100", "--format", "markdown")
    return {
        "pipeline-table": fence("tag-audit static cdktf.out --min-coverage 100", code, table),
        "pipeline-markdown": f"(exit code {md_code}; rendered as it would appear in a PR comment)\n\n" + markdown,
    }


def emulator_samples() -> dict[str, str]:
    """Deploy the real stack to MiniStack (about 2 minutes) and audit it live (``--emulator``)."""
    import os
    import subprocess

    from emulator import local
    from emulator import ministack as emu

    with tempfile.TemporaryDirectory() as tmp:
        stack = synthesize(Path(tmp) / "cdktf.out")
        with (
            emu.running(region="us-east-2", workdir=Path(tmp) / "ministack") as ministack,
            local.deployed(ministack, stack.stack_dir, Path(tmp) / "tf", check_drift=False),
        ):
            services = "s3,lambda,sqs,sns,dynamodb,events,kms"
            args = ["live", "--region", "us-east-2", "--compare", str(stack.outdir), "--services", services]
            script = Path(sys.executable).with_name("tag-audit")
            result = subprocess.run(
                [str(script), *args, "--min-coverage", "100"],
                env={**ministack.client_env(), "PATH": os.environ.get("PATH", "")},
                capture_output=True,
                text=True,
                check=False,
            )
    command = (
        "tag-audit live --region us-east-2 --endpoint-url http://127.0.0.1:<port> --compare cdktf.out "
        "--services s3,lambda,sqs,sns,dynamodb,events,kms --min-coverage 100"
    )
    return {"emulator-table": fence(command, result.returncode, result.stdout + result.stderr)}


def main(argv: list[str]) -> int:
    producers: list[Callable[[], dict[str, str]]] = [gaps_samples, pipeline_samples]
    if "--emulator" in argv:
        producers.append(emulator_samples)
    samples = {k: v for produce in producers for k, v in produce().items()}
    return write_or_print([DOC], samples, argv, REPO_ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
