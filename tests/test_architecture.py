"""The architecture of the package, checked from its source (issue 10).

1. No import cycles between the modules of ``src/ecosim``. The graph is built by parsing
   every file with :mod:`ast`: every ``import`` / ``from ... import`` statement counts,
   also inside functions and under ``if TYPE_CHECKING:``; relative imports are resolved.
   (The implicit import of a parent package when a submodule is imported is not an
   edge: the package ``__init__`` modules are lazy, PEP 562.)
2. Layers, bottom to top: errors → params → simulation → experiments → sensitivity →
   calibration →
   reporting → app → cli (and the package itself, the public API, on top). A module
   never imports a module of a higher layer.
3. ``import ecosim`` loads none of the heavy libraries.
4. No class over 400 lines and no function over 80 lines.

Each checker is a plain function with a known-answer test of its own below.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "ecosim"

#: Layers, bottom first; a module belongs to the layer of its longest matching prefix.
#: The simulation's rules (process modules with their calibration constants, state,
#: sectors) sit below the declaration, which gathers their constants; the model, which
#: validates its keywords against the declaration, sits above it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("errors", ("ecosim.errors", "ecosim._version", "ecosim._lazy")),
    ("rules", tuple(f"ecosim.simulation.{m}" for m in (
        "processes", "constants", "state", "sectors", "population", "workers", "records",
        "partnerships",
        "sampling", "agents", "schedule", "setup", "interventions"))),
    ("params", ("ecosim.params",)),
    # the model and the simulation package's facade (which loads the model lazily)
    ("model", ("ecosim.simulation", "ecosim.testfunctions")),
    ("experiments", ("ecosim.experiments",)),
    ("sensitivity", ("ecosim.sensitivity",)),
    ("calibration", ("ecosim.calibration",)),
    ("reporting", ("ecosim.reporting",)),
    ("app", ("ecosim.app",)),
    ("cli", ("ecosim.cli",)),
    ("api", ("ecosim",)),  # the package __init__: the public API, loads from every layer
)

#: Known exceptions to the layering, each with its reason. To be removed by their owners.
LAYER_ALLOWED: dict[tuple[str, str], str] = {}

#: Import cycles tolerated: cycles entirely inside these packages (none).
CYCLE_ALLOWED_WITHIN: tuple[str, ...] = ()

MAX_FUNCTION_LINES = 80
MAX_CLASS_LINES = 400
#: Paths (relative to src/ecosim) exempt from the size check (none).
SIZE_ALLOWED: tuple[str, ...] = ()

HEAVY = ("mesa", "pandas", "matplotlib", "solara", "dask", "SALib", "scipy")


# ---------------------------------------------------------------------------------------
# The checkers
# ---------------------------------------------------------------------------------------
def module_files(pkg: Path) -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` file of the package ``pkg``."""
    out = {}
    for f in sorted(pkg.rglob("*.py")):
        parts = list(f.relative_to(pkg.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = f
    return out


def _resolve(name: str, known: Iterable[str]) -> str | None:
    """The module ``name`` refers to: itself, or its longest known prefix."""
    known = set(known)
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, known: Iterable[str]) -> set[str]:
    """Every known module that ``module`` (in file ``path``) imports, anywhere in the file."""
    known = set(known)
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module if is_pkg else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            # `from pkg import sub` imports the submodule `pkg.sub` when there is one
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        for t in targets:
            hit = _resolve(t, known)
            if hit is not None and hit != module:
                out.add(hit)
    return out


def import_graph(pkg: Path = PKG) -> dict[str, set[str]]:
    """Module → the package modules it imports."""
    files = module_files(pkg)
    return {m: imports_of(m, f, files) for m, f in files.items()}


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One cycle (``[a, b, ..., a]``) per strongly connected component that has one."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    sccs: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(comp)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            connect(v)
    cycles = []
    for comp in sccs:
        members = set(comp)
        start = min(comp)
        if len(comp) == 1 and start not in set(graph.get(start, ())):
            continue
        cycles.append(_cycle_through(graph, start, members))
    return sorted(cycles)


def _cycle_through(graph: Mapping[str, Iterable[str]], start: str, members: set[str]
                   ) -> list[str]:
    """A shortest cycle from ``start`` back to itself inside one component (BFS)."""
    prev: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph.get(v, ())):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if w in members and w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle through {start}")  # pragma: no cover


