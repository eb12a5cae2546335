"""Reading colours the way a person types them, and drawing random ones."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import ImageColor

from core.plot_style import hex_colour

RGB = tuple[int, int, int]


def parse_colour(value: str | Sequence[int]) -> RGB:
    """Read a colour as a person writes it.

    Accepts ``#abc``, ``#aabbcc``, ``rgb(1, 2, 3)``, ``hsl(...)``, CSS names such as ``navy``,
    and (r, g, b) sequences of integers in 0..255.

    Args:
        value: the colour as text or as an (r, g, b) sequence.

    Returns:
        The colour as an (r, g, b) tuple of ints in 0..255.

    Raises:
        ValueError: naming the value when it is not a colour.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("no colour given: type one such as #3366cc, rgb(51, 102, 204) or navy")
        try:
            rgb = ImageColor.getrgb(text)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a colour: try #abc, #aabbcc, rgb(1, 2, 3) or a CSS name "
                "such as 'navy'"
            ) from None
        if len(rgb) == 4:
            raise ValueError(f"{value!r} has transparency: give an opaque colour such as #aabbcc")
        return (int(rgb[0]), int(rgb[1]), int(rgb[2]))
    try:
        values = tuple(value)
    except TypeError:
        raise ValueError(f"{value!r} is not a colour: expected text or (r, g, b)") from None
    if len(values) != 3 or not all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and 0 <= v <= 255
        for v in values
    ):
        raise ValueError(f"{value!r} is not a colour: expected (r, g, b) with integers 0..255")
    return (int(values[0]), int(values[1]), int(values[2]))


def to_hex(rgb: Sequence[int]) -> str:
    """Format an (r, g, b) colour as ``#rrggbb``."""
    return hex_colour(parse_colour(rgb))


def random_colours(n: int, seed: int = 0) -> np.ndarray:
    """Draw n colours uniformly from the RGB cube.

    Returns:
        Array of shape (n, 3) of ints in 0..255.
    """
    if n < 0:
        raise ValueError(f"expected n >= 0, got {n}")
    return np.random.default_rng(seed).integers(0, 256, size=(n, 3))
