"""The shape of the house, checked from the source: what imports what, and where things live.

- ``core/`` never imports Streamlit (it runs in tests, benchmarks and the command line), holds
  no path outside the repository and writes nothing inside its own package.
- No import cycle among the project's modules, counting imports inside functions too.
- The topics import downward only: ``plot_style`` < ``mlp`` < ``colour``; ``filters`` stands
  alone; nothing in ``core`` imports ``ui`` or ``pages``. ``ui/`` has one package per topic
  (the same words as ``core/``) and a few cross-page modules; a topic's glue never imports
  another topic's.
- Nothing in ``pages/`` but pages: shared glue there would be served as a page of its own.
- No test code in the product, and Streamlit's private modules in one tested guard only.
- Pages are thin (at most 300 lines); a function over 80 lines is worth splitting where its
  meaning splits (a backstop, not a style: the formatter's output is the style).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core.mlp.activations import ACTIVATIONS

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "ui", "pages")
PRODUCT = ("core", "ui", "pages", "streamlit_app.py")
TOPICS = ("train", "colour", "filters")
CROSS_PAGE = {"app", "cache", "link", "training"}  # the ui/ modules every page may share
# Which core topics each topic may import (besides itself).
ALLOWED = {
    "plot_style": set(),
    "mlp": {"plot_style"},
    "colour": {"plot_style", "mlp"},
    "filters": {"plot_style"},
}
MAX_FUNCTION_LINES = 80
MAX_PAGE_LINES = 300


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules that ``path`` imports, at any depth of its code."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from pkg import sub`` imports the module pkg.sub; ``from pkg import name``, pkg
            submodules = [f"{node.module}.{a.name}" for a in node.names]
            names = [m for m in submodules if m in modules]
            if len(names) < len(submodules):
                names.append(node.module)
        else:
            continue
        for name in names:
            if name in modules:
                out.add(name)
    return out


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def topic(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "core" and len(parts) > 1 else None


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_the_import_graph_sees_imports_inside_functions(tmp_path):
    source = "def f():\n    from core.mlp import engine\n"
    (tmp_path / "m.py").write_text(source)
    modules = {"core.mlp": ROOT / "core/mlp/__init__.py", "core.mlp.engine": ROOT}
    assert imports_of(tmp_path / "m.py", modules) == {"core.mlp.engine"}


def test_the_project_has_no_import_cycle():
    assert find_cycle(import_graph()) is None


def test_core_never_imports_streamlit_ui_or_pages():
    for name, path in project_modules().items():
        if not name.startswith("core"):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            for imported in names:
                top = imported.split(".")[0]
                assert top not in ("streamlit", "ui", "pages"), f"{name} imports {imported}"


def test_core_topics_import_downward_only():
    for module, targets in import_graph().items():
        source = topic(module)
        if source is None or source not in ALLOWED:
            continue
        for target in targets:
            other = topic(target)
            if other is not None and other != source:
                assert other in ALLOWED[source], f"{module} imports {target}: against the layers"


def test_the_folder_listing_shows_the_three_topics():
    packages = {p.name for p in (ROOT / "core").iterdir() if (p / "__init__.py").is_file()}
    assert {"mlp", "colour", "filters"} <= packages


def test_ui_has_a_package_per_topic_and_a_few_cross_page_modules():
    packages = {p.name for p in (ROOT / "ui").iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(TOPICS)
    modules = {p.stem for p in (ROOT / "ui").glob("*.py")} - {"__init__"}
    assert modules == CROSS_PAGE, "page glue belongs in ui/<topic>/, not flat in ui/"


def ui_topic(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "ui" and len(parts) > 2 else None


def test_a_topics_glue_never_imports_another_topics():
    for module, targets in import_graph().items():
        source = ui_topic(module)
        for target in targets:
            other = ui_topic(target)
            assert source is None or other in (None, source), f"{module} imports {target}"


def product_files() -> list[Path]:
    files = [ROOT / "streamlit_app.py"]
    for package in ("core", "ui", "pages"):
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_test_code_in_the_product():
    for path in product_files():
        for name in imported_names(path):
            top = name.split(".")[0]
            assert top not in ("tests", "scripts", "bench", "pytest"), f"{path} imports {name}"


# The places that may touch Streamlit's private modules (ui/app.py names the version each was
# checked against, and tests/pages/test_glue.py tests that each still works).
PRIVATE_GUARDS = {("ui/app.py", "_pages_manager"), ("ui/app.py", "skip_keras_reset")}


def private_imports(path: Path) -> list[tuple[str | None, str]]:
    """(enclosing top-level function or None, module) of each private Streamlit import."""
    found = []
    for statement in ast.parse(path.read_text()).body:
        function = statement.name if isinstance(statement, ast.FunctionDef) else None
        for node in ast.walk(statement):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [(function, n) for n in names if n.startswith(PRIVATE_MODULES)]
    return found


PRIVATE_MODULES = ("streamlit.runtime", "streamlit.web")


def test_private_streamlit_modules_are_used_in_one_guard_only():
    for path in product_files():
        for function, module in private_imports(path):
            where = (str(path.relative_to(ROOT)), function)
            assert where in PRIVATE_GUARDS, f"{where} imports {module}"


def test_core_holds_no_path_outside_itself_and_writes_nothing_inside():
    for path in sorted((ROOT / "core").rglob("*.py")):
        text = path.read_text()
        for outside in ('"shared" /', "../shared", "parents[3]", '".cache"', "/.cache"):
            assert outside not in text, f"{path.relative_to(ROOT)} names {outside}"


def test_pages_holds_only_pages():
    """A fresh server runs every file in pages/ as a page when its first request is a deep
    link, so glue there would be served as a page of its own."""
    quiet = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)
    for path in sorted((ROOT / "pages").glob("*.py")):
        body = ast.parse(path.read_text()).body
        runs = [
            n
            for n in body
            if not isinstance(n, quiet)
            and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
        ]
        assert runs, f"{path.name} only defines things: glue belongs in ui/, not pages/"


def long_functions() -> list[str]:
    found = []
    for name, path in project_modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{name}.{node.name}: {length} lines")
    return found


def test_no_function_is_over_80_lines():
    assert long_functions() == []


@pytest.mark.parametrize("page", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_stay_under_300_lines(page):
    assert len(page.read_text().splitlines()) <= MAX_PAGE_LINES


def cache_decorators(path: Path) -> list[tuple[str, ast.Call | ast.Attribute, ast.FunctionDef]]:
    """(function name, decorator, function) of every Streamlit cache in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Attribute) and target.attr in (
                "cache_data",
                "cache_resource",
            ):
                found.append((node.name, decorator, node))
    return found


