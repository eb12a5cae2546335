"""Walk every page as a lecturer would and save what the browser shows.

For each page a freshly started server gets a shared link (with settings in its query string)
as its very first request, at 1920x1080 (a projector) and at 390x844 (a phone); the page is
then reloaded. Each view is checked (no error box, the link's settings kept after the reload)
and saved as PNG:

    docs/screenshots/overview_<page>_<width>.png          the README's "at a glance" table
    out/screenshots/overview_<page>_<width>_reload.png    the same view after a reload

    python -m scripts.screenshots overview   # real VGG16 weights from $VGG16_WEIGHTS or ../shared
    python -m scripts.screenshots overview --out DIR  # write the overviews elsewhere

The other pictures in docs/screenshots/ (replay frames, the step view, the colour charts) are
written by the browser tests (tests/e2e, into $E2E_SHOTS_DIR) and copied by hand. Look at
every picture before committing it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from core.colour.labels import Label
from core.colour.link import labels_to_param
from tests.support import browser as br
from tests.support import flows
from tests.support.app_server import ROOT, AppServer
from tests.support.weights import trained_weights

OUT = ROOT / "docs" / "screenshots"
RELOADS = ROOT / "out" / "screenshots"
SCREENS = {"1920": {"width": 1920, "height": 1080}, "390": {"width": 390, "height": 844}}


@dataclass(frozen=True)
class Link:
    """A shared link to one page: the file-name stem, the URL path and its query string."""

    name: str
    path: str
    query: str


LINKS = (
    Link("train_mlp", flows.TRAIN_PATH, "lr=0.2&iterations=10000&seed=0"),
    Link(
        "text_over_colour",
        flows.COLOUR_PATH,
        "&".join(
            [
                f"labels={labels_to_param([Label('#102030', 'white'), Label('#f0e68c', 'black')])}",
                "retrained=2",
                "bg=ff8c00",
                "random=5",
            ]
        ),
    ),
    Link("vgg16_filters", flows.FILTERS_PATH, "weights=imagenet&layer=block3_conv3"),
)


def take(out: Path = OUT, weights: str | None = None, log=print) -> list[Path]:
    """Start one fresh server per page, open its link at each screen size, reload, save."""
    from playwright.sync_api import sync_playwright

    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp, sync_playwright() as pw:
        browser = br.launch(pw)
        for link in LINKS:
            env = {"FILTER_GRID_CACHE": str(Path(tmp) / link.name)}
            if weights:
                env["VGG16_WEIGHTS"] = weights
            with AppServer(env=env, unset=() if weights else ("VGG16_WEIGHTS",)) as server:
                for width, viewport in SCREENS.items():
                    saved += _walk(browser, server.url, link, viewport, out / link.name, width, log)
        browser.close()
    return saved


def _walk(browser, base_url: str, link: Link, viewport: dict, stem: Path, width: str, log):
    """Open the link, check and save the view, reload, check and save again."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(600_000)
    try:
        page = context.new_page()
        start = time.perf_counter()
        br.open_app(page, base_url, link.path, link.query, timeout=600)
        arrived = time.perf_counter() - start
        kept = flows.query(page)
        first = _save(page, stem.parent / f"overview_{stem.name}_{width}.png", log)
        page.reload(wait_until="domcontentloaded")
        br.wait_for_run(page, 600)
        if flows.query(page) != kept:
            raise RuntimeError(f"{link.name}: the reload lost settings: {flows.query(page)}")
        again = _save(page, RELOADS / f"overview_{link.name}_{width}_reload.png", log)
        log(f"  {link.name} at {width} px: arrived in {arrived:.1f} s, settings kept on reload")
        return [first, again]
    finally:
        context.close()


def _save(page, path: Path, log) -> Path:
    problems = flows.without_offline_imagenet(page, br.problems(page))
    if problems:
        raise RuntimeError(f"{path.name}: the page shows problems: {problems}")
    page.evaluate(  # show each page from its top, as a person arriving on it sees it
        "document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })"
    )
    page.wait_for_timeout(300)
    br.screenshot(page, path, full_page=False)
    log(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    default = trained_weights()
    parser.add_argument("--weights", default=default, help="VGG16 weights file (real filters)")
    args = parser.parse_args(argv)
    if br.chromium_executable() is None:
        print(br.HOW_TO_ENABLE, file=sys.stderr)
        return 2
    take(args.out, args.weights)
    return 0


if __name__ == "__main__":
    sys.exit(main())
