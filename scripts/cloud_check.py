"""Community Cloud readiness: a clean venv from requirements.txt alone, the app started from the
repository root as Cloud starts it, every page rendered, cold start and peak memory reported.

    python -m scripts.cloud_check                  # build a fresh venv in a temp folder
    python -m scripts.cloud_check --venv .cloud-venv --reuse   # keep the venv between runs
    python -m scripts.cloud_check --json out/cloud.json

Figures: cold start (from `streamlit run` to the first page fully rendered in Chromium) and the
server's peak resident memory (process tree) while walking every page, rendering a 4x4 grid of
block5_conv3 and training 50,000 iterations. Targets: < 15 s and < 1.5 GB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.support import browser as br
from tests.support import flows
from tests.support.app_server import ROOT, AppServer

REQUIREMENTS = ROOT / "requirements.txt"
from tests.support.weights import trained_weights  # noqa: E402

COLD_START_TARGET_S = 15.0
RSS_TARGET_MB = 1500.0
TRAIN_ITERATIONS = 50_000
GRID_LAYER, GRID_N = "block5_conv3", 4


@dataclass
class CloudReport:
    venv_build_s: float | None = None
    healthy_after_s: float | None = None
    cold_start_s: float | None = None
    pages: dict[str, dict] = field(default_factory=dict)
    grid: dict = field(default_factory=dict)
    training: dict = field(default_factory=dict)
    peak_rss_mb: float | None = None
    rss_after_start_mb: float | None = None
    problems: list[str] = field(default_factory=list)
    browser: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        lines = [
            f"venv build        {self.venv_build_s:.1f} s"
            if self.venv_build_s
            else "venv build        (reused)",
            f"health answered   {self.healthy_after_s:.1f} s after `streamlit run`",
            f"cold start        {self.cold_start_s:.1f} s to the first page fully rendered "
            f"(target < {COLD_START_TARGET_S:.0f} s)",
        ]
        for name, page in self.pages.items():
            lines.append(f"page {name:<20} {page['status']:<8} {page['seconds']:.1f} s")
        if self.grid:
            lines.append(
                f"grid {GRID_LAYER} {GRID_N}x{GRID_N}: {self.grid.get('status')} "
                f"{self.grid.get('seconds', 0):.1f} s"
            )
        if self.training:
            lines.append(
                f"train {TRAIN_ITERATIONS:,} iterations: {self.training.get('status')} "
                f"{self.training.get('seconds', 0):.1f} s"
            )
        lines.append(f"RSS after start   {self.rss_after_start_mb:.0f} MB")
        lines.append(
            f"peak server RSS   {self.peak_rss_mb:.0f} MB (target < {RSS_TARGET_MB:.0f} MB)"
        )
        lines += [f"PROBLEM: {p}" for p in self.problems] or ["no problems"]
        return "\n".join(lines)


def requirement_names(path: Path = REQUIREMENTS) -> set[str]:
    """The distributions requirements.txt names for this platform (markers evaluated)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            names.add(canonicalize_name(requirement.name))
    return names


