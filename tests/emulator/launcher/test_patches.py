"""Every emulator patch: the bug it works around is still in the pinned MiniStack, and the patch fixes it.

``still_needed()`` reproduces a patch's bug against the unpatched MiniStack function, in the emulator's
interpreter (conftest.py). When an upgrade of MiniStack fixes a bug, ``test_the_pinned_ministack_still_has_the_bug``
fails for that patch: delete the module, its row in docs/local-deploy.md, and nothing else.
"""

from __future__ import annotations

import re

import pytest

from emulator.launcher import patches
from tests.conftest import REPO_ROOT

from .conftest import Reproductions

PATCH_DIR = REPO_ROOT / "emulator" / "launcher" / "patches"
MODULES = sorted(p.stem for p in PATCH_DIR.glob("*.py") if p.stem != "__init__")
PINNED = re.search(r"^ministack==(\S+)$", (REPO_ROOT / "tools/emulator/requirements.in").read_text(), re.M)


def test_every_patch_module_is_installed_once() -> None:
    names = [unit.__name__.rsplit(".", 1)[-1] for unit in patches.ALL]
    assert sorted(names) == MODULES and len(set(names)) == len(names)


@pytest.mark.parametrize("name", MODULES)
def test_the_pinned_ministack_still_has_the_bug(reproductions: Reproductions, name: str) -> None:
    found = reproductions.unpatched[name]
    assert found is True, (
        f"reproduction says {found!r}: the pinned MiniStack no longer needs emulator/launcher/patches/{name}.py "
        "(delete it and its row in docs/local-deploy.md)"
    )


@pytest.mark.parametrize("name", MODULES)
def test_the_patch_fixes_it(reproductions: Reproductions, name: str) -> None:
    assert reproductions.patched[name] is False


@pytest.mark.parametrize("name", MODULES)
def test_a_patch_names_the_pinned_ministack_the_function_it_wraps_and_has_its_doc_row(name: str) -> None:
    unit = next(u for u in patches.ALL if u.__name__.endswith(f".{name}"))
    assert PINNED is not None
    assert f"MiniStack {PINNED.group(1)}, ``ministack." in (unit.__doc__ or "")
    assert f"`emulator/launcher/patches/{name}.py`" in (REPO_ROOT / "docs" / "local-deploy.md").read_text()