def layer_of(module: str, layers: tuple[tuple[str, tuple[str, ...]], ...] = LAYERS
             ) -> int | None:
    """Index of the layer of ``module`` (longest matching prefix), or ``None``."""
    best, best_len = None, -1
    for i, (_, prefixes) in enumerate(layers):
        for p in prefixes:
            exact_only = p == "ecosim"
            if (module == p or (not exact_only and module.startswith(p + "."))) \
                    and len(p) > best_len:
                best, best_len = i, len(p)
    return best


def layer_violations(graph: Mapping[str, Iterable[str]],
                     layer: Callable[[str], int | None] = layer_of,
                     allowed: Mapping[tuple[str, str], str] = LAYER_ALLOWED
                     ) -> list[tuple[str, str]]:
    """Edges ``(a, b)`` where ``a`` imports ``b`` of a higher layer (and not allowed)."""
    bad = []
    for a, targets in graph.items():
        for b in targets:
            la, lb = layer(a), layer(b)
            if la is not None and lb is not None and lb > la and (a, b) not in allowed:
                bad.append((a, b))
    return sorted(bad)


def oversized(source: str, max_function: int = MAX_FUNCTION_LINES,
              max_class: int = MAX_CLASS_LINES) -> list[tuple[str, int]]:
    """``(qualified name, lines)`` of every function or class (nested ones included) that
    is longer than allowed; a definition spans its ``def``/``class`` line to its end."""
    out = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                n = child.end_lineno - child.lineno + 1
                limit = max_class if isinstance(child, ast.ClassDef) else max_function
                if n > limit:
                    out.append((name, n))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return out


# ---------------------------------------------------------------------------------------
# The package
# ---------------------------------------------------------------------------------------
def _within(cycle: list[str], packages: tuple[str, ...]) -> bool:
    return any(all(m == p or m.startswith(p + ".") for m in cycle) for p in packages)


def test_no_import_cycles() -> None:
    cycles = [c for c in find_cycles(import_graph()) if not _within(c, CYCLE_ALLOWED_WITHIN)]
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


def test_every_module_has_a_layer() -> None:
    missing = [m for m in module_files(PKG) if layer_of(m) is None]
    assert not missing, f"modules outside every layer (add them to LAYERS): {missing}"


def test_lower_layers_never_import_upper_ones() -> None:
    bad = layer_violations(import_graph())
    names = [n for n, _ in LAYERS]
    msg = "\n".join(f"{a} ({names[layer_of(a)]}) imports {b} ({names[layer_of(b)]})"
                    for a, b in bad)
    assert not bad, "layering violations:\n" + msg


def test_layer_exceptions_are_still_needed() -> None:
    graph = import_graph()
    stale = [edge for edge in LAYER_ALLOWED if edge[1] not in graph.get(edge[0], set())]
    assert not stale, f"LAYER_ALLOWED entries no longer needed, remove them: {stale}"


