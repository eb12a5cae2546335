"""The chart toolbar covers no chart title on the training page, on a projector and a phone.

Plotly's toolbar (camera, zoom, ..., full screen) appears at a chart's top right when the
pointer is on it; on a narrow chart or a phone it spans the width. Every chart of every tab
is hovered in turn, and the toolbar's box must not meet a title, panel header or legend entry.
"""

from __future__ import annotations

import contextlib

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

TABS = ("Replay", "Step by step", "Compare runs", "Landscape", "Weights", "Predictions")
TABS += ("Learning-rate sweep",)
# Titles, panel headers and legend entries under the chart's toolbar, as their text.
COVERED = """chart => {
  const box = e => e.getBoundingClientRect();
  const toolbars = [...chart.querySelectorAll('.modebar')].map(box).filter(r => r.width > 0);
  if (toolbars.length === 0) return ['no toolbar showed'];
  const texts = chart.querySelectorAll('.g-gtitle text, .annotation-text-g text, .legendtext');
  return [...texts].filter(t => {
    const r = box(t);
    return r.width > 0 && toolbars.some(b => r.left < b.right && b.left < r.right &&
                                             r.top < b.bottom && b.top < r.bottom);
  }).map(t => t.textContent.slice(0, 60));
}"""


@pytest.mark.parametrize("screen", list(br.SCREENS))
def test_the_toolbar_covers_no_chart_title(browser, base_url, shots, screen):
    viewport, agent = br.SCREENS[screen]
    context = browser.new_context(viewport=viewport, user_agent=agent)
    context.set_default_timeout(300_000)
    page = context.new_page()
    covered, hovered = [], 0
    try:
        flows.train_page(page, base_url, "lr=0.2&iterations=2000&seed=0", timeout=300)
        for tab in TABS:
            page.get_by_role("tab", name=tab).click()
            br.wait_for_run(page, 300)
            for expander in page.get_by_test_id("stExpander").all():
                expander.locator("summary").click()
                br.wait_for_run(page, 120)
            charts = page.get_by_test_id("stPlotlyChart")
            for i in range(charts.count()):
                chart = charts.nth(i)
                if not chart.is_visible():
                    continue
                chart.scroll_into_view_if_needed()
                box = chart.bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 200))
                with contextlib.suppress(Exception):  # a timeout: then COVERED says none showed
                    chart.locator(".modebar").first.wait_for(state="visible", timeout=5_000)
                hovered += 1
                found = chart.evaluate(COVERED)
                if found:
                    covered.append((tab, i, found))
                    br.screenshot(page, shots / f"toolbar_{screen}_{tab}_{i}.png", full_page=False)
        assert hovered >= 12  # every tab's charts were reached
        assert covered == [], f"the toolbar covers these titles: {covered}"
    finally:
        context.close()
