"""The filters page in Chromium while a grid renders, and its layout at 1920x1080 and 390x844.

- Other tabs work while a slow grid renders (the render runs in the background, its progress
  where the grid will be), and a closed tab's render is given up: the server's log says how
  fast the slot was free again.
- The Render button and what it says sit above the fold on a 1920x1080 projector.
- Compare layers puts its five grids side by side (stacked on a phone); the picture tab's
  maps "through the network" use the page's width.
"""

import re
import time

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

# Untrained block5_conv3, 4x4 of 64 at 128 px: about 700 image-steps, minutes on 2 cores.
SLOW = "weights=untrained&layer=block5_conv3&n=4&M=64"
# Settings no other test renders: the server is shared, and a stored grid shows at once.
SMALL = "weights=untrained&layer=block1_conv1&n=2&M=4&steps=3&size=32"
TINY_LAYERS = "weights=untrained&n=1&M=4&steps=2&size=32"
PROJECTOR, PHONE = {"width": 1920, "height": 1080}, {"width": 390, "height": 844}


def open_page(browser, base_url, query: str, viewport=PROJECTOR):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    br.open_app(page, base_url, flows.FILTERS_PATH, query, timeout=300)
    return context, page


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)


def progress_text(page) -> str:
    bars = page.get_by_test_id("stProgress")
    return bars.first.inner_text() if bars.count() else ""


@pytest.mark.slow
def test_other_tabs_work_while_a_grid_renders_and_a_closed_tab_gives_it_up(
    browser, base_url, app_server, shots
):
    context, page = open_page(browser, base_url, SLOW)
    try:
        page.get_by_role("button", name="Render grid").click()
        page.get_by_test_id("stProgress").first.wait_for(state="visible", timeout=120_000)
        assert "block5_conv3" in progress_text(page)

        open_tab(page, "Compare layers")
        page.get_by_text("The document's sequence, shallow to deep").wait_for(state="visible")
        assert page.get_by_role("button", name="Render the five layers").is_visible()

        open_tab(page, "Your picture")
        page.get_by_text("Show what VGG16 does with a picture").click()
        # The 16 maps arrive one by one (a busy machine showed 4 of them at the first look).
        page.wait_for_function(
            """() => [...document.querySelectorAll('[data-testid="stImage"]')]
                .filter(e => /#\\d+ · mean/.test(e.textContent)).length >= 16""",
            timeout=180_000,
        )
        pairs = page.get_by_test_id("stImage").filter(has_text=re.compile(r"#\d+ · mean"))
        assert pairs.count() == 16, "the picture tab did not draw its 16 maps"
        # The grid is still being drawn meanwhile, and says how far it is.
        assert re.search(
            r"block5_conv3 · untrained .*(queued|starting|image-steps)", progress_text(page)
        )
        assert br.problems(page) == [] and page.console_errors == []
        br.screenshot(page, shots / "renders_tabs_during_a_render.png", full_page=False)
    finally:
        closed = time.monotonic()
        context.close()
    # Nobody waits for the render any more: it is given up and the slot is free again.
    pattern = re.compile(
        r"render (block5_conv3\S+) given up \(([^)]*)\); its slot was free ([\d.]+)"
    )
    deadline = closed + 120
    while not pattern.search(app_server.log_text()) and time.monotonic() < deadline:
        time.sleep(0.5)
    found = pattern.search(app_server.log_text())
    assert found, "the render of a closed tab was not given up"
    print(
        f"\nclosed tab: render given up ({found[2]}) {time.monotonic() - closed:.1f} s after the "
        f"tab closed; the slot was free {found[3]} s after the heartbeat ran out"
    )


def test_render_button_and_its_hint_are_above_the_fold_on_a_projector(browser, base_url, shots):
    context, page = open_page(browser, base_url, SMALL)
    try:
        button = page.get_by_role("button", name="Render grid")
        hint = page.get_by_text("Press Render grid to draw block1_conv1")
        for element in (button, hint):
            box = element.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 1080, box
        flows.press_render(page, 300)
        flows.select(page, "Layer", "block2_conv1")
        hint = page.get_by_text("The controls changed: press Render grid")
        hint.wait_for(state="visible")
        box = hint.bounding_box()
        assert box["y"] + box["height"] <= 1080, box
        # The old layer's grid is gone, not shown under the new name.
        assert page.get_by_test_id("stPlotlyChart").count() == 0
        assert br.problems(page) == []
        br.screenshot(page, shots / "renders_controls_changed_1920.png", full_page=False)
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PROJECTOR, PHONE], ids=["1920", "390"])
def test_compare_layers_side_by_side_and_stacked_on_a_phone(browser, base_url, shots, viewport):
    context, page = open_page(browser, base_url, TINY_LAYERS, viewport)
    try:
        open_tab(page, "Compare layers")
        page.get_by_role("button", name="Render the five layers").click()
        panel = page.get_by_role("tabpanel")
        charts = panel.get_by_test_id("stPlotlyChart")
        page.wait_for_function(
            """() => [...document.querySelectorAll('[role=tabpanel]')]
                .some(p => p.querySelectorAll('[data-testid=stPlotlyChart]').length === 5)""",
            timeout=300_000,
        )
        br.wait_for_run(page, 300)
        boxes = [charts.nth(i).bounding_box() for i in range(5)]
        tops = [b["y"] for b in boxes]
        if viewport is PROJECTOR:
            assert max(tops) - min(tops) < 2, f"not side by side: tops {tops}"
            assert all(b["width"] >= 200 for b in boxes), boxes
        else:
            gaps = [b - a for a, b in zip(tops, tops[1:], strict=False)]
            assert min(gaps) > 100, f"not stacked: tops {tops}"
            assert all(b["width"] >= 0.8 * viewport["width"] for b in boxes), boxes
        assert br.problems(page) == []
        panel.first.scroll_into_view_if_needed()
        br.screenshot(page, shots / f"renders_compare_layers_{viewport['width']}.png")
    finally:
        context.close()


def test_through_the_network_uses_the_page_width(browser, base_url, shots):
    context, page = open_page(browser, base_url, "weights=untrained")
    try:
        open_tab(page, "Your picture")
        page.get_by_text("Show what VGG16 does with a picture").click()
        heading = page.get_by_text("Through the network", exact=True)
        heading.wait_for(state="visible", timeout=180_000)
        main = page.get_by_test_id("stMain").bounding_box()
        strips = page.get_by_test_id("stImage")  # every picture; the five strips are the widest
        widths = sorted(
            (box["width"] for box in (s.bounding_box() for s in strips.all()) if box),
            reverse=True,
        )
        assert len(widths) >= 5 and widths[4] >= 0.6 * main["width"], (widths[:6], main)
        per_map = widths[4] / 6  # six maps per row by default
        print(f"\nthrough the network: {per_map:.0f} px per map at 1920x1080")
        assert per_map >= 150
        heading.scroll_into_view_if_needed()
        br.screenshot(page, shots / "renders_through_the_network_1920.png", full_page=False)
    finally:
        context.close()
