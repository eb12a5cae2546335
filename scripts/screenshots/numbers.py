"""Screenshots of "By the numbers" (the VGG16 filters page, "Your picture" tab) for the README.

Starts the app with the trained weights ($VGG16_WEIGHTS, else ../shared/vgg16), opens the page
at 1920x1080 and at 390x844 (a phone's User-Agent), turns the picture tab on, draws the missing
first-layer pictures, and saves one view per part:

    docs/screenshots/convnumbers_<width>_<part>.png   part: pick, numbers, sweep, field, kernels

    python -m scripts.screenshots numbers            # needs Chromium and the weights file
    python -m scripts.screenshots numbers --out DIR

Look at every picture before committing it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.support import browser as br
from tests.support import flows
from tests.support.app_server import ROOT, AppServer
from tests.support.weights import trained_weights

OUT = ROOT / "docs" / "screenshots"
SCREENS = {"1920": (1920, 1080, None), "390": (390, 844, br.PHONE_AGENT)}
# What each picture shows: the element scrolled to the top of the screen.
PARTS = {
    "pick": "By the numbers: one filter on one 3x3 patch",
    "numbers": ".st-key-convnumbers_numbers",
    "sweep": ".st-key-convnumbers_sweep",
    "field": "Deeper cells see more.",
    "kernels": "The kernels as pictures.",
}


def open_view(page, url: str) -> None:
    br.open_app(page, url, flows.FILTERS_PATH, "", timeout=300)
    page.get_by_role("tab", name="Your picture").click()
    page.get_by_text("Show what VGG16 does with a picture").click()
    br.wait_for_run(page, 300)
    draw = page.locator(".st-key-convnumbers_draw button")  # the kernels' missing pictures
    if draw.count():
        draw.click()
        br.wait_for_run(page, 600)
    problems = br.problems(page)
    if problems:
        raise RuntimeError(f"the page shows errors: {problems}")


def scroll_to(page, part: str) -> None:
    target = PARTS[part]
    element = page.locator(target) if target.startswith(".") else page.get_by_text(target)
    element.first.scroll_into_view_if_needed()
    element.first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.mouse.wheel(0, -70)  # the heading above it stays in view
    page.wait_for_timeout(1200)


def shoot(browser, url: str, out: Path, width: str) -> list[Path]:
    w, h, agent = SCREENS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, user_agent=agent)
    context.set_default_timeout(300_000)
    saved = []
    try:
        page = context.new_page()
        open_view(page, url)
        for part in PARTS:
            scroll_to(page, part)
            if part == "sweep":  # the kernel halfway along its row
                page.locator(".st-key-convnumbers_sweep").get_by_text("▶ Play").click()
                page.wait_for_timeout(4200)
                page.locator(".st-key-convnumbers_sweep").get_by_text("❚❚ Pause").click()
                page.wait_for_timeout(500)
            saved.append(br.screenshot(page, out / f"convnumbers_{width}_{part}.png", False))
    finally:
        context.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    weights = trained_weights()
    if not Path(weights).is_file():
        raise SystemExit(f"no weights file at {weights}: set VGG16_WEIGHTS")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as cache:
        env = {"VGG16_WEIGHTS": weights, "FILTER_GRID_CACHE": cache}
        with AppServer(env=env) as server, sync_playwright() as playwright:
            browser = br.launch(playwright)
            for width in SCREENS:
                for path in shoot(browser, server.url, args.out, width):
                    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
            browser.close()
    return 0


if __name__ == "__main__":
    main()
