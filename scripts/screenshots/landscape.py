"""Screenshots of the Landscape tab (docs/screenshots/landscape_*.png), as a lecturer uses it.

At 1920x1080 and at 390x844 (a phone's User-Agent): open "Train the MLP", the Landscape tab,
the map; click a point of the map (α and β must follow); pin the four learning-rate presets
and show their paths on one shared plane; the honesty view; the 3D surface.

Usage: python -m scripts.screenshots landscape [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.support import browser as br
from tests.support.app_server import ROOT, AppServer


def show(page, key: str, offset: int = 70) -> None:
    """Scroll so that the element with this Streamlit key sits at the top of the view."""
    element = page.locator(f".st-key-{key}").first
    element.wait_for(state="visible", timeout=120_000)
    page.evaluate(
        """([selector, offset]) => {
            const el = document.querySelector(selector);
            el.scrollIntoView({block: "start"});
            const main = document.querySelector('[data-testid="stMain"]');
            if (main) main.scrollTop -= offset;
        }""",
        [f".st-key-{key}", offset],
    )
    page.wait_for_timeout(600)


def save(page, path: Path, log=print) -> Path:
    found = br.problems(page)
    if found:
        raise RuntimeError(f"{path.name}: the page shows problems: {found}")
    br.screenshot(page, path, full_page=False)
    log(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def click_map(page, log=print) -> str:
    """Click the map a third of the way in; returns the α the page then shows."""
    plot = page.locator(".st-key-train_landscape_map .nsewdrag").first
    box = plot.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.4)
    br.wait_for_run(page, 120)
    alpha = page.get_by_label("α").first.input_value()
    log(f"  clicked the map: α = {alpha}")
    return alpha


def walk(browser, url: str, width: str, out: Path, log=print) -> list[Path]:
    viewport, agent = br.SCREENS[width]
    context = browser.new_context(viewport=viewport, user_agent=agent)
    context.set_default_timeout(300_000)
    saved = []
    try:
        page = context.new_page()
        br.open_app(page, url, "", "", timeout=300)
        page.get_by_role("tab", name="Landscape").click()
        br.wait_for_run(page, 300)
        show(page, "train_landscape_plane")
        saved.append(save(page, out / f"landscape_tab_{width}.png", log))
        show(page, "train_landscape_map")
        saved.append(save(page, out / f"landscape_map_{width}.png", log))
        if click_map(page, log) in ("", "0.0000"):
            raise RuntimeError("a click on the map did not set α")
        show(page, "train_landscape_map")
        saved.append(save(page, out / f"landscape_picked_{width}.png", log))
        show(page, "train_landscape_honesty")
        saved.append(save(page, out / f"landscape_honesty_{width}.png", log))
        page.get_by_role("button", name="Pin the four learning-rate presets").click()
        br.wait_for_run(page, 300)
        show(page, "train_landscape_runs")
        saved.append(save(page, out / f"landscape_presets_{width}.png", log))
        page.get_by_text("3D surface").first.click()
        br.wait_for_run(page, 300)
        show(page, "train_landscape_3d_chart")
        saved.append(save(page, out / f"landscape_3d_{width}.png", log))
    finally:
        context.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", choices=list(br.SCREENS), action="append")
    args = parser.parse_args(argv)
    if br.chromium_executable() is None:
        print(br.HOW_TO_ENABLE, file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, AppServer() as server:
        browser = br.launch(pw)
        for width in args.width or list(br.SCREENS):
            walk(browser, server.url, width, args.out)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
