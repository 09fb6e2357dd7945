#!/usr/bin/env bash
# Adds a Markdown report to the job summary and posts it on a pull request, or updates the comment
# posted before (found by the report's first line, a marker such as <!-- cost-estimate -->), so each
# pull request carries one current cost comment. Needs gh, GH_TOKEN and GITHUB_REPOSITORY.
#   ci/pr-comment.sh <pull request number or empty> <report.md>
set -euo pipefail
pr="$1"
body="$2"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$body" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -z "$pr" ]; then
    echo "pr-comment: no pull request number, summary only"
    exit 0
fi
marker="$(head -n 1 "$body")"
existing="$(gh api "repos/$GITHUB_REPOSITORY/issues/$pr/comments" --paginate \
    --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | tail -n 1)"
if [ -n "$existing" ]; then
    gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$body" > /dev/null
    echo "pr-comment: updated comment $existing on #$pr"
else
    gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -F "body=@$body" > /dev/null
    echo "pr-comment: posted a comment on #$pr"
fi
