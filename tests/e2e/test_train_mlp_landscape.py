"""The Landscape tab in a real browser: the map stays while the marker walks; a click picks α, β.

Plotly's animations remove contour and heatmap traces while they play, so the map is a layout
image: this test fails if the map disappears during ▶ Play, or if the walking marker stands
still, or if a click on the map does not reach the α and β inputs.
"""

import pytest

from tests.support import browser as br

pytestmark = pytest.mark.browser

MAP = ".st-key-train_landscape_map .js-plotly-plot"
STATE = """(selector) => {
  const gd = document.querySelector(selector);
  const walker = gd._fullData[gd._fullData.length - 1];
  return {images: gd.querySelectorAll('.imagelayer image').length, x: walker.x[0],
          name: walker.name, frames: gd._transitionData._frames.length};
}"""


def open_landscape(page, base_url: str) -> None:
    br.open_app(page, base_url, "", "iterations=2000", timeout=300)
    page.get_by_role("tab", name="Landscape").click()
    br.wait_for_run(page, 300)
    page.locator(MAP).first.wait_for(state="visible", timeout=120_000)
    page.locator(MAP).first.scroll_into_view_if_needed()


def test_the_map_stays_while_the_marker_walks_the_path(page, base_url):
    open_landscape(page, base_url)
    before = page.evaluate(STATE, MAP)
    assert before["images"] == 1 and before["name"] == "this frame" and before["frames"] > 50
    page.locator(MAP).get_by_text("▶ Play").click()
    page.wait_for_timeout(2_500)
    playing = page.evaluate(STATE, MAP)
    assert playing["images"] == 1, "the map disappeared while playing"
    assert playing["x"] != before["x"], "the marker did not move"
    assert not page.console_errors, page.console_errors


def test_a_click_on_the_map_picks_alpha_and_beta_and_says_the_error(page, base_url):
    open_landscape(page, base_url)
    error_before = page.get_by_test_id("stMetricValue").last.inner_text()
    box = page.locator(f"{MAP} .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.45)
    br.wait_for_run(page, 120)
    alpha = float(page.get_by_label("α").first.input_value())
    assert alpha < 0  # a third of the way in: left of the final weights at 0
    assert page.get_by_test_id("stMetricValue").last.inner_text() != error_before
    assert not br.problems(page)
