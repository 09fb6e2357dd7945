"""ci/pr-comment.sh against a fake ``gh``: job summary always; a new comment, or the marked one updated."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "ci" / "pr-comment.sh"
FAKE_GH = """#!/usr/bin/env bash
echo "$*" >> "$GH_LOG"
if [ "$2" = "repos/org/repo/issues/7/comments" ] && [ "$1" = "api" ]; then
    printf '%s' "$EXISTING"
fi
"""


def run(tmp_path: Path, pr: str, existing: str = "") -> tuple[subprocess.CompletedProcess[str], list[str], str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    report = tmp_path / "cost.md"
    report.write_text("<!-- cost-estimate -->\n### Cost estimate: $1.00 per month\n")
    summary, log = tmp_path / "summary.md", tmp_path / "gh.log"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "GH_LOG": str(log),
        "EXISTING": existing,
        "GITHUB_REPOSITORY": "org/repo",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    result = subprocess.run(
        ["bash", str(SCRIPT), pr, str(report)], env=env, capture_output=True, text=True, check=False
    )
    calls = log.read_text().splitlines() if log.exists() else []
    return result, calls, summary.read_text()


def test_posts_a_new_comment_and_fills_the_summary(tmp_path: Path) -> None:
    result, calls, summary = run(tmp_path, "7")
    assert result.returncode == 0, result.stderr
    assert summary.startswith("<!-- cost-estimate -->")
    assert calls[0].startswith("api repos/org/repo/issues/7/comments --paginate --jq ")
    assert 'startswith("<!-- cost-estimate -->")' in calls[0]
    assert calls[1] == f"api --method POST repos/org/repo/issues/7/comments -F body=@{tmp_path / 'cost.md'}"
    assert result.stdout.strip() == "pr-comment: posted a comment on #7"


def test_updates_the_marked_comment(tmp_path: Path) -> None:
    result, calls, _ = run(tmp_path, "7", existing="111\n222\n")
    assert result.returncode == 0, result.stderr
    assert calls[1] == f"api --method PATCH repos/org/repo/issues/comments/222 -F body=@{tmp_path / 'cost.md'}"
    assert result.stdout.strip() == "pr-comment: updated comment 222 on #7"


def test_without_a_pull_request_only_the_summary(tmp_path: Path) -> None:
    result, calls, summary = run(tmp_path, "")
    assert result.returncode == 0 and calls == []
    assert "$1.00 per month" in summary
