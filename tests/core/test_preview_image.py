"""The preview PNG: decoded, measured, and its pixels checked."""

import io
import re

import numpy as np
import pytest
from PIL import Image

from core.colour.preview import (
    FRAME,
    HEIGHT,
    PANEL_WIDTH,
    preview_file_name,
    preview_png,
    render_preview,
)

BLUE = (51, 102, 204)


def decode(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert image.size == (2 * PANEL_WIDTH, HEIGHT)
    return np.asarray(image.convert("RGB"))


def colour_count(pixels: np.ndarray, rgb) -> int:
    return int(np.all(pixels == np.array(rgb), axis=-1).sum())


def test_png_shows_black_text_left_and_white_text_right_over_the_colour():
    pixels = decode(preview_png("#3366cc"))
    left, right = pixels[:, :PANEL_WIDTH], pixels[:, PANEL_WIDTH:]
    assert tuple(pixels[2, 2]) == BLUE
    assert tuple(pixels[-3, -3]) == BLUE
    # Mostly background; solid glyph strokes in pure black on the left, pure white on the right.
    assert colour_count(pixels, BLUE) > 0.8 * pixels.shape[0] * pixels.shape[1]
    assert colour_count(left, (0, 0, 0)) > 2000
    assert colour_count(left, (255, 255, 255)) == 0
    assert colour_count(right, (255, 255, 255)) > 2000
    assert colour_count(right, (0, 0, 0)) == 0


def test_the_networks_pick_is_framed_in_its_text_colour():
    inset = FRAME + 6 + FRAME // 2  # the middle of the frame's stroke
    framed = decode(preview_png("#3366cc", picked="white", probability=0.9))
    assert tuple(framed[HEIGHT // 2, PANEL_WIDTH + inset]) == (255, 255, 255)
    assert tuple(framed[HEIGHT // 2, inset]) == BLUE
    framed = decode(preview_png("#f0e68c", picked="black", probability=0.1))
    assert tuple(framed[HEIGHT // 2, inset]) == (0, 0, 0)
    assert tuple(framed[HEIGHT // 2, PANEL_WIDTH + inset]) == (240, 230, 140)


def test_the_same_colour_in_any_form_gives_the_same_picture():
    expected = np.asarray(render_preview("#ff0"))
    np.testing.assert_array_equal(np.asarray(render_preview("yellow")), expected)
    np.testing.assert_array_equal(np.asarray(render_preview((255, 255, 0))), expected)


def test_file_name_says_the_colour():
    assert preview_file_name("navy") == "text-over-000080.png"
    assert preview_file_name("#ABC") == "text-over-aabbcc.png"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"background": "nope"}, "'nope' is not a colour"),
        ({"background": "#fff", "picked": "grey"}, "got 'grey'"),
        ({"background": "#fff", "probability": 1.5}, "got 1.5"),
    ],
)
def test_bad_values_are_named(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        render_preview(**kwargs)
