"""Every relative link in the README and docs/*.md resolves: the file or folder exists, and an anchor
(``#section``, or ``file.md#section``) names a heading of the target document, as GitHub spells it.

Links inside code (fenced blocks, inline spans) are not links and are ignored; so are absolute URLs.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


def _prose(text: str) -> str:
    """The text without fenced code blocks."""
    return FENCE.sub("", text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation but ``-``/``_`` removed,
    spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "")
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for match in HEADING.finditer(_prose(path.read_text())):
        base = slug(match.group(1))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[str]:
    prose = CODE_SPAN.sub("", _prose(path.read_text()))
    return [m.group(1) for m in LINK.finditer(prose)]


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def broken(path: Path) -> list[str]:
    problems = []
    for target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / unquote(file_part)).resolve() if file_part else path
        if not resolved.exists():
            problems.append(f"{target}: {_shown(resolved)} does not exist")
        elif anchor and resolved.suffix == ".md" and unquote(anchor) not in anchors(resolved):
            problems.append(f"{target}: no heading #{anchor} in {_shown(resolved)}")
    return problems


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(ROOT)) for p in DOCUMENTS])
def test_every_relative_link_resolves(path: Path) -> None:
    assert broken(path) == []


def test_the_readme_links_to_every_document_in_docs() -> None:
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in links(ROOT / "README.md")}
    assert [p.name for p in DOCUMENTS[1:] if p.resolve() not in linked] == []


def test_the_checker_finds_a_broken_file_and_a_broken_anchor(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Title\n\n## The `make demo` job: real output\n\n## Dup\n\n## Dup\n")
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Doc\n\n## Local, section\n\n"
        "[ok](other.md#the-make-demo-job-real-output) [ok](other.md#dup-1) [ok](#local-section) "
        "[ok](https://example.com/x.md#nowhere) `[code](missing.md)`\n"
        "[gone](missing.md) [bad anchor](other.md#nope) [bad local](#nope)\n\n"
        "```\n[in a fence](missing-too.md)\n# not a heading\n```\n"
    )
    assert [problem.split(":")[0] for problem in broken(doc)] == ["missing.md", "other.md#nope", "#nope"]
