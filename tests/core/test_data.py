"""The document's colours and colour parsing."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.colour.contrast import contrast_ratio
from core.colour.data import Reading, parse_colour, random_colours, read_colour, to_hex
from core.mlp.data import held_out_set, normalise, training_set

# The inputs as the document prints them (8 decimals).
DOCUMENT_INPUT = [
    [0, 1, 0],
    [0, 1, 1],
    [1, 0, 0],
    [0.95294118, 0.99607843, 0.99607843],
    [0.93333333, 0.93333333, 0.93333333],
    [0.90588235, 0.65098039, 0.80392157],
    [0, 0, 0],
    [0.87058824, 0.87058824, 0.80392157],
    [0.26666667, 0.26666667, 0.93333333],
    [0.92941176, 0.88627451, 0.0745098],
]


def test_training_set_is_the_documents():
    X, y = training_set()
    np.testing.assert_allclose(X, DOCUMENT_INPUT, atol=5e-9)
    assert y.ravel().tolist() == [1, 1, 0, 0, 0, 0, 1, 0, 1, 0]
    assert y.shape == (10, 1)


def test_held_out_colours_are_new_and_labelled():
    names, X, y = held_out_set()
    X_train, _ = training_set()
    assert len(names) == len(X) == len(y) >= 8
    assert not any(np.allclose(x, t) for x in X for t in X_train)
    assert set(y.ravel()) == {0.0, 1.0}


@pytest.mark.parametrize(
    "text, rgb",
    [
        ("#abc", (0xAA, 0xBB, 0xCC)),
        ("#AABBCC", (0xAA, 0xBB, 0xCC)),
        ("  #3366cc ", (0x33, 0x66, 0xCC)),
        ("rgb(1, 2, 3)", (1, 2, 3)),
        ("rgb(100%, 0%, 0%)", (255, 0, 0)),
        ("navy", (0, 0, 128)),
        ("RebeccaPurple", (102, 51, 153)),
        ("hsl(0, 100%, 50%)", (255, 0, 0)),
        ((12, 34, 56), (12, 34, 56)),
        (np.array([1, 2, 3]), (1, 2, 3)),
    ],
)
def test_parse_colour_accepts_what_people_type(text, rgb):
    assert parse_colour(text) == rgb


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "no colour"),
        ("   ", "no colour"),
        ("#12", "not a colour"),
        ("#ggg", "not a colour"),
        ("bluish", "'bluish' is not a colour"),
        ("rgb(1, 2)", "not a colour"),
        ("#aabbccdd", "transparency"),
        ((1, 2), "not a colour"),
        ((1, 2, 256), "not a colour"),
        ((1.5, 2, 3), "not a colour"),
        (42, "not a colour"),
    ],
)
def test_parse_colour_names_what_it_cannot_read(value, message):
    with pytest.raises(ValueError, match=message):
        parse_colour(value)


def test_hex_and_normalise_and_random_colours():
    assert to_hex((255, 0, 16)) == "#ff0010"
    np.testing.assert_allclose(normalise([(255, 0, 51)]), [[1.0, 0.0, 0.2]])
    with pytest.raises(ValueError, match="0..255"):
        normalise([(0, 0, 300)])
    colours = random_colours(1000, seed=3)
    assert colours.shape == (1000, 3) and colours.min() >= 0 and colours.max() <= 255
    np.testing.assert_array_equal(colours, random_colours(1000, seed=3))


# Issue 9.12: CSS clamps each rgb() channel to 0..255 (CSS Color 4, section 5.1), so
# rgb(300, 0, 0) is drawn as red; it must not count as a colour brighter than red.
@pytest.mark.parametrize(
    "text, rgb, clamped",
    [
        ("rgb(300, 0, 0)", (255, 0, 0), "red 300"),
        ("rgb(-20, 0, 0)", (0, 0, 0), "red -20"),
        ("rgb(0, 999, 256)", (0, 255, 255), "green 999, blue 256 are"),
        ("rgb(150%, 0%, 0%)", (255, 0, 0), "red 382.5"),
        ("hsl(0, 200%, 50%)", (255, 0, 0), "saturation 200%"),
        ("hsl(120, 100%, 150%)", (255, 255, 255), "lightness 150%"),
    ],
)
def test_out_of_range_channels_are_clamped_as_css_does_and_said(text, rgb, clamped):
    reading = read_colour(text)
    assert reading.rgb == rgb and parse_colour(text) == rgb
    assert clamped in reading.note and "clamped" in reading.note and to_hex(rgb) in reading.note


def test_clamped_red_has_reds_contrast():
    # Published WCAG ratio of #ff0000 against white: 3.998 (WebAIM contrast checker: 4:1).
    assert f"{contrast_ratio('rgb(300, 0, 0)', 'white'):.2f}" == "4.00"


@pytest.mark.parametrize(
    "text, rgb",
    [
        ("rgb(51 102 204)", (51, 102, 204)),  # CSS Color 4 space syntax
        ("rgb(51.4, 101.6, 204)", (51, 102, 204)),  # browsers round to the nearest
        ("RGB( 1 , 2 , 3 )", (1, 2, 3)),
        ("rgba(1, 2, 3, 1)", (1, 2, 3)),  # opaque alpha is fine
        ("rgb(1 2 3 / 100%)", (1, 2, 3)),
        ("hsl(120, 100%, 25%)", (0, 128, 0)),  # CSS 'green'
        ("hsl(240 100% 50%)", (0, 0, 255)),
    ],
)
def test_css_functions_are_read_like_a_browser(text, rgb):
    reading = read_colour(text)
    assert reading == Reading(rgb, None)


@pytest.mark.parametrize(
    "text, message",
    [
        ("rgba(0, 0, 0, 0.5)", "has transparency"),
        ("rgb(1 2 3 / 50%)", "has transparency"),
        ("hsl(1e999, 50%, 50%)", "finite angle"),
        ("rgb(0", "'rgb(0' is not a colour"),
        ("rgb(1,,2,3)", "is not a colour"),
    ],
)
def test_css_functions_that_cannot_be_read(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_colour(text)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.from_regex(
            r"\s*(rgb|rgba|hsl|hsla)\(\s*[-+.\d%e ]{0,12},[-+.\d% ]{0,8}[,/ ][-+.\d% ]{0,8}\)"
        ),
        st.from_regex(r"#[0-9a-fA-FgG]{0,9}"),
    )
)
def test_any_typed_text_is_a_colour_or_a_clear_message(text):
    try:
        reading = read_colour(text)
    except ValueError as error:
        assert str(error)  # a message, never an empty one
        return
    assert len(reading.rgb) == 3
    assert all(isinstance(v, int) and 0 <= v <= 255 for v in reading.rgb)
    assert reading.note is None or to_hex(reading.rgb) in reading.note
