"""The docs stay true to the code: links resolve, cited paths and names exist, figures are printed.

Reads README.md, CHANGELOG.md and docs/*.md as a reader would follow them: every relative link
and image must resolve (``#anchors`` against the target's headings, as GitHub makes them), every
repository path and every ``core.`` / ``ui.`` / ``bench.`` / ``scripts.`` / ``tests.`` name in
backticks must exist, the layout in docs/architecture.md must list every module and nothing
else, the README's test command must be the one CI runs, and docs/benchmarks.md must hold the
verbatim output of ``python -m bench.report`` for every benchmark command. No prose or figure is
asserted.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import report

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
GUIDES = ("lecture", "deploy", "science", "benchmarks", "testing", "architecture")
DOCS = [README, ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
MAX_README_LINES = 300
TOP_LEVEL = ("core", "ui", "pages", "tests", "bench", "scripts", "assets", "docs", ".streamlit")
TOP_FILES = ("streamlit_app.py", "requirements.txt", "requirements-dev.txt", "pyproject.toml")
# Paths the docs name that a deployment creates, never the repository.
NOT_IN_REPO = {".streamlit/secrets.toml"}
FENCE = re.compile(r"^\s*(```|~~~)")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"`+([^`\n]+?)`+")
DOTTED = re.compile(r"^((?:core|ui|bench|scripts|tests)(?:\.\w+)+)")


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: its text, lower case, punctuation dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(text: str) -> set[str]:
    found: set[str] = set()
    for line in prose_lines(text):
        if match := re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line):
            name, n = slug(match[1]), 1
            while name in found:  # GitHub numbers a repeated heading's anchor
                name, n = f"{slug(match[1])}-{n}", n + 1
            found.add(name)
    return found


def broken_links(path: Path) -> list[str]:
    """The links and images of a Markdown file that lead nowhere (files, then anchors)."""
    text = path.read_text()
    broken = []
    for line in prose_lines(text):
        for target in LINK.findall(CODE_SPAN.sub("", line)):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # a web address: not checked offline
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            if not linked.exists():
                broken.append(f"{target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text()):
                broken.append(f"{target} (no such heading)")
    return broken


def code_spans(path: Path) -> list[str]:
    return [
        span.strip() for line in prose_lines(path.read_text()) for span in CODE_SPAN.findall(line)
    ]


def cited_paths(path: Path) -> list[str]:
    """Repository paths the file names in backticks (``<placeholders>`` read as wildcards)."""
    paths = []
    for span in code_spans(path):
        word = span.split()[0].rstrip(",.;:") if span else ""
        if word.startswith(tuple(f"{top}/" for top in TOP_LEVEL)) or word in TOP_FILES:
            paths.append(word)
    return paths


def missing_paths(path: Path) -> list[str]:
    return [
        p
        for p in cited_paths(path)
        if p not in NOT_IN_REPO and not list(ROOT.glob(re.sub(r"<[^>]+>", "*", p)))
    ]


def module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def defined_names(body: list[ast.stmt]) -> dict[str, ast.AST]:
    """Names a module or class body defines (functions, classes, assignments, imports)."""
    names: dict[str, ast.AST] = {}
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name):
                        names[name.id] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.ImportFrom | ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = node
    return names


def imported_from(node: ast.ImportFrom, module: str, file: Path) -> str:
    """The module a ``from ... import`` in ``module`` (whose source is ``file``) names."""
    if not node.level:
        return node.module or ""
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return ".".join(filter(None, [base, node.module]))


def name_exists(dotted: str) -> bool:
    """Whether ``core.mlp.network.MLP.step`` (a module, then names in it) is in the source."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        if (file := module_file(".".join(parts[:cut]))) is not None:
            break
    else:
        return False
    module, rest = ".".join(parts[:cut]), parts[cut:]
    body = ast.parse(file.read_text()).body
    for k, name in enumerate(rest):
        node = defined_names(body).get(name)
        if node is None:
            return False
        if isinstance(node, ast.ImportFrom):  # a re-export: look where it comes from
            return name_exists(".".join([imported_from(node, module, file), name, *rest[k + 1 :]]))
        if isinstance(node, ast.ClassDef):
            body = node.body
        elif k < len(rest) - 1:
            return False
    return True


def cited_names(path: Path) -> list[str]:
    return [m[1] for span in code_spans(path) if (m := DOTTED.match(span))]


def layout_block() -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("## Project layout", 1)[1]
    return section.split("```", 2)[1].strip("\n").splitlines()