def installed_closure(names: set[str]) -> set[str]:
    """``names`` and everything they need, transitively, as installed here (no extras)."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for text in needs:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(requirement.name))
    return seen


def imports_not_covered(path: Path = REQUIREMENTS) -> dict[str, set[str]]:
    """Third-party modules the app imports that requirements.txt alone would not install.

    What a clean venv built from requirements.txt proves, without building one: every module
    the product (``streamlit_app.py``, ``pages/``, ``ui/``, ``core/``) imports is the standard
    library's, the project's own, or comes with a distribution requirements.txt installs.

    Returns:
        Module to the distributions that provide it here, for each module not covered.
    """
    import ast
    from importlib import metadata

    from packaging.utils import canonicalize_name

    own = {"core", "ui", "pages"}
    files = [ROOT / "streamlit_app.py"]
    for package in own:
        files += sorted((ROOT / package).rglob("*.py"))
    modules = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module.split(".")[0])
    covered = installed_closure(requirement_names(path))
    providers = metadata.packages_distributions()
    missing = {}
    for module in sorted(modules - own - set(sys.stdlib_module_names)):
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists & covered:
            missing[module] = dists
    return missing


def requirements_digest(path: Path = REQUIREMENTS) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_venv(dest: Path, requirements: Path = REQUIREMENTS, reuse: bool = False) -> float | None:
    """Create a virtual environment with requirements.txt alone (pip's cache is reused).

    Returns:
        Seconds the build took, or None when a matching venv was reused.
    """
    dest = Path(dest)
    marker = dest / ".requirements.sha256"
    digest = requirements_digest(requirements)
    if reuse and marker.is_file() and marker.read_text() == digest:
        return None
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(dest)], check=True)
    pip = [
        str(dest / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "-q",
        "-r",
        str(requirements),
    ]
    done = subprocess.run(pip, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip install -r requirements.txt failed:\n{done.stdout}\n{done.stderr}")
    marker.write_text(digest)
    return time.perf_counter() - start


def _fmt_mb(n: int) -> float:
    return round(n / 2**20, 1)


def check(
    python: str,
    weights: str | None = None,
    iterations: int = TRAIN_ITERATIONS,
    grid: tuple[str, int] | None = (GRID_LAYER, GRID_N),
    candidates: int | None = None,
    steps: int | None = None,
    report: CloudReport | None = None,
    log=print,
) -> CloudReport:
    """Start the app with `python` from the repository root and walk it in Chromium.

    Args:
        python: the interpreter of the (clean) environment that runs `streamlit run`.
        weights: a local VGG16 weights file for the filters page, else the page's default.
        iterations: training iterations for the memory walk.
        grid: (layer, n) of the filter grid for the memory walk, or None to skip it.
        candidates, steps: the grid's "M" and steps (None: the page's defaults, 64 and 20).
    """
    report = report or CloudReport()
    scratch = tempfile.mkdtemp(prefix="cloud-check-")
    # A fresh Cloud container has no rendered grids: start with empty caches, not the repo's.
    env = {"FILTER_GRID_CACHE": f"{scratch}/grids", "FILTER_GRID_DIR": f"{scratch}/prerendered"}
    if weights:
        env["VGG16_WEIGHTS"] = weights
    server = AppServer(
        python=python, env=env, cloud_like=True, unset=() if weights else ("VGG16_WEIGHTS",)
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = br.launch(pw)  # launched before the server: not part of the cold start
        page = browser.new_page(viewport=br.VIEWPORT)
        page.set_default_timeout(180_000)
        report.browser = True
        try:
            report.healthy_after_s = round(server.start(timeout=120), 2)
            with server.memory_sampler() as memory:
                br.open_app(page, server.url, timeout=180)
                report.cold_start_s = round(time.perf_counter() - server.started_at, 2)
                report.rss_after_start_mb = _fmt_mb(server.rss())
                log(f"cold start {report.cold_start_s:.1f} s")
                _walk_pages(page, report, log)
                if grid is not None:
                    _render_grid(
                        page,
                        server.url,
                        *grid,
                        report=report,
                        log=log,
                        weights=weights,
                        candidates=candidates,
                        steps=steps,
                    )
                _train(page, server.url, iterations, report, log)
            report.peak_rss_mb = _fmt_mb(memory.peak)
            if "Traceback" in server.log_text():
                report.problems.append(f"server log has a traceback:\n{server.log_tail(30)}")
        finally:
            server.stop()
            browser.close()
            shutil.rmtree(scratch, ignore_errors=True)
    if report.cold_start_s is not None and report.cold_start_s > COLD_START_TARGET_S:
        report.problems.append(f"cold start {report.cold_start_s:.1f} s > {COLD_START_TARGET_S} s")
    if report.peak_rss_mb is not None and report.peak_rss_mb > RSS_TARGET_MB:
        report.problems.append(f"peak RSS {report.peak_rss_mb:.0f} MB > {RSS_TARGET_MB:.0f} MB")
    return report


def _walk_pages(page, report: CloudReport, log) -> None:
    for title in (flows.TRAIN_TITLE, flows.COLOUR_TITLE, flows.FILTERS_TITLE):
        seconds = br.open_from_nav(page, title, timeout=180)
        problems = flows.without_offline_imagenet(page, br.problems(page))
        status = "ok" if not problems else "ERROR"
        report.pages[title] = {"status": status, "seconds": round(seconds, 2)}
        report.problems += [f"{title}: {p}" for p in problems]
        log(f"page {title}: {status} in {seconds:.1f} s")


def _render_grid(
    page,
    base_url: str,
    layer: str,
    n: int,
    report: CloudReport,
    log,
    weights: str | None = None,
    candidates: int | None = None,
    steps: int | None = None,
) -> None:
    start = time.perf_counter()
    try:
        # With a weights file the page starts on it; without one, pick the untrained network.
        flows.render_grid(
            page,
            base_url,
            layer=layer,
            n=n,
            candidates=candidates,
            steps=steps,
            weights=None if weights else flows.UNTRAINED,
        )
    except flows.MissingControlError as missing:
        report.grid = {"status": f"skipped: {missing}", "seconds": 0.0}
        report.problems.append(f"grid not rendered: {missing}")
        return
    problems = br.problems(page)
    report.grid = {
        "status": "ok" if not problems else "ERROR",
        "seconds": round(time.perf_counter() - start, 2),
    }
    report.problems += [f"grid: {p}" for p in problems]
    log(f"grid {layer} {n}x{n}: {report.grid}")


def _train(page, base_url: str, iterations: int, report: CloudReport, log) -> None:
    start = time.perf_counter()
    flows.train_page(page, base_url, f"lr=0.2&iterations={iterations}&seed=0", timeout=300)
    problems = br.problems(page)
    shown = flows.query(page).get("iterations")
    if shown != str(iterations):
        problems.append(f"asked for {iterations} iterations, the page ran {shown}")
    report.training = {
        "status": "ok" if not problems else "ERROR",
        "seconds": round(time.perf_counter() - start, 2),
    }
    report.problems += [f"training: {p}" for p in problems]
    log(f"train {iterations:,}: {report.training}")


def run(
    venv: Path | None = None,
    reuse: bool = False,
    python: str | None = None,
    weights: str | None = None,
    quick: bool = False,
    log=print,
) -> CloudReport:
    """Build (or reuse) the clean venv and check the app with it.

    quick: the CI size: the 4x4 block5_conv3 grid ranks 16 candidates for 8 steps (128 px).
    """
    report = CloudReport()
    workdir = None
    if python is None:
        if venv is None:
            workdir = tempfile.TemporaryDirectory(prefix="cloud-venv-")
            venv = Path(workdir.name) / "venv"
        log(f"building a clean venv from requirements.txt in {venv} ...")
        report.venv_build_s = build_venv(venv, reuse=reuse)
        python = str(Path(venv) / "bin" / "python")
        if report.venv_build_s is not None:
            log(f"venv built in {report.venv_build_s:.1f} s")
    try:
        sizes = {"candidates": 16, "steps": 8} if quick else {}
        return check(python, weights=weights, report=report, log=log, **sizes)
    finally:
        if workdir is not None:
            workdir.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="where to build the clean venv (default: temp)")
    parser.add_argument("--reuse", action="store_true", help="reuse --venv if requirements match")
    parser.add_argument("--python", help="skip the build and use this interpreter")
    parser.add_argument(
        "--weights",
        default=trained_weights(),
        help="local VGG16 weights for the filters page (default: $VGG16_WEIGHTS or ../shared)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--quick", action="store_true", help="a smaller grid (CI)")
    args = parser.parse_args(argv)
    if br.chromium_executable() is None:
        print(br.HOW_TO_ENABLE, file=sys.stderr)
        return 2
    report = run(args.venv, args.reuse, args.python, args.weights, quick=args.quick)
    print(report.summary())
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(asdict(report), indent=2))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
