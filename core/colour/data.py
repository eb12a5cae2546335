"""Reading colours the way a person types them, and drawing random ones.

``rgb()`` and ``hsl()`` follow CSS: a channel outside its range is clamped (``rgb(300, 0, 0)`` is
red, as a browser draws it), decimals and percentages are allowed, and ``read_colour`` says
what was clamped so the page can tell the person.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import ImageColor

from core.plot_style import hex_colour

RGB = tuple[int, int, int]
CHANNELS = ("red", "green", "blue")
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?"
_ARG = rf"\s*({_NUMBER})(%?)\s*"
# rgb(1, 2, 3), rgb(1 2 3), rgba(1, 2, 3, 0.5), rgb(1 2 3 / 50%); the same for hsl.
_FUNCTION = re.compile(
    rf"^(rgb|hsl)a?\({_ARG}[,\s]{_ARG}[,\s]{_ARG}(?:[,/]{_ARG})?\)$", re.IGNORECASE
)
HINT = "try #abc, #aabbcc, rgb(1, 2, 3) or a CSS name such as 'navy'"


@dataclass(frozen=True)
class Reading:
    """A colour as read, and what had to be changed to read it (None when nothing)."""

    rgb: RGB
    note: str | None = None


def _changes(names: Sequence[str], raw: Sequence[float], low: float, high: float, unit: str):
    """Clamp each value to [low, high]; return the clamped values and the ones that moved."""
    clamped = [min(max(v, low), high) for v in raw]
    changed = [f"{n} {v:g}{unit}" for n, v, c in zip(names, raw, clamped, strict=True) if v != c]
    return clamped, changed


def _css_function(text: str, match: re.Match) -> Reading:
    """rgb()/hsl() with CSS's rules: out-of-range values clamped, alpha must be opaque."""
    values = [(float(match.group(i)), match.group(i + 1) == "%") for i in (2, 4, 6)]
    if match.group(8) is not None:
        alpha = float(match.group(8)) / (100.0 if match.group(9) else 1.0)
        if alpha < 1:
            raise ValueError(f"{text!r} has transparency: give an opaque colour such as #aabbcc")
    if match.group(1).lower() == "rgb":
        raw = [v * 255 / 100 if percent else v for v, percent in values]
        channels, changed = _changes(CHANNELS, raw, 0.0, 255.0, "")
    else:
        hue = values[0][0]
        if not np.isfinite(hue):
            raise ValueError(f"{text!r} is not a colour: the hue must be a finite angle")
        saturation_lightness = [values[1][0], values[2][0]]
        (s, lum), changed = _changes(("saturation", "lightness"), saturation_lightness, 0, 100, "%")
        channels = [255 * c for c in colorsys.hls_to_rgb((hue % 360) / 360, lum / 100, s / 100)]
    rgb = tuple(int(np.floor(v + 0.5)) for v in channels)
    note = None
    if changed:
        note = (
            f"{text!r}: {', '.join(changed)} {'is' if len(changed) == 1 else 'are'} out of range, "
            f"so it was clamped as browsers do (CSS), giving {hex_colour(rgb)}"
        )
    return Reading(rgb, note)


def _read_text(value: str) -> Reading:
    text = value.strip()
    if not text:
        raise ValueError("no colour given: type one such as #3366cc, rgb(51, 102, 204) or navy")
    match = _FUNCTION.match(text)
    if match is not None:
        return _css_function(text, match)
    try:
        rgb = ImageColor.getrgb(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a colour: {HINT}") from None
    if len(rgb) == 4:
        raise ValueError(f"{value!r} has transparency: give an opaque colour such as #aabbcc")
    clamped = tuple(min(max(int(v), 0), 255) for v in rgb[:3])
    note = None
    if clamped != tuple(rgb[:3]):
        note = f"{value!r} is outside the RGB cube, so it was clamped to {hex_colour(clamped)}"
    return Reading(clamped, note)


def read_colour(value: str | Sequence[int]) -> Reading:
    """Read a colour as a person writes it, saying what was clamped.

    Accepts ``#abc``, ``#aabbcc``, ``rgb(1, 2, 3)`` (also with decimals, percentages or spaces),
    ``hsl(...)``, CSS names such as ``navy``, and (r, g, b) sequences of integers in 0..255.
    Out-of-range ``rgb()``/``hsl()`` values are clamped as CSS clamps them.

    Args:
        value: the colour as text or as an (r, g, b) sequence.

    Returns:
        A Reading: the colour as (r, g, b) ints in 0..255, and a note naming any clamped value.

    Raises:
        ValueError: naming the value when it is not a colour.
    """
    if isinstance(value, str):
        return _read_text(value)
    try:
        values = tuple(value)
    except TypeError:
        raise ValueError(f"{value!r} is not a colour: expected text or (r, g, b)") from None
    if len(values) != 3 or not all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and 0 <= v <= 255
        for v in values
    ):
        raise ValueError(f"{value!r} is not a colour: expected (r, g, b) with integers 0..255")
    return Reading((int(values[0]), int(values[1]), int(values[2])))


def parse_colour(value: str | Sequence[int]) -> RGB:
    """Read a colour as a person writes it (see ``read_colour``), clamping as CSS does.

    Args:
        value: the colour as text or as an (r, g, b) sequence.

    Returns:
        The colour as an (r, g, b) tuple of ints in 0..255.

    Raises:
        ValueError: naming the value when it is not a colour.
    """
    return read_colour(value).rgb


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
