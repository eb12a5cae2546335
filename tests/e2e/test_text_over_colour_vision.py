"""In a browser: CSS Color 4 colours typed in, and the colour-blind row, on a projector and a phone.

Saves cssc4_vision_1920.png and cssc4_vision_390.png (the row for red, where protanopes lose
black text) and cssc4_palette_1920.png (the palette's check) into the shots folder.
"""

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

SCREENS = {"1920": {"width": 1920, "height": 1080}, "390": {"width": 390, "height": 844}}
# Each box of the row: how wide its content is and how wide the box is (CSS px).
BOXES = """() => [...document.querySelectorAll('div[title^="seen as"]')].map(e => ({
    wide: e.scrollWidth, room: e.clientWidth, right: e.getBoundingClientRect().right
}))"""


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_the_colour_blind_row_fits_and_says_what_stops_reading(browser, base_url, shots, screen):
    context = browser.new_context(viewport=SCREENS[screen])
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        br.open_app(page, base_url, flows.COLOUR_PATH, "", timeout=300)
        flows.type_colour(page, "hsl(0deg 100% 50%)")  # red, as a designer writes it
        assert br.problems(page) == []
        assert flows.preview_background(page) == "rgb(255, 0, 0)"
        heading = page.get_by_role("heading", name="As colour-blind eyes see it")
        heading.scroll_into_view_if_needed()
        boxes = page.evaluate(BOXES)
        assert len(boxes) == 3
        assert all(
            b["wide"] <= b["room"] + 1 and b["right"] <= SCREENS[screen]["width"] for b in boxes
        )
        warning = page.get_by_text("stops reading well for protanopia")
        assert warning.count() == 1 and warning.first.is_visible()
        heading.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(400)
        br.screenshot(page, shots / f"cssc4_vision_{screen}.png", full_page=False)
        flows.type_colour(page, "oklch(0.7 0.4 30)")
        assert "gamut-mapped as CSS Color 4 does, giving #ff5843" in br.main_text(page)
    finally:
        context.close()


def test_the_palette_check_on_a_projector(browser, base_url, shots):
    context = browser.new_context(viewport=SCREENS["1920"])
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        br.open_app(page, base_url, flows.COLOUR_PATH, "random=10", timeout=300)
        page.get_by_text("Colour-blind check").first.click()
        br.wait_for_run(page)
        assert br.problems(page) == []
        heading = page.get_by_text("The document's 10 training colours").first.locator("xpath=..")
        assert "reading well for a colour-blind eye" in heading.inner_text()
        palette = page.get_by_role("heading", name="A palette")
        palette.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(400)
        br.screenshot(page, shots / "cssc4_palette_1920.png", full_page=False)
    finally:
        context.close()
