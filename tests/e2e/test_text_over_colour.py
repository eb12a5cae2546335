"""Text over a colour in a real browser: pick a colour, teach the network, keep the labels."""

import pytest

from scripts import browser as br
from scripts import flows

pytestmark = pytest.mark.browser


def test_pick_colour_and_teach(page, base_url, shots):
    flows.colour_page(page, base_url)
    assert br.problems(page) == []
    before = flows.picture(page, flows.preview(page))

    flows.type_colour(page, "navy")
    assert flows.picture(page, flows.preview(page)) != before, "preview did not change colour"
    assert "Contrast" in br.main_text(page)

    navy = flows.picture(page, flows.preview(page))
    flows.pick_colour(page, "#ffd700")
    assert flows.typed_colour(page).lower() == "#ffd700"
    assert flows.picture(page, flows.preview(page)) != navy

    assert flows.labels_count(page) == 0
    flows.teach(page, "Black")
    flows.teach(page, "White")
    assert flows.labels_count(page) == 2
    assert br.problems(page) == []
    assert page.console_errors == []
    br.screenshot(page, shots / "text_over_colour.png")
