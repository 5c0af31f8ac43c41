"""The package's layering (``formcheck.LAYERS``): imports flow one way, no cycles, and judgement reaches no video,
drawing, model or UI library. Every import counts: module level, under ``TYPE_CHECKING`` and inside functions."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import formcheck

ROOT = Path(formcheck.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _imports(name: str) -> set[str]:
    """Every module ``name`` imports, anywhere in its source (formcheck modules resolved to the real module)."""
    tree = ast.parse(MODULES[name].read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{name}: relative imports are not used in formcheck")
    return out


def _parents(module: str) -> list[str]:
    """The packages whose ``__init__`` runs when ``module`` is imported."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _graph() -> dict[str, set[str]]:
    """formcheck module -> the formcheck modules it makes Python load (its imports and their packages)."""
    graph: dict[str, set[str]] = {}
    for name in MODULES:
        targets = {m for m in _imports(name) if m in MODULES}
        graph[name] = {t for m in targets for t in (m, *_parents(m)) if t != name and t in MODULES}
    return graph


def layer_of(module: str) -> int:
    for index, (_, members) in enumerate(formcheck.LAYERS):
        if any(module == m or module.startswith(m + ".") for m in members):
            return index
    raise AssertionError(f"{module} belongs to no layer in formcheck.LAYERS")


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        if name != "formcheck":
            layer_of(name)


def test_imports_flow_one_way() -> None:
    wrong = []
    for name in MODULES:
        if name == "formcheck":
            continue
        for target in _imports(name):
            if target in MODULES and target != "formcheck" and layer_of(target) > layer_of(name):
                wrong.append(
                    f"{name} ({formcheck.LAYERS[layer_of(name)][0]}) imports {target} "
                    f"({formcheck.LAYERS[layer_of(target)][0]})"
                )
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycle() -> None:
    graph = {k: {t for t in v if not (k.startswith(t + ".") or t == "formcheck")} for k, v in _graph().items()}
    cycle = _find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def _reach(name: str, graph: dict[str, set[str]]) -> set[str]:
    seen, todo = {name}, [name, *_parents(name)]
    seen.update(todo)
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize("layer", sorted(formcheck.FORBIDDEN))
def test_layer_reaches_no_forbidden_library(layer: str) -> None:
    graph = _graph()
    forbidden = set(formcheck.FORBIDDEN[layer])
    members = [m for m in MODULES if m != "formcheck" and formcheck.LAYERS[layer_of(m)][0] == layer]
    assert members
    for name in members:
        for module in _reach(name, graph):
            bad = {i.split(".")[0] for i in _imports(module)} & forbidden
            assert not bad, f"{name} reaches {sorted(bad)} through {module}"


def test_libraries_are_imported_only_where_allowed() -> None:
    for name in MODULES:
        for lib in {i.split(".")[0] for i in _imports(name)} & set(formcheck.ONLY_IN):
            allowed = formcheck.ONLY_IN[lib]
            assert any(name == a or name.startswith(a + ".") for a in allowed), f"{name} imports {lib}"


def test_checking_loads_no_video_model_or_ui_library_at_run_time() -> None:
    code = (
        "import sys; import formcheck.checking.session, formcheck.checking.routine, formcheck.checking.suggest, "
        "formcheck.exercises; bad = {'cv2', 'av', 'mediapipe', 'streamlit', 'altair'} & set(sys.modules); "
        "print(sorted(bad)); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_layer_package_says_what_it_owns_and_may_import() -> None:
    for package in ("pose", "exercises", "checking", "media", "app", "ui"):
        doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text())) or ""
        assert "May import" in doc, package
    assert "May import" in (ast.get_docstring(ast.parse((ROOT / "values.py").read_text())) or "")


MAX_METHODS = 12


def test_no_class_does_too_many_things() -> None:
    """A class with more than ~12 methods does more than its one job: carve the rest out (see docs/architecture.md)."""
    big = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                methods = [f for f in node.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
                if len(methods) > MAX_METHODS:
                    big.append(f"{name}.{node.name}: {len(methods)} methods")
    assert not big, big
