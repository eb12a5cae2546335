"""VGG16 filters in a real browser: render a small grid with the untrained network."""

import pytest

from scripts import browser as br
from scripts import flows

pytestmark = pytest.mark.browser


def test_render_small_untrained_grid(page, base_url, shots):
    flows.filters_page(page, base_url)
    flows.choose(page, flows.UNTRAINED)
    assert br.problems(page) == []
    assert "Untrained network" in br.main_text(page)
    before = flows.picture(page, flows.grid_chart(page))

    flows.render_grid(page, None, layer="block2_conv1", n=2, candidates=4, steps=5, weights=None)

    assert br.problems(page) == []
    assert "block2_conv1 · untrained" in br.main_text(page)
    assert flows.picture(page, flows.grid_chart(page)) != before, "the grid did not change"
    assert page.get_by_role("button", name="Download block2_conv1_2x2.png").count() == 1
    assert page.console_errors == []
    br.screenshot(page, shots / "vgg16_filters.png")
