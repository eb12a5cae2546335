"""VGG16 filters in a real browser: render with the untrained network, links, screen sizes."""

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

# A tiny grid the untrained network renders in seconds.
SMALL = "weights=untrained&layer=block1_conv1&n=2&M=16&steps=2&size=32"


def test_render_small_untrained_grid(page, base_url, shots):
    flows.filters_page(page, base_url)
    flows.choose(page, flows.UNTRAINED)
    assert br.problems(page) == []
    assert "Untrained network" in br.main_text(page)
    flows.render_grid(page, None, layer="block1_conv1", n=2, candidates=4, steps=2, weights=None)
    before = flows.picture(page, flows.grid_chart(page))

    flows.render_grid(page, None, layer="block2_conv1", n=2, candidates=4, steps=5, weights=None)

    assert br.problems(page) == []
    assert "block2_conv1 · untrained" in br.main_text(page)
    assert flows.picture(page, flows.grid_chart(page)) != before, "the grid did not change"
    assert page.get_by_role("button", name="Download block2_conv1_2x2.png").count() == 1
    assert flows.query(page)["layer"] == "block2_conv1"  # a reload keeps the settings
    assert page.console_errors == []
    br.screenshot(page, shots / "vgg16_filters.png")


@pytest.mark.parametrize("width, height", [(1920, 1080), (390, 844)])
def test_the_grid_fits_the_screen(browser, base_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        br.open_app(page, base_url, flows.FILTERS_PATH, SMALL, 300)
        flows.press_render(page, 300)
        assert br.problems(page) == []
        chart = flows.grid_chart(page)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box["width"] <= width - 20 and abs(box["width"] - box["height"]) < 2
        if width >= 1000:  # a projector: large, beside the controls, above the fold
            assert box["width"] >= 0.45 * height and box["y"] + box["height"] <= height
        else:  # a phone: the whole width
            assert box["width"] >= 0.85 * width
    finally:
        context.close()
