"""AppTest of "Text over a colour" with CSS Color 4 input and the colour-blind checks (issue 19)."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.colour.contrast import contrast_ratio
from core.colour.data import to_hex
from core.colour.palette import VISION_COLUMN
from core.colour.vision import DEFICIENCIES, ratio_text, vision_check

PAGE = "../../pages/text_over_colour.py"


def run_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def type_colour(at: AppTest, text: str) -> AppTest:
    at.text_input(key="colour_typed").input(text).run()
    assert not at.exception
    return at


def colour_notes(at: AppTest) -> list[str]:
    """The page's notes about a typed colour (the other info box names the network)."""
    return [i.value for i in at.info if "giving #" in i.value]


def markdown(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in at.markdown)


@pytest.mark.parametrize(
    "typed, hex_colour",
    [
        ("hsl(210deg 50% 40%)", "#336699"),
        ("hsl(0.5turn 60% 45%)", "#2eb8b8"),
        ("hwb(210 20% 30%)", "#3373b3"),
        ("oklch(0.6 0.12 250)", "#4284c5"),
        ("lab(50% 20 -40)", "#7c6dbc"),
        ("lch(55% 40 260)", "#4689c8"),
        ("color(srgb 0.2 0.4 0.8)", "#3366cc"),
        ("aabbcc", "#aabbcc"),
    ],
)
def test_designer_forms_typed_in_the_box(typed, hex_colour):
    at = type_colour(run_page(), typed)
    assert not at.error and not colour_notes(at)
    assert at.session_state.colour_background == hex_colour
    assert at.color_picker(key="colour_picker").value == hex_colour
    shown = "\n".join(str(e.value) for e in at.subheader)
    assert f"Contrast {contrast_ratio(hex_colour, 'white'):.2f} : 1" in shown


def test_transparent_keeps_its_own_message_and_the_last_colour():
    at = type_colour(run_page(), "hwb(210 20% 30%)")
    type_colour(at, "transparent")
    assert at.error[0].value == (
        "'transparent' has transparency: give an opaque colour such as #aabbcc. "
        "Still showing #3373b3."
    )
    assert at.session_state.colour_background == "#3373b3"


def test_a_colour_outside_srgb_says_what_it_became():
    at = type_colour(run_page(), "oklch(0.7 0.4 30)")
    assert not at.error and at.session_state.colour_background == "#ff5843"
    assert colour_notes(at) == [
        "'oklch(0.7 0.4 30)' is outside sRGB, so it was gamut-mapped as CSS Color 4 does, "
        "giving #ff5843."
    ]
    type_colour(at, "#3366cc")
    assert not colour_notes(at)


def test_the_colour_blind_row_shows_both_texts_as_each_eye_sees_them():
    at = run_page()
    assert "As colour-blind eyes see it" in [e.value for e in at.subheader]
    check = vision_check(np.array([[0x33, 0x66, 0xCC]]))
    shown = markdown(at)
    for d, name in enumerate(DEFICIENCIES):
        seen = to_hex(tuple(int(v) for v in check.seen[d, 0]))
        assert f"**{name.capitalize()}**" in shown and f"seen as {seen}" in shown
        assert f"background:{seen}" in shown
        for t, text in enumerate(("Black", "White")):
            assert f"{text} text" in shown and f"{ratio_text(check.ratios[d, 0, t])} : 1" in shown
    caption = "\n".join(c.value for c in at.caption)
    assert "White text (both picks) keeps AA for all three." in caption


def test_the_row_says_when_a_pick_stops_reading_well():
    at = type_colour(run_page(), "red")  # black text, 5.25 : 1; protanopes see a darker red
    check = vision_check(np.array([[255, 0, 0]]))
    ratio = ratio_text(check.ratios[0, 0, 0])
    warning = [w.value for w in at.warning if "stops reading well" in w.value]
    assert warning == [
        f"Black text (both picks) stops reading well for protanopia ({ratio} : 1): below AA, "
        "from 5.25 : 1 for typical colour vision."
    ]


def test_the_palette_toggle_adds_the_check_and_the_csv_column(downloads):
    at = run_page()
    assert "colour-blind eye" not in markdown(at)
    assert VISION_COLUMN not in downloads["palette-seed-0.csv"].decode().splitlines()[0]
    at.toggle(key="colour_palette_vision").set_value(True).run()
    assert not at.exception
    headings = [e.value for e in at.markdown if "disagree with WCAG" in e.value]
    assert len(headings) == 3
    assert all("reading well for a colour-blind eye" in h for h in headings)
    # Red, a training colour, loses its black text for protanopes: one cell marked, one counted.
    assert "1 stops reading well" in headings[0]
    grids = [e.value for e in at.markdown if "grid-template-columns" in e.value]
    assert [grid.count('title="protanopia: seen as') for grid in grids] == [10, 10, 20]
    assert [grid.count('title="tritanopia: seen as') for grid in grids] == [10, 10, 20]
    assert grids[0].count("<b>P ✕</b>") == 1 and "protanopia: black 3.29" in grids[0]
    csv = downloads["palette-seed-0.csv"].decode().splitlines()
    assert csv[0].endswith(VISION_COLUMN) and len(csv) == 1 + 10 + 10 + 20
