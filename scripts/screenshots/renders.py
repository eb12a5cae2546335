"""Screenshots of the filters page's renders for the README, at 1920x1080 and 390x844.

    python -m scripts.screenshots renders [--out docs/screenshots]

Two servers of its own: one offline without weights (the ImageNet download fails here, as in a
lecture hall without internet), one with ``VGG16_WEIGHTS`` naming the trained file of
``../shared`` (skipped when it is absent). Saves ``renders_*.png``.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from tests.support import browser as br
from tests.support import flows
from tests.support.app_server import ROOT, AppServer
from tests.support.weights import trained_weights

SIZES = {name: viewport for name, (viewport, _) in br.SCREENS.items()}
ISSUE_LINK = "layer=block1_conv1&n=8&M=512&size=256&steps=512&method=fourier&weights=untrained"
SLOW = "weights=untrained&layer=block5_conv3&n=4&M=64"
TINY_LAYERS = "weights=untrained&n=2&M=8&steps=5&size=64"


def shoot(page, path: Path, full_page: bool = False) -> None:
    br.wait_for_run(page, 300)
    br.screenshot(page, path, full_page=full_page)
    print(path)


def top(page) -> None:
    page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollTo(0, 0)")
    page.mouse.wheel(0, -20000)
    page.wait_for_timeout(300)


def offline_views(browser, url: str, out: Path) -> None:
    for name, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(300_000)
        page = context.new_page()
        # The issue's link: nothing starts, the ceiling is said, the button is off.
        br.open_app(page, url, flows.FILTERS_PATH, ISSUE_LINK, 300)
        page.get_by_text("one request may take at most").first.scroll_into_view_if_needed()
        shoot(page, out / f"renders_link_{name}.png")
        # A render under way: its progress where the grid will be; the tabs below work.
        steps = 20 if name == "1920" else 21  # not the grid the first pass rendered and stored
        br.open_app(page, url, flows.FILTERS_PATH, f"{SLOW}&steps={steps}", 300)
        page.get_by_role("button", name="Render grid").click()
        page.get_by_text(re.compile("Filling in as batches finish")).first.wait_for(timeout=600_000)
        page.get_by_test_id("stProgress").first.scroll_into_view_if_needed()
        shoot(page, out / f"renders_progress_{name}.png")
        page.get_by_role("tab", name="Your picture").click()
        page.get_by_text("Show what VGG16 does with a picture").click()
        page.get_by_text("Through the network", exact=True).wait_for(timeout=300_000)
        page.get_by_role("tab", name="Your picture").scroll_into_view_if_needed()
        shoot(page, out / f"renders_picture_tab_during_render_{name}.png")
        if name == "1920":
            page.get_by_text("Through the network", exact=True).scroll_into_view_if_needed()
            shoot(page, out / "renders_through_the_network_1920.png")
        # Offline, ImageNet asked for a grid that does not ship: a plain sentence, and every
        # picture says it comes from the untrained network.
        br.open_app(page, url, flows.FILTERS_PATH, f"n=2&M=16&steps={steps - 15}&size=64", 300)
        flows.press_render(page, 600)
        top(page)
        shoot(page, out / f"renders_offline_{name}.png")
        # Compare layers: five grids side by side, stacked on a phone.
        br.open_app(page, url, flows.FILTERS_PATH, f"{TINY_LAYERS}&sample={steps}", 300)
        page.get_by_role("tab", name="Compare layers").click()
        page.get_by_role("button", name="Render the five layers").click()
        page.wait_for_function(
            """() => [...document.querySelectorAll('[role=tabpanel]')]
                .some(p => p.querySelectorAll('[data-testid=stPlotlyChart]').length === 5)""",
            timeout=600_000,
        )
        page.wait_for_timeout(1500)
        page.get_by_role("tab", name="Compare layers").scroll_into_view_if_needed()
        shoot(page, out / f"renders_compare_layers_{name}.png")
        context.close()


def local_views(browser, url: str, out: Path) -> None:
    for name, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(300_000)
        page = context.new_page()
        br.open_app(page, url, flows.FILTERS_PATH, "", 300)
        if name == "390":
            page.get_by_role("button", name="Render grid").scroll_into_view_if_needed()
        shoot(page, out / f"renders_local_weights_{name}.png")
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="renders_shots_"))
    env = {
        "FILTER_GRID_CACHE": str(scratch / "grids"),
        "FILTER_GRID_DIR": str(scratch / "prerendered"),
        "KERAS_HOME": str(scratch / "keras"),
    }
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = br.launch(pw)
        with AppServer(env=env, unset=("VGG16_WEIGHTS", "VGG16_WEIGHTS_DIR")) as server:
            server.warm()
            offline_views(browser, server.url, args.out)
        weights = trained_weights()
        if weights:
            with AppServer(env={**env, "VGG16_WEIGHTS": weights}) as server:
                server.warm()
                local_views(browser, server.url, args.out)
        browser.close()
    return 0


if __name__ == "__main__":
    main()
