"""The package's layers, checked: no module imports a higher layer, packages of one layer do not import each other
unless listed below with a reason, and no two modules import each other (directly or round a cycle).

Every ``import`` counts, the ones inside functions too (a lazy import is still a dependency). ``briefing/__init__.py``
is lazy (it only holds the version) and exempt. A new package or top-level module must be placed in LAYERS.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "briefing"

#: Lowest first. A unit is a top-level module (``errors``) or a package (``text`` for ``briefing/text/*``).
LAYERS: list[set[str]] = [
    {"errors", "usage", "schema", "roles", "strict", "sections", "providers", "paths", "redact", "resources"},  # the bottom
    {"config", "text"},
    {"grounding", "ingest", "output", "store"},
    {"model"},
    {"brief"},
    {"batch", "eval", "merge", "story", "doctor"},
    {"cli", "__main__"},
]
#: Units of the bottom layer are single modules with one job each; they may import one another (cycles are still
#: refused). Above it, packages of one layer stay independent, except for these.
SAME_LAYER_ALLOWED: dict[tuple[str, str], str] = {
    ("output", "ingest"): "output.write refuses an -o that names an input, and asks ingest.core.is_url which "
                          "inputs are URLs (one definition of a URL input)",
    ("eval", "batch"): "the eval briefs its corpus through batch.run.run_batch (one run loop)",
    ("eval", "story"): "eval.stories measures story briefings built by story.build",
    ("story", "merge"): "a story is the merge of its articles' extractions",
    ("__main__", "cli"): "python -m briefing runs the command line",
}
#: Known imports of a higher layer, each to be removed; the test fails on any other, and on an entry no longer
#: needed (so the list only shrinks).
UPWARD_ALLOWED: dict[tuple[str, str], str] = {}

#: Known cycles between modules, each to be broken; the test fails on any other, and on an entry that is gone.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def layer_of(unit: str) -> int:
    for n, layer in enumerate(LAYERS):
        if unit in layer:
            return n
    raise AssertionError(f"briefing.{unit} is in no layer: add it to LAYERS in tests/test_layers.py")


def modules() -> dict[str, Path]:
    out = {}
    for f in sorted(PACKAGE.rglob("*.py")):
        parts = f.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = f
    return out


def imports(path: Path, known: dict[str, Path]) -> list[tuple[int, str]]:
    """``(line, module)`` for every briefing module ``path`` imports, at any depth of the file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "briefing"]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import (the house uses absolute ones)"
            if node.module and node.module.split(".")[0] == "briefing":
                for a in node.names:  # ``from briefing.model import local`` imports the module briefing.model.local
                    sub = f"{node.module}.{a.name}"
                    out.append((node.lineno, sub if sub in known else node.module))
    return out


def graph() -> dict[str, list[tuple[int, str]]]:
    known = modules()
    return {name: [(line, dep) for line, dep in imports(path, known) if dep != name]
            for name, path in known.items()}


def test_the_layer_table_names_every_unit_that_exists():
    units = {unit_of(m) for m in modules()} - {"__init__"}
    placed = set().union(*LAYERS)
    assert units <= placed, f"not in LAYERS: {sorted(units - placed)}"
    missing = placed - units
    assert not missing, f"LAYERS names units that do not exist: {sorted(missing)}"


def test_no_module_imports_a_higher_layer_or_a_sibling_package():
    known = modules()
    wrong, used = [], set()
    for name, deps in graph().items():
        src = unit_of(name)
        if src == "__init__":
            continue
        for line, dep in deps:
            dst = unit_of(dep)
            if dst in ("__init__", src):
                continue
            where = f"{known[name].relative_to(ROOT)}:{line}: {name} imports {dep}"
            if layer_of(dst) > layer_of(src):
                if (name, dep) in UPWARD_ALLOWED:
                    used.add((name, dep))
                else:
                    wrong.append(f"{where} (layer {layer_of(dst)} above {layer_of(src)})")
            elif layer_of(dst) == layer_of(src) and layer_of(src) > 0 and (src, dst) not in SAME_LAYER_ALLOWED:
                wrong.append(f"{where} (same layer {layer_of(src)}: list it in SAME_LAYER_ALLOWED with a reason)")
    assert not wrong, "\n".join(wrong)
    assert used == set(UPWARD_ALLOWED), f"no longer needed, remove: {sorted(set(UPWARD_ALLOWED) - used)}"


def test_no_import_cycles():
    g = {name: sorted({dep for _, dep in deps}) for name, deps in graph().items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in g.get(v, []):
            if w not in index:
                visit(w)
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
                cycles.append(frozenset(component))

    for v in sorted(g):
        if v not in index:
            visit(v)
    new = [sorted(c) for c in cycles if c not in KNOWN_CYCLES]
    assert not new, f"modules importing each other: {new}"
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in cycles]
    assert not gone, f"cycles no longer there, remove them from KNOWN_CYCLES: {gone}"


def test_the_check_sees_lazy_imports(tmp_path):
    """An import inside a function is a dependency too (the check would pass vacuously otherwise)."""
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from briefing.model import local\n    import briefing.brief\n")
    known = {"briefing.model": f, "briefing.model.local": f, "briefing.brief": f}
    assert imports(f, known) == [(2, "briefing.model.local"), (3, "briefing.brief")]
    deps = {dep for _, dep in graph()["briefing.brief"]}
    assert "briefing.model.local" in deps, "brief.endpoint imports the local model lazily"