def test_import_ecosim_is_light() -> None:
    code = ("import sys, ecosim; ecosim.__all__; ecosim.PARAMETERS; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"import ecosim loads {out}"


@pytest.mark.parametrize("package", ["ecosim.experiments", "ecosim.sensitivity",
                                     "ecosim.reporting", "ecosim.app.server"])
def test_subpackages_and_the_server_are_light_too(package: str) -> None:
    code = (f"import sys, {package}; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"import {package} loads {out}"


@pytest.mark.parametrize("package", ["ecosim", "ecosim.experiments", "ecosim.sensitivity",
                                     "ecosim.reporting", "ecosim.app", "ecosim.cli"])
def test_every_exported_name_resolves(package: str) -> None:
    import importlib

    mod = importlib.import_module(package)
    submodules = {m.rpartition(".")[2] for m in module_files(PKG)
                  if m.rpartition(".")[0] == package}
    for name in mod.__all__:
        assert getattr(mod, name) is not None, name
        assert not inspect.ismodule(getattr(mod, name)), f"{package}.{name} is a module"
        if hasattr(mod, "_EXPORTS"):  # a lazy name must not be shadowed by a submodule
            assert name not in submodules, f"{package}.{name} is both an export and a module"
    assert set(mod.__all__) <= set(dir(mod))


def test_console_script_and_module_entry_points() -> None:
    import ecosim.cli

    assert callable(ecosim.cli.main) and not inspect.ismodule(ecosim.cli.main)
    out = subprocess.run([sys.executable, "-m", "ecosim.cli", "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("ecosim ")


def test_no_oversized_functions_or_classes() -> None:
    found = []
    for f in sorted(PKG.rglob("*.py")):
        rel = f.relative_to(PKG).as_posix()
        if rel.startswith(SIZE_ALLOWED):
            continue
        found += [f"{rel}: {name} ({n} lines)"
                  for name, n in oversized(f.read_text(encoding="utf-8"))]
    assert not found, (f"over {MAX_FUNCTION_LINES} lines (function) or {MAX_CLASS_LINES} "
                       "(class):\n" + "\n".join(found))


# ---------------------------------------------------------------------------------------
# Known answers of the checkers themselves
# ---------------------------------------------------------------------------------------
def test_cycle_finder_reports_a_synthetic_cycle() -> None:
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert find_cycles(g) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"a"}, "b": set()}) == [["a", "a"]]
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    two = find_cycles({"a": {"b"}, "b": {"a"}, "x": {"y"}, "y": {"z"}, "z": {"x"}})
    assert two == [["a", "b", "a"], ["x", "y", "z", "x"]]


def test_graph_sees_function_level_and_type_checking_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "toy"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from . import b\n    return b\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                              "    from .a import f\nfrom .sub.c import X\n")
    (pkg / "sub" / "c.py").write_text("import toy.a\nfrom .. import b as _b\nX = 1\n")
    (pkg / "d.py").write_text("import os\nfrom toy.sub import c\n")
    g = import_graph(pkg)
    assert g["toy.a"] == {"toy.b"}
    assert g["toy.b"] == {"toy.a", "toy.sub.c"}
    assert g["toy.sub.c"] == {"toy.a", "toy.b"}
    assert g["toy.d"] == {"toy.sub.c"}
    assert ["toy.a", "toy.b", "toy.a"] in find_cycles(g)


def test_layer_check_flags_an_upward_import() -> None:
    assert layer_of("ecosim.experiments.sweep") < layer_of("ecosim.reporting.plots")
    assert layer_of("ecosim") == len(LAYERS) - 1
    assert layer_of("ecosim.errors") == 0 and layer_of("ecosim.elsewhere") is None
    g = {"ecosim.experiments.runner": {"ecosim.reporting.plots", "ecosim.params"},
         "ecosim.reporting.plots": {"ecosim.experiments.runner"},
         "ecosim.cli.main": {"ecosim.app.server"},
         "ecosim.app.server": {"ecosim.cli.main"}}
    assert layer_violations(g, allowed={}) == [
        ("ecosim.app.server", "ecosim.cli.main"),
        ("ecosim.experiments.runner", "ecosim.reporting.plots")]
    allowed = {("ecosim.app.server", "ecosim.cli.main"): "test"}
    assert layer_violations(g, allowed=allowed) == [
        ("ecosim.experiments.runner", "ecosim.reporting.plots")]


def test_size_check_counts_nested_definitions() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(85))
    src = (f"def long():\n{body}\n\ndef short():\n    pass\n\n"
           f"class C:\n    def m(self):\n{body.replace('    ', '        ')}\n")
    assert oversized(src) == [("long", 86), ("C.m", 86)]
    assert oversized(src, max_function=100) == []
    assert oversized(src, max_class=10) == [("long", 86), ("C", 87), ("C.m", 86)]