def layout_paths() -> set[str]:
    """Every path the layout's tree names, from its indentation (two spaces a level)."""
    paths, folders = set(), []
    for line in layout_block():
        indent = len(line) - len(line.lstrip(" "))
        if indent > 12 or not line.strip():
            continue  # a description's second line
        names = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        folders = folders[: indent // 2]
        for name in (n.strip() for n in names.split(",")):
            paths.add("/".join([*folders, name.rstrip("/")]))
        if names.endswith("/"):
            folders.append(names.rstrip("/"))
    return paths


@pytest.mark.parametrize("guide", GUIDES)
def test_each_reader_has_a_guide_with_a_title(guide):
    text = (ROOT / "docs" / f"{guide}.md").read_text()
    assert text.startswith("# "), f"docs/{guide}.md should open with its title"
    assert f"docs/{guide}.md" in README.read_text(), f"the README should link docs/{guide}.md"


def test_the_readme_is_one_screen():
    assert len(README.read_text().splitlines()) <= MAX_README_LINES


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_image_resolves(path):
    assert broken_links(path) == []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_cited_path_exists(path):
    assert missing_paths(path) == []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_cited_module_and_name_exists(path):
    assert [name for name in cited_names(path) if not name_exists(name)] == []


def test_the_checks_find_what_has_drifted(tmp_path):
    page = tmp_path / "guide.md"
    (tmp_path / "there.md").write_text("# There\n\n## A heading, with `code`\n")
    page.write_text(
        "# Guide\n\n[ok](there.md#a-heading-with-code) [file](gone.md) [anchor](there.md#nope)"
        " [here](#guide) ![pic](pic.png) [web](https://example.org/x)\n\n"
        "`core/mlp/network.py` `core/mlp/nowhere.py` `docs/screenshots/overview_<page>_1920.png`\n"
        "`core.mlp.network.MLP.step` `core.mlp.train` `core.mlp.compare.differences`\n"
        "```\n[in code](absent.md) `core/absent.py`\n```\n"
    )
    assert broken_links(page) == [
        "gone.md (no such file)",
        "there.md#nope (no such heading)",
        "pic.png (no such file)",
    ]
    assert missing_paths(page) == ["core/mlp/nowhere.py"]
    found = {name: name_exists(name) for name in cited_names(page)}
    assert found == {
        "core.mlp.network.MLP.step": True,
        "core.mlp.train": True,  # re-exported by core/mlp/__init__.py
        "core.mlp.compare.differences": False,  # it lives in ui/train/compare.py
    }


def test_the_layout_lists_every_module_and_nothing_else():
    listed = layout_paths()
    assert {p for p in listed if not (ROOT / p).exists()} == set(), "listed but absent"
    modules = {
        str(p.relative_to(ROOT))
        for top in ("core", "ui", "pages")
        for p in (ROOT / top).rglob("*.py")
        if p.name != "__init__.py"
    }
    assert modules - listed == set(), "modules missing from the layout in docs/architecture.md"


def test_the_readme_test_command_is_what_ci_runs():
    quick_start = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", quick_start, re.DOTALL)
    assert len(commands) == 2, "the Quick start has two commands"
    app, tests = commands
    assert app.endswith(".venv/bin/streamlit run streamlit_app.py")
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert tests == ci[-1], ".ci/run must run the README's test command verbatim"


def test_benchmarks_doc_holds_printed_output_of_every_command():
    text = (ROOT / "docs" / "benchmarks.md").read_text()
    assert report.missing_blocks(text) == []
    for command in report.COMMANDS:
        begin, end = report.markers(command.name)
        body = text.split(begin, 1)[1].split(end, 1)[0].strip()
        assert body.startswith(f"`python -m {command.module}"), f"{command.name}: not generated"


def test_every_benchmark_has_a_report_command():
    benches = {f"bench.{p.stem}" for p in (ROOT / "bench").glob("bench_*.py")}
    assert benches <= {c.module for c in report.COMMANDS}


def test_a_block_is_replaced_between_its_own_markers_only():
    text = "\n".join(["intro", *report.markers("a"), "between", *report.markers("b"), "end"])
    changed = report.replace_block(text.replace("-->\n<!--", "-->\nold\n<!--", 1), "a", "new")
    assert changed.splitlines() == [
        "intro",
        report.markers("a")[0],
        "new",
        report.markers("a")[1],
        "between",
        *report.markers("b"),
        "end",
    ]
    with pytest.raises(ValueError, match="exactly one pair"):
        report.replace_block("no markers", "a", "new")


def test_the_report_writes_a_commands_output_verbatim_and_keeps_a_failed_ones(
    tmp_path, monkeypatch
):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("\n".join(["# B", *report.markers("platform"), *report.markers("broken")]))
    monkeypatch.setattr(report, "DOC", doc)
    monkeypatch.setattr(
        report,
        "COMMANDS",
        (
            report.Command("platform", "platform", ()),
            report.Command("broken", "no_such_module_here", ()),
        ),
    )
    assert report.main(["--quick"]) == 1  # one command failed
    printed = subprocess.run(
        [sys.executable, "-m", "platform"], capture_output=True, text=True, check=True
    ).stdout
    text = doc.read_text()
    block = text.split(report.markers("platform")[0])[1].split(report.markers("platform")[1])[0]
    assert block.startswith("\n`python -m platform` printed, on ")
    assert f"```text\n{printed.rstrip()}\n```" in block
    assert f"{report.markers('broken')[0]}\n{report.markers('broken')[1]}" in text
    assert report.main(["--check"]) == 0
