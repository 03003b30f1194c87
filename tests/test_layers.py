"""The layers hold: no Qt below the GUI, no import cycle, the GUI away from the databases
and one door from the GUI to the person's notes.

The checks read the source with ``ast`` (every import, including those inside functions
and under ``TYPE_CHECKING``), so that a module added tomorrow is checked too. Each check
is a function of source text, tested below on small made-up modules, so that a check
that could no longer fail would be seen.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import ROOT, modules_after_importing

PACKAGE = ROOT / "desktop"
GUI = "desktop.gui"
QT = ("PySide6", "shiboken6")
NOTES_STORE = "desktop.notes.store"
NOTES_DOOR = "desktop.gui.marks"  # the GUI's one way into the person's notes


# -- reading the source ---------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    name: str  # dotted: desktop.gui.marks
    path: str  # as shown in a failure: desktop/gui/marks.py
    source: str

    @property
    def package(self) -> str:
        """The package a relative import in this module starts from."""
        return self.name if self.path.endswith("__init__.py") else self.name.rpartition(".")[0]


@dataclass(frozen=True)
class Import:
    module: Module
    target: str  # the dotted name as imported: for ``from a import b``, ``a.b``
    line: int

    def where(self) -> str:
        return f"{self.module.path}:{self.line}"


def modules_in(folder: Path = PACKAGE) -> list[Module]:
    """Every module of the package in ``folder``, found on disk (nothing is imported)."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append(Module(name, path.relative_to(folder.parent).as_posix(),
                            path.read_text(encoding="utf-8")))
    return found


