"""The layout holds: no import cycles between packages (nor between the rooms of
``services/``), and no service reaches another through a function-local import."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import baton

ROOT = Path(baton.__file__).parent
ROOMS = ("services",)  # packages whose sub-packages are rooms of their own


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _unit(module: str) -> str:
    """The package a module belongs to: baton.services.sla.clocks -> services.sla."""
    parts = module.split(".")[1:]
    if not parts:
        return "baton"
    if parts[0] in ROOMS and len(parts) > 2:
        return ".".join(parts[:2])
    return parts[0]


def _imports(tree: ast.AST, module: str) -> list[tuple[str, bool]]:
    """(imported module, whether the import sits inside a function)."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module, inner))
            elif isinstance(child, ast.Import):
                found.extend((a.name, inner) for a in child.names)
            visit(child, inner)

    visit(tree, False)
    return [(m, local) for m, local in found if m.startswith("baton.") and not _type_only(tree, m)]


def _type_only(tree: ast.AST, module: str) -> bool:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.If)
            and "TYPE_CHECKING" in ast.unparse(node.test)
            and any(isinstance(n, ast.ImportFrom) and n.module == module for n in ast.walk(node))
        ):
            return True
    return False


def _graph() -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    edges: dict[str, set[str]] = defaultdict(set)
    local_service_imports = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        for target, local in _imports(ast.parse(path.read_text()), module):
            a, b = _unit(module), _unit(target)
            if a != b:
                edges[a].add(b)
            if local and a.startswith("services") and b.startswith("services"):
                local_service_imports.append((module, target))
    return edges, local_service_imports


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(edges):
        if v not in index:
            connect(v)
    return found


def test_no_import_cycles_between_packages_or_service_rooms():
    edges, _ = _graph()
    assert _cycles(edges) == []


def test_no_service_reaches_another_through_a_function_local_import():
    _, local = _graph()
    assert local == []


def test_the_domain_imports_nothing_but_the_domain():
    edges, _ = _graph()
    assert edges.get("domain", set()) == set()


def test_entry_points_never_open_a_write_transaction_nor_commit():
    """API routers, web routes and CLI commands call one service; the service owns the
    transaction, so a rule is enforced once, the same for every door."""
    found = []
    for package in ("api", "web", "cli"):
        for path in (ROOT / package).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if ".commit()" in line or "db.write()" in line or ".unit(" in line:
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
