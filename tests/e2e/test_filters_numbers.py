"""By the numbers in a real browser: a click on the map or the photo picks the cell, the kernel
slides when played, and on a phone the 27 numbers scroll inside their box, not the page."""

from __future__ import annotations

import contextlib

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

# The chart's plot area and the cell it shows, as the page's inputs say.
TITLE = """k => document.querySelector(`.st-key-${k} .g-gtitle`).textContent"""
# How far the numbers' box scrolls sideways (itself or the element Streamlit wraps the chart
# in), and how wide the page is.
SCROLLS = """() => { const box = document.querySelector('.st-key-convnumbers_numbers');
  const scrolling = [box, ...box.querySelectorAll('*')].filter(e =>
      ['auto', 'scroll'].includes(getComputedStyle(e).overflowX));
  return {scroll: Math.max(0, ...scrolling.map(e => e.scrollWidth - e.clientWidth)),
          box: box.clientWidth, page: document.documentElement.scrollWidth,
          screen: window.innerWidth}; }"""
FORMULAS = """() => [...document.querySelectorAll('.katex-display')]
  .filter(e => /Z_1|A_1|J'|r'/.test(e.querySelector('annotation')?.textContent || ''))
  .map(e => ({wide: e.querySelector('.katex-html').scrollWidth,
              room: e.closest('[data-testid="stElementContainer"]').clientWidth}))"""
# The scrubber's current value (Plotly draws it first, before the hidden tick labels).
SWEEP_LABEL = """() => document.querySelector('.st-key-convnumbers_sweep .slider-label')
  ?.textContent || ''"""


@contextlib.contextmanager
def numbers_view(browser, base_url: str, width: int, height: int, agent: str | None = None):
    """The filters page (untrained network), its picture tab on, scrolled to the view."""
    context = browser.new_context(viewport={"width": width, "height": height}, user_agent=agent)
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        br.open_app(page, base_url, flows.FILTERS_PATH, "weights=untrained", timeout=300)
        page.get_by_role("tab", name="Your picture").click()
        page.get_by_text("Show what VGG16 does with a picture").click()
        br.wait_for_run(page, 300)
        assert br.problems(page) == []
        page.get_by_text("By the numbers: one filter on one 3x3 patch").scroll_into_view_if_needed()
        yield page
    finally:
        context.close()


def cell(page) -> tuple[int, int]:
    row = page.get_by_label("Row i", exact=True).input_value()
    column = page.get_by_label("Column j", exact=True).input_value()
    return int(row), int(column)


def click_at(page, chart_key: str, fx: float, fy: float) -> tuple[int, int]:
    """Click a chart at a fraction (fx, fy) of its plot area; the cell it moved to."""
    before = cell(page)
    chart = page.locator(f".st-key-{chart_key} .js-plotly-plot")
    page.wait_for_function(f"() => document.querySelectorAll('.st-key-{chart_key}').length === 1")
    chart.scroll_into_view_if_needed()
    # The picture itself: at the page's width the square sits in the middle of a wider chart.
    area = chart.locator("image").first.bounding_box()
    page.mouse.click(area["x"] + fx * area["width"], area["y"] + fy * area["height"])
    for _ in range(120):  # the rerun starts a moment after the click
        page.wait_for_timeout(500)
        if cell(page) != before:
            break
    br.wait_for_run(page, 120)
    page.wait_for_function(f"() => document.querySelectorAll('.st-key-{chart_key}').length === 1")
    return cell(page)


def test_a_click_on_the_map_or_the_photo_picks_the_cell_and_the_kernel_slides(
    browser, base_url, shots
):
    with numbers_view(browser, base_url, 1920, 1080) as page:
        before = cell(page)
        after_map = click_at(page, "convnumbers_map", 0.25, 0.5)
        assert after_map != before and abs(after_map[1] - 0.25 * 224) <= 2
        assert page.evaluate(TITLE, "convnumbers_photo").endswith(f"at {after_map}")
        after_photo = click_at(page, "convnumbers_photo", 0.8, 0.5)
        assert after_photo != after_map and abs(after_photo[1] - 0.8 * 224) <= 2
        assert page.evaluate(TITLE, "convnumbers_map").endswith(f"cell {after_photo}")
        assert br.problems(page) == []
        br.screenshot(page, shots / "convnumbers_click.png", full_page=False)

        # The same view: the kernel slides over the photo when played.
        sweep = page.locator(".st-key-convnumbers_sweep")
        sweep.scroll_into_view_if_needed()
        first = page.evaluate(SWEEP_LABEL)
        assert first.startswith("cell (") and "Z = " in first
        sweep.get_by_text("▶ Play").click()
        page.wait_for_timeout(2500)
        assert page.evaluate(SWEEP_LABEL) != first, "the animation did not move"


def test_on_a_phone_the_numbers_scroll_in_their_box_and_the_formulas_fit(browser, base_url, shots):
    with numbers_view(browser, base_url, 390, 844, br.PHONE_AGENT) as page:
        widths = page.evaluate(SCROLLS)
        assert widths["scroll"] >= 540 - widths["box"] > 0, widths  # the numbers scroll ...
        assert widths["page"] <= widths["screen"], widths  # ... and the page does not
        formulas = page.evaluate(FORMULAS)
        assert len(formulas) >= 8 and all(f["wide"] <= f["room"] + 1 for f in formulas), formulas
        page.locator(".st-key-convnumbers_numbers").scroll_into_view_if_needed()
        br.screenshot(page, shots / "convnumbers_phone.png", full_page=False)