def imports_in(module: Module, *, in_functions: bool = True) -> list[Import]:
    """Every import statement of ``module``, wherever it stands: at the top, under
    ``if TYPE_CHECKING:``, inside a function (unless ``in_functions`` is false: then
    only what runs as the module is imported). Relative imports are made absolute."""
    found = []
    for node in _nodes(ast.parse(module.source, module.path), in_functions):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.package.split(".")
                anchor = ".".join(package[:len(package) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found.append(Import(module, base, node.lineno))
            found += [Import(module, f"{base}.{alias.name}", node.lineno)
                      for alias in node.names if alias.name != "*"]
    return sorted(found, key=lambda i: i.line)


def _nodes(tree: ast.AST, in_functions: bool) -> list[ast.AST]:
    nodes, stack = [], [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack += [child for child in ast.iter_child_nodes(node) if in_functions or not
                  isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)]
    return nodes


def resolve(target: str, known: Iterable[str]) -> str | None:
    """The module of ours that importing ``target`` runs: the longest dotted prefix of it
    that is one of ``known`` (``from a import name`` names a module or something in one)."""
    known = set(known)
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in known:
            return ".".join(parts[:end])
    return None


Graph = dict[str, dict[str, list[Import]]]


def import_graph(modules: list[Module]) -> Graph:
    """Which of our modules each one imports, with the imports that do it."""
    names = {m.name for m in modules}
    graph: Graph = {m.name: {} for m in modules}
    for module in modules:
        for found in imports_in(module):
            target = resolve(found.target, names)
            if target is None or target == module.name:
                continue
            imports = graph[module.name].setdefault(target, [])
            if not any(i.line == found.line for i in imports):  # ``from a.b import c, d``
                imports.append(found)
    return graph


# -- the checks ----------------------------------------------------------------------


def cycles(graph: Graph) -> list[list[str]]:
    """Import cycles: for each group of modules that import each other round, the
    shortest cycle through each of its modules (each cycle once)."""
    found: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for start in sorted(graph):
        path = _shortest_cycle(graph, start)
        if path is None:
            continue
        ring = path[:-1]
        turn = ring.index(min(ring))
        key = tuple(ring[turn:] + ring[:turn])
        if key not in seen:
            seen.add(key)
            found.append([*key, key[0]])
    return found


def _shortest_cycle(graph: Graph, start: str) -> list[str] | None:
    """From ``start`` back to it, breadth first: [start, ..., start], or None."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, {})):
                if target == start:
                    path = [start, node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return path[::-1]
                if target not in came_from and target != start:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    return None


def describe_cycle(cycle: list[str], graph: Graph) -> str:
    """The cycle, with the file and every line where each module imports the next."""
    steps = [f"{graph[a][b][0].module.path}:{','.join(str(i.line) for i in graph[a][b])} "
             f"imports {b}" for a, b in itertools.pairwise(cycle)]
    return " → ".join(cycle) + " (" + "; ".join(steps) + ")"


def database_use(module: Module) -> list[str]:
    """Where ``module`` reaches a database itself: an import of sqlite3, an attribute
    ``.conn`` (an open connection), the name ``connect_read_only``."""
    found = []
    for node in ast.walk(ast.parse(module.source, module.path)):
        what = None
        if isinstance(node, ast.Import):
            if any(a.name.split(".")[0] == "sqlite3" for a in node.names):
                what = "imports sqlite3"
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] == "sqlite3" and not node.level:
                what = "imports from sqlite3"
            elif any(a.name == "connect_read_only" for a in node.names):
                what = "imports connect_read_only"
        elif isinstance(node, ast.Attribute) and node.attr in ("conn", "connect_read_only"):
            what = f"uses .{node.attr}"
        elif isinstance(node, ast.Name) and node.id == "connect_read_only":
            what = "uses connect_read_only"
        if what:
            found.append((node.lineno, f"{module.path}:{node.lineno}: {what}"))
    return [text for _line, text in sorted(set(found))]


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def importers_of(target: str, graph: Graph, under: str) -> dict[str, list[Import]]:
    """The modules under the package ``under`` that import ``target``, with the imports."""
    return {name: imports[target] for name, imports in sorted(graph.items())
            if within(name, under) and target in imports}


def qt_modules(loaded: Iterable[str]) -> list[str]:
    return sorted(m for m in loaded if m.split(".")[0] in QT)


def qt_imports(modules: Iterable[Module]) -> list[str]:
    """Where a module imports Qt or the GUI as it is imported itself (not later, inside a
    function): the places to look when Qt was loaded."""
    found: dict[str, str] = {}
    for module in modules:
        for imported in imports_in(module, in_functions=False):
            if imported.target.split(".")[0] in QT or within(imported.target, GUI):
                found.setdefault(imported.where(), imported.target)  # the statement's module
    return [f"{where} imports {target}" for where, target in found.items()]


# -- the layers of this application ---------------------------------------------------

MODULES = modules_in()
GRAPH = import_graph(MODULES)


def test_the_archive_and_the_notes_never_load_qt():
    """Imported in a fresh interpreter, every module outside desktop.gui (the archive,
    the notes, the command line) leaves PySide6 and shiboken6 unloaded."""
    modules = [m for m in MODULES if not within(m.name, GUI)]
    names = [m.name for m in modules]
    assert {"desktop.archive.store", "desktop.notes.store", "desktop.cli"} <= set(names)
    loaded = qt_modules(modules_after_importing(*names))
    assert loaded == [], (f"Qt was loaded ({', '.join(loaded[:5])}) by importing the "
                          f"modules below the GUI: {'; '.join(qt_imports(modules))}")


def test_no_module_imports_itself_round_a_cycle():
    found = cycles(GRAPH)
    assert found == [], "import cycles: " + " | ".join(describe_cycle(c, GRAPH) for c in found)


def test_the_gui_never_reaches_a_database_itself():
    found = [use for m in MODULES if within(m.name, GUI) for use in database_use(m)]
    assert found == [], "the GUI reaches a database itself: " + "; ".join(found)


def test_one_gui_module_is_the_door_to_the_notes_store():
    importers = importers_of(NOTES_STORE, GRAPH, GUI)
    assert list(importers) == [NOTES_DOOR], (
        f"{NOTES_STORE} is imported by " + "; ".join(
            f"{name} ({', '.join(i.where() for i in imports)})"
            for name, imports in importers.items())
        + f"; only {NOTES_DOOR} should import it")


# The modules that open, read or write the notes file: the GUI reaches them only through
# its door. (Marks as data, changes, errors and pure text logic are for every module.)
NOTES_FILE_MODULES = ("desktop.notes.store", "desktop.notes.connection",
                      "desktop.notes.notes_file", "desktop.notes.boundary",
                      "desktop.notes.health", "desktop.notes.backups",
                      "desktop.notes.migrations", "desktop.notes.reanchor")


def test_no_other_gui_module_reaches_the_notes_file():
    reaching = {f"{name} imports {target} ({', '.join(i.where() for i in imports)})"
                for target in NOTES_FILE_MODULES
                for name, imports in importers_of(target, GRAPH, GUI).items()
                if name != NOTES_DOOR}
    assert reaching == set(), "; ".join(sorted(reaching))


# -- the checks themselves, on made-up modules -----------------------------------------


def made_up(sources: Mapping[str, str]) -> list[Module]:
    """Modules from source text: ``{"app/ui/window.py": "import app.core"}``."""
    return [Module(".".join(Path(path).with_suffix("").parts).removesuffix(".__init__"),
                   path, source) for path, source in sources.items()]


def test_imports_are_found_inside_functions_under_type_checking_and_relative():
    (module,) = made_up({"app/ui/window.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from app.ui.main import Main\n"
        "def later():\n"
        "    import app.core.store as store\n"
        "    from ..core import search\n"
        "from . import theme\n")})
    found = {(i.target, i.line) for i in imports_in(module)}
    assert {("app.ui.main.Main", 3), ("app.core.store", 5), ("app.core.search", 6),
            ("app.ui.theme", 7)} <= found


def test_a_cycle_is_found_however_its_imports_are_hidden():
    graph = import_graph(made_up({
        "app/__init__.py": "",
        "app/main.py": "from app import panel\n",
        "app/panel.py": "def go():\n    from app.commands import run\n",
        "app/commands.py": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                            "    from app.main import Main\n"),
        "app/alone.py": "import app.main\n",
    }))
    (cycle,) = cycles(graph)
    assert cycle == ["app.commands", "app.main", "app.panel", "app.commands"]
    assert describe_cycle(cycle, graph) == (
        "app.commands → app.main → app.panel → app.commands (app/commands.py:3 imports "
        "app.main; app/main.py:1 imports app.panel; app/panel.py:2 imports app.commands)")


def test_modules_that_import_each_other_are_a_cycle_and_a_chain_is_not():
    assert cycles(import_graph(made_up({"a/x.py": "import a.y\n",
                                        "a/y.py": "from a import x\n"}))) == [
        ["a.x", "a.y", "a.x"]]
    assert cycles(import_graph(made_up({"a/__init__.py": "", "a/x.py": "import a.y\n",
                                        "a/y.py": "from a import z\n",
                                        "a/z.py": "import sqlite3\n"}))) == []


def test_every_way_of_reaching_a_database_is_named_with_its_line():
    (module,) = made_up({"app/ui/panel.py": (
        "import sqlite3\n"
        "from sqlite3 import Connection\n"
        "from app.store import connect_read_only\n"
        "def show(self):\n"
        "    rows = self.archive.conn.execute('SELECT 1')\n"
        "    other = connect_read_only('x.db')\n"
        "    fine = self.connection, 'conn', self.archive.passage('p1')\n")})
    assert database_use(module) == [
        "app/ui/panel.py:1: imports sqlite3", "app/ui/panel.py:2: imports from sqlite3",
        "app/ui/panel.py:3: imports connect_read_only", "app/ui/panel.py:5: uses .conn",
        "app/ui/panel.py:6: uses connect_read_only"]


def test_every_gui_module_importing_the_store_is_named():
    graph = import_graph(made_up({
        "app/notes/store.py": "", "app/notes/__init__.py": "",
        "app/gui/marks.py": "from app.notes.store import Notes\n",
        "app/gui/panel.py": "def f():\n    from app.notes import store\n",
        "app/gui/card.py": "from ..notes.store import Highlight\n",
        "app/gui/theme.py": "from app.notes import places\n",
    }))
    found = importers_of("app.notes.store", graph, "app.gui")
    assert {name: [i.where() for i in imports] for name, imports in found.items()} == {
        "app.gui.card": ["app/gui/card.py:1"], "app.gui.marks": ["app/gui/marks.py:1"],
        "app.gui.panel": ["app/gui/panel.py:2"]}


def test_qt_is_recognised_loaded_and_imported():
    assert qt_modules({"PySide6", "PySide6.QtCore", "shiboken6", "PySide6_extra", "os"}) == [
        "PySide6", "PySide6.QtCore", "shiboken6"]
    modules = made_up({"app/notes/x.py": ("def f():\n    import PySide6.QtGui\n"
                                          "from PySide6.QtCore import QObject\n"),
                       "desktop/notes/y.py": "from desktop.gui import plain\n",
                       "app/notes/z.py": "import os\n"})
    assert qt_imports(modules) == ["app/notes/x.py:3 imports PySide6.QtCore",
                                   "desktop/notes/y.py:1 imports desktop.gui"]


def test_every_module_of_the_application_is_read():
    names = {m.name for m in MODULES}
    assert {"desktop", "desktop.cli", "desktop.gui.marks", NOTES_STORE,
            "desktop.archive.store"} <= names
    assert all(m.path.startswith("desktop/") for m in MODULES)
