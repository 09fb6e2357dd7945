"""Boundaries by test: what crosses a package boundary has a public name, the governance modules form
no import cycle (a cycle is where a reader has to go back and forth), operations on a real account never
depend on the emulator harness, and the code that runs inside the emulator needs only MiniStack."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "aspects", "policies", "tag_audit", "cost_estimate", "stack", "ops", "emulator", "tools", "tfcdk", "examples",
)  # fmt: skip


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if ".venv" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(path: Path, module: str) -> list[tuple[str, list[str], bool]]:
    """(imported module, imported names, at module level) of every import in ``path``."""
    tree = ast.parse(path.read_text())
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names], id(node) in top_level))
        elif isinstance(node, ast.ImportFrom) and node.level:
            package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
            base = package[: len(package) - node.level + 1]
            target = ".".join([*base, *([node.module] if node.module else [])])
            found.append((target, [a.name for a in node.names], id(node) in top_level))
        elif isinstance(node, ast.Import):
            found += [(a.name, [], id(node) in top_level) for a in node.names]
    return found


def test_no_private_name_is_imported_across_packages():
    offences = []
    for module, path in _modules().items():
        package = module.split(".")[0]
        for target, names, _ in _imports(path, module):
            if target.split(".")[0] not in PACKAGES or target.split(".")[0] == package:
                continue
            private = [p for p in target.split(".") if p.startswith("_") and not p.startswith("__")]
            private += [n for n in names if n.startswith("_") and not n.startswith("__")]
            if private:
                offences.append(f"{module} imports {', '.join(private)} from {target}")
    assert offences == []


def test_aspects_modules_form_no_import_cycle():
    modules = {m: p for m, p in _modules().items() if m.split(".")[0] == "aspects"}
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for target, names, top_level in _imports(path, module):
            if not top_level:
                continue  # a function-level import is deliberate and runs after both modules loaded
            for candidate in (target, *(f"{target}.{n}" for n in names)):
                if candidate in modules and candidate != module:
                    graph[module].add(candidate)
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        for nxt in graph[node]:
            if nxt in stack:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif len(stack) < 30:
                visit(nxt, [*stack, nxt])

    for module in modules:
        visit(module, [module])
    assert cycles == [], cycles[:3]


def test_the_real_account_package_never_imports_the_emulator_harness():
    offences = [
        f"{module} imports {target}"
        for module, path in _modules().items()
        if module.split(".")[0] == "ops"
        for target, _, _ in _imports(path, module)
        if target.split(".")[0] == "emulator"
    ]
    assert [m for m in _modules() if m.startswith("ops.")], "sanity: ops/ has modules"
    assert offences == []


def test_what_runs_in_the_emulators_interpreter_imports_only_the_standard_library_and_ministack():
    """emulator.launcher runs in .venv-emulator; importing it also imports emulator/__init__.py."""
    inside = {m: p for m, p in _modules().items() if m == "emulator" or m.startswith("emulator.launcher")}
    offences = [
        f"{module} imports {target}"
        for module, path in inside.items()
        for target, _, _ in _imports(path, module)
        if target.split(".")[0] not in sys.stdlib_module_names
        and target.split(".")[0] != "ministack"
        and not target.startswith("emulator.launcher")
    ]
    assert len(inside) > 10, "sanity: the launcher and its patches were found"
    assert offences == []