def test_every_streamlit_cache_is_bounded():
    """What the server keeps is bounded: each cache names its largest number of entries (or a
    time to live), unless its function takes no argument and so holds one value at most."""
    for path in product_files():
        for name, decorator, function in cache_decorators(path):
            arguments = function.args.args + function.args.kwonlyargs
            keywords = {k.arg for k in getattr(decorator, "keywords", [])}
            bounded = bool({"max_entries", "ttl"} & keywords) or not arguments
            assert bounded, f"{path.relative_to(ROOT)}: {name} caches without a bound"


# Issue 26: a house a newcomer can carry on.
STATE_OWNERS = ("ui/app.py", "ui/link.py")  # and every topic's ui/<topic>/state.py
MAX_STATE_USES = 20
MAX_FILE_LINES = 450


def state_uses() -> dict[str, int]:
    """``st.session_state`` written outside its owners, by file."""
    uses = {}
    for path in [*sorted((ROOT / "ui").rglob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]:
        where = path.relative_to(ROOT).as_posix()
        if where in STATE_OWNERS or path.name == "state.py":
            continue
        count = path.read_text().count("st.session_state")
        if count:
            uses[where] = count
    return uses


def test_page_state_has_one_owner_per_topic():
    uses = state_uses()
    assert sum(uses.values()) <= MAX_STATE_USES, uses


def test_every_topic_has_a_state_module():
    for name in TOPICS:
        assert (ROOT / "ui" / name / "state.py").is_file(), f"ui/{name}/state.py"


@pytest.mark.parametrize(
    "path",
    [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_each_file_has_one_job_and_at_most_450_lines(path):
    assert len(path.read_text().splitlines()) <= MAX_FILE_LINES


def defined_functions(path: Path) -> list[str]:
    """Public top-level functions and classes of a module."""
    body = ast.parse(path.read_text()).body
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return [n.name for n in body if isinstance(n, kinds) and not n.name.startswith("_")]


def names_used(path: Path) -> set[str]:
    """Every name and attribute a module reads, and names it imports or exports."""
    used = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom):
            used |= {alias.name for alias in node.names}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            used.add(node.value)  # __all__ entries, names looked up by string
    return used


def callers() -> list[Path]:
    """What the product and the commands people run consist of (not tests)."""
    files = [*product_files()]
    for folder in ("scripts", "bench"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


# Test hooks: they reset or watch a process's shared state, which a test must do and the app never.
TEST_HOOKS = {"ui/filters/jobs.py::under_way", "ui/filters/weights.py::clear_loaded"}


def test_no_product_function_is_called_by_tests_only():
    files = callers()
    used_in = {path: names_used(path) for path in files}
    unused = []
    for path in product_files():
        for name in defined_functions(path):
            elsewhere = any(name in used for other, used in used_in.items() if other != path)
            inside = name in names_used_but_definition(path, name)
            where = f"{path.relative_to(ROOT).as_posix()}::{name}"
            if not (elsewhere or inside or where in TEST_HOOKS):
                unused.append(where)
    assert unused == []


def names_used_but_definition(path: Path, name: str) -> set[str]:
    """Names a module reads, leaving out the definition of ``name`` itself."""
    tree = ast.parse(path.read_text())
    tree.body = [n for n in tree.body if getattr(n, "name", None) != name]
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
    return used


def test_each_activation_is_defined_once():
    """No function named after an activation, nor a branch on an activation's name, elsewhere."""
    names = set(ACTIVATIONS) | {f"{n}_derivative" for n in ACTIVATIONS} | {"batch_sigmoid"}
    found = []
    for path in sorted((ROOT / "core").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py")):
        if path.name == "activations.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name in names:
                found.append(f"{path.relative_to(ROOT)}: def {node.name}")
            if isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value in ACTIVATIONS for c in node.comparators
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: compares to a name")
    assert found == []
