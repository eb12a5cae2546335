"""Refresh the README's screenshots in docs/screenshots/ from the browser flows of tests/e2e.

    python -m scripts.screenshots            # real VGG16 weights from $VGG16_WEIGHTS or ../shared
    python -m scripts.screenshots --out DIR

Writes train_mlp.png, text_over_colour.png, vgg16_filters_block1_conv1.png and
vgg16_filters_block4_conv3.png (the last two with real weights when present, else untrained,
and the file says so in the page's caption). Look at them before committing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from scripts import browser as br
from scripts import flows
from scripts.app_server import ROOT, AppServer

OUT = ROOT / "docs" / "screenshots"
from core.filters.model import SHARED_WEIGHTS  # noqa: E402


def take(out: Path = OUT, weights: str | None = None, log=print) -> list[Path]:
    """Start the app, walk the pages as the e2e tests do, save one PNG per picture."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        env = {"FILTER_GRID_CACHE": str(Path(tmp) / "grids")}
        if weights:
            env["VGG16_WEIGHTS"] = weights
        server = AppServer(env=env, unset=() if weights else ("VGG16_WEIGHTS",))
        with server, sync_playwright() as pw:
            browser = br.launch(pw)
            # Tall enough for a whole filter grid; the app scrolls inside its own container.
            page = browser.new_page(viewport={"width": 1400, "height": 1900})
            page.set_default_timeout(600_000)

            flows.train_page(page, server.url, "lr=0.2&iterations=10000&seed=0")
            saved.append(_save(page, out / "train_mlp.png", log))

            flows.colour_page(page, server.url)
            flows.type_colour(page, "#3366cc")
            flows.teach(page, "White")
            saved.append(_save(page, out / "text_over_colour.png", log))

            choice = None if weights else flows.UNTRAINED
            for layer in ("block1_conv1", "block4_conv3"):
                flows.render_grid(page, server.url, layer=layer, n=4, weights=choice)
                saved.append(_save(page, out / f"vgg16_filters_{layer}.png", log))
            browser.close()
    return saved


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
    default = os.environ.get("VGG16_WEIGHTS") or (
        str(SHARED_WEIGHTS) if SHARED_WEIGHTS.is_file() else None
    )
    parser.add_argument("--weights", default=default, help="VGG16 weights file (real filters)")
    args = parser.parse_args(argv)
    if br.chromium_executable() is None:
        print(br.HOW_TO_ENABLE, file=sys.stderr)
        return 2
    take(args.out, args.weights)
    return 0


if __name__ == "__main__":
    sys.exit(main())
