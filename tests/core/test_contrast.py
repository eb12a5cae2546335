"""WCAG luminance and contrast against published values (W3C definitions, WebAIM's checker)."""

import re

import numpy as np
import pytest

from core.colour.contrast import (
    contrast_ratio,
    relative_luminance,
    relative_luminances,
    text_ratios,
    wcag_level,
    wcag_text_colour,
)


def test_black_on_white_is_21_to_1():
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0, abs=1e-12)


@pytest.mark.parametrize("colour", ["#000000", "#3366cc", "#767676", "#ffffff", (12, 200, 99)])
def test_a_colour_against_itself_is_1_to_1(colour):
    assert contrast_ratio(colour, colour) == pytest.approx(1.0, abs=1e-12)


def test_767676_on_white_just_passes_aa_and_777777_just_fails():
    # WebAIM's contrast checker reports 4.54:1 and 4.48:1; #767676 is the lightest AA grey.
    passing = contrast_ratio("#767676", "#ffffff")
    failing = contrast_ratio("#777777", "#ffffff")
    assert passing == pytest.approx(4.54, abs=0.005)
    assert failing == pytest.approx(4.48, abs=0.005)
    assert wcag_level(passing) == "AA"
    assert wcag_level(failing) == "fail"
    assert wcag_level(failing, large=True) == "AA"


@pytest.mark.parametrize(
    "colour, luminance",
    [
        ("#000000", 0.0),
        ("#ffffff", 1.0),
        ("#ff0000", 0.2126),  # each primary alone gives its own coefficient
        ("#00ff00", 0.7152),
        ("#0000ff", 0.0722),
        ("#808080", 0.21586),  # mid grey, 128/255 linearised: 0.21586
        ("#0a0a0a", 0.0030353),  # 10/255 = 0.0392 sits below 0.04045: linear part, c / 12.92
    ],
)
def test_relative_luminance_published_values(colour, luminance):
    assert relative_luminance(colour) == pytest.approx(luminance, abs=5e-6)


def test_order_of_colours_does_not_matter():
    assert contrast_ratio("#3366cc", "#ffffff") == contrast_ratio("#ffffff", "#3366cc")


@pytest.mark.parametrize(
    "form",
    ["#fff", "#FFFFFF", "#ffffff", "rgb(255, 255, 255)", "white", " White ", (255, 255, 255)],
)
def test_every_accepted_form_of_white(form):
    assert relative_luminance(form) == pytest.approx(1.0)
    assert contrast_ratio(form, "black") == pytest.approx(21.0)


def wcag_by_hand(r: int, g: int, b: int) -> float:
    """WCAG 2.x relative luminance written out from the definition, in plain Python."""

    def lin(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def test_luminance_matches_the_definition_one_colour_and_many():
    colours = np.random.default_rng(3).integers(0, 256, size=(200, 3))
    expected = [wcag_by_hand(*(int(v) for v in c)) for c in colours]
    np.testing.assert_allclose(relative_luminances(colours), expected, rtol=1e-12)
    scalar = [relative_luminance(tuple(int(v) for v in c)) for c in colours]
    np.testing.assert_allclose(scalar, expected, rtol=1e-12)


def test_text_ratios_of_the_pages_default_colour():
    # WebAIM's contrast checker: #3366cc gives 3.91:1 against black and 5.37:1 against white.
    ratios = text_ratios("#3366cc")
    assert (round(ratios["black"], 2), round(ratios["white"], 2)) == (3.91, 5.37)


@pytest.mark.parametrize(
    "ratio, large, level",
    [
        (21.0, False, "AAA"),
        (7.0, False, "AAA"),
        (6.99, False, "AA"),
        (4.5, False, "AA"),
        (4.6, False, "AA"),
        (4.49, False, "fail"),
        (1.0, False, "fail"),
        (4.5, True, "AAA"),
        (3.0, True, "AA"),
        (2.99, True, "fail"),
    ],
)
def test_wcag_levels(ratio, large, level):
    assert wcag_level(ratio, large=large) == level


@pytest.mark.parametrize(
    "background, text",
    [
        ("#3366cc", "white"),
        ("#000", "white"),
        ("navy", "white"),
        ("#ffff00", "black"),
        ("#ffffff", "black"),
        ("#767676", "black"),
        ("#ff0000", "black"),
    ],
)
def test_wcag_text_colour_picks_the_higher_contrast(background, text):
    assert wcag_text_colour(background) == text
    other = "black" if text == "white" else "white"
    assert contrast_ratio(background, text) >= contrast_ratio(background, other)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: relative_luminance("#ggg"), "'#ggg' is not a colour"),
        (lambda: relative_luminance(""), "no colour given"),
        (lambda: relative_luminance("rgba(0, 0, 0, 0.5)"), "has transparency"),
        (lambda: relative_luminance((256, 0, 0)), "(256, 0, 0) is not a colour"),
        (lambda: relative_luminance((1, 2)), "(1, 2) is not a colour"),
        (lambda: contrast_ratio("#fff", "banana"), "'banana' is not a colour"),
        (lambda: wcag_text_colour(None), "None is not a colour"),
        (lambda: wcag_level(0.5), "got 0.5"),
        (lambda: wcag_level(22), "got 22"),
        (lambda: wcag_level(float("nan")), "got nan"),
        (lambda: wcag_level("4.5"), "got '4.5'"),
        (lambda: relative_luminances(np.zeros((2, 4))), "got (2, 4)"),
    ],
)
def test_bad_values_are_named(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()
