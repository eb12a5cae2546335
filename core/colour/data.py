"""Reading colours the way a person types them (CSS Color 4), and drawing random ones.

Text is parsed by ColorAide, which reads every CSS Color 4 form a browser accepts: hex with 3, 4,
6 or 8 digits (with or without '#'), names, ``rgb()``/``hsl()`` in comma or space syntax with
angle units and ``none``, ``hwb()``, ``lab()``, ``lch()``, ``oklab()``, ``oklch()`` and ``color()``
with the predefined spaces. The result is the sRGB colour a browser would draw:

- values CSS clamps when it reads them are clamped (``rgb(300, 0, 0)`` is red, as a browser draws
  it; an hsl saturation or lightness outside 0-100%, a lab lightness outside 0-100, a negative
  chroma);
- a colour still outside sRGB (``oklch(0.7 0.4 30)``, ``color(display-p3 1 0 0)``) is mapped into
  it with CSS Color 4's gamut mapping (chroma reduced in OkLCh until the clipped colour is within
  a just-noticeable difference, deltaE OK 0.02);
- ``read_colour`` says what was clamped or mapped, so the page can tell the person.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from coloraide import Color

from core.plot_style import hex_colour

RGB = tuple[int, int, int]
CHANNELS = ("red", "green", "blue")
HINT = "try #aabbcc, navy, rgb(51 102 204), hsl(210 50% 40%) or oklch(0.6 0.12 250)"
MESSAGE_LIMIT = 40  # typed text longer than this is cut in messages
GAMUT_MAPPING = "oklch-chroma"  # ColorAide's name for CSS Color 4's gamut mapping
# The spaces CSS lets color() name (ColorAide reads "xyz" as xyz-d65).
CSS_SPACES = frozenset(
    ("srgb", "srgb-linear", "display-p3", "a98-rgb", "prophoto-rgb", "rec2020")
    + ("xyz-d50", "xyz-d65")
)
_BARE_HEX = re.compile(r"[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8}", re.IGNORECASE)
# What the old parser also took: commas mixed with spaces or a slash, percentages mixed with
# numbers in a comma list, and hsv()/hsb() (Pillow's). Read as the modern syntax instead.
_LENIENT = re.compile(r"(rgba?|hsla?|hsv|hsb)\(([^()]*)\)", re.IGNORECASE)
_HUE_AT = {"hsl": 0, "hwb": 0, "hsv": 0, "lch": 2, "oklch": 2}


@dataclass(frozen=True)
class Clamp:
    """A value CSS clamps when it reads a colour: coordinate ``index`` of the colour's space,
    kept in [low, high], and named in messages as ``name`` in ``scale`` x its value and ``unit``.
    """

    index: int
    name: str
    low: float
    high: float
    scale: float = 1.0
    unit: str = ""


_PERCENT = {"scale": 100.0, "unit": "%"}
# CSS Color 4: rgb() channels are clamped to 0-255; hsl() saturation and lightness and hwb()
# whiteness and blackness to 0-100%; lab()/lch() lightness to 0-100, oklab()/oklch() to 0-1;
# a negative chroma to 0. Keyed by ColorAide's space for the function (not for color()).
CSS_CLAMPS = {
    "srgb": [Clamp(i, name, 0.0, 1.0, 255.0) for i, name in enumerate(CHANNELS)],
    "hsl": [Clamp(1, "saturation", 0, 1, **_PERCENT), Clamp(2, "lightness", 0, 1, **_PERCENT)],
    "hsv": [Clamp(1, "saturation", 0, 1, **_PERCENT), Clamp(2, "value", 0, 1, **_PERCENT)],
    "hwb": [Clamp(1, "whiteness", 0, 1, **_PERCENT), Clamp(2, "blackness", 0, 1, **_PERCENT)],
    "lab": [Clamp(0, "lightness", 0, 100)],
    "lch": [Clamp(0, "lightness", 0, 100), Clamp(1, "chroma", 0, math.inf)],
    "oklab": [Clamp(0, "lightness", 0, 1)],
    "oklch": [Clamp(0, "lightness", 0, 1), Clamp(1, "chroma", 0, math.inf)],
}


@dataclass(frozen=True)
class Reading:
    """A colour as read, and what had to be changed to read it.

    Attributes:
        rgb: the sRGB colour, (r, g, b) ints in 0..255.
        note: a sentence saying what was clamped or gamut-mapped, or None when nothing was.
        clamped: the values CSS clamped, such as "red 300".
        mapped: True when the colour was outside sRGB and gamut-mapped into it.
    """

    rgb: RGB
    note: str | None = None
    clamped: tuple[str, ...] = ()
    mapped: bool = False


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Typed text cut to a readable length for a message."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def _lenient(text: str) -> Color | None:
    """The old parser's looser forms as CSS's space syntax, or None when it is not one."""
    match = _LENIENT.fullmatch(text)
    if match is None:
        return None
    values = re.split(r"\s*[,/]\s*|\s+", match.group(2).strip())
    if len(values) not in (3, 4) or not all(values):
        return None
    name = match.group(1).lower()
    alpha = f" / {values[3]}" if len(values) == 4 else ""
    if name in ("hsv", "hsb"):
        modern = f"color(--hsv {' '.join(values[:3])}{alpha})"
    else:
        modern = f"{name}({' '.join(values[:3])}{alpha})"
    try:
        return Color(modern)
    except ValueError:
        return None


def _parse(text: str, shown: str) -> Color:
    """ColorAide's reading of CSS text (bare hex taken as hex), or ValueError naming it."""
    if _BARE_HEX.fullmatch(text):
        text = f"#{text}"
    try:
        colour = Color(text)
    except ValueError:
        colour = _lenient(text)
    if colour is None:
        raise ValueError(f"{shown!r} is not a colour: {HINT}")
    if text.lower().startswith("color(") and colour.space() not in CSS_SPACES:
        raise ValueError(f"{shown!r} is not a colour: color() takes a CSS space such as srgb")
    return colour


def _css_clamps(colour: Color, function: bool) -> list[str]:
    """Clamp what CSS clamps when it reads a colour function, in place; name what moved."""
    changed = []
    for clamp in CSS_CLAMPS.get(colour.space(), []) if function else []:
        value = colour[clamp.index]
        if math.isnan(value) or clamp.low <= value <= clamp.high:
            continue
        colour[clamp.index] = min(max(value, clamp.low), clamp.high)
        changed.append(f"{clamp.name} {value * clamp.scale:.6g}{clamp.unit}")
    return changed


def _check_finite(colour: Color, shown: str) -> None:
    coords = colour.coords(nans=False)
    if all(math.isfinite(v) for v in coords):
        return
    hue = _HUE_AT.get(colour.space())
    if hue is not None and not math.isfinite(coords[hue]):
        raise ValueError(f"{shown!r} is not a colour: the hue must be a finite angle")
    raise ValueError(f"{shown!r} is not a colour: its numbers must be finite")


# Half a step of an 8-bit channel: a colour this close to sRGB is in it, for a screen.
GAMUT_TOLERANCE = 0.5 / 255


def _to_srgb(colour: Color) -> tuple[RGB, bool]:
    """The colour in sRGB as 0..255 ints, gamut-mapped as CSS does; and whether it was mapped.

    A colour outside sRGB by less than half a step of an 8-bit channel (a serialisation's
    rounding, ``lch(7.8921% 45.858% 301.36)`` for #00006a) rounds to the same pixel either way:
    it is clipped and counts as in sRGB, so the page has nothing to say about it.
    """
    srgb = colour.convert("srgb")
    mapped = not srgb.in_gamut(tolerance=GAMUT_TOLERANCE)
    if mapped:
        srgb.fit(method=GAMUT_MAPPING)
    channels = [min(max(v, 0.0), 1.0) for v in srgb.coords(nans=False)]
    r, g, b = (int(math.floor(255 * v + 0.5)) for v in channels)
    return (r, g, b), mapped


def _note(shown: str, rgb: RGB, clamped: list[str], mapped: bool) -> str | None:
    """The sentence that says what happened to a colour on its way to sRGB."""
    gamut = "outside sRGB, so it was gamut-mapped as CSS Color 4 does"
    if not clamped:
        return f"{shown!r} is {gamut}, giving {hex_colour(rgb)}" if mapped else None
    verb = "is" if len(clamped) == 1 else "are"
    said = f"{', '.join(clamped)} {verb} out of range, so it was clamped as browsers do (CSS)"
    if mapped:
        said += f", and the colour is {gamut}"
    return f"{shown!r}: {said}, giving {hex_colour(rgb)}"


def _read_text(value: str) -> Reading:
    text = value.strip()
    if not text:
        raise ValueError("no colour given: type one such as #3366cc, rgb(51, 102, 204) or navy")
    shown = shorten(text)
    colour = _parse(text, shown)
    if colour.alpha(nans=False) < 1:
        raise ValueError(f"{shown!r} has transparency: give an opaque colour such as #aabbcc")
    clamped = _css_clamps(colour, function=not text.lower().startswith("color("))
    _check_finite(colour, shown)
    rgb, mapped = _to_srgb(colour)
    return Reading(rgb, _note(shown, rgb, clamped, mapped), tuple(clamped), mapped)


def read_colour(value: str | Sequence[int]) -> Reading:
    """Read a colour as a person writes it, saying what was clamped or gamut-mapped.

    Accepts every CSS Color 4 form of an opaque colour (see the module docstring), hex without
    '#' (``3366cc``, as the page's links write it), and (r, g, b) sequences of ints in 0..255.
    Values CSS clamps are clamped, and a colour outside sRGB is gamut-mapped as CSS does.

    Args:
        value: the colour as text or as an (r, g, b) sequence.

    Returns:
        A Reading: the colour as (r, g, b) ints in 0..255, and a note saying what was clamped or
        gamut-mapped.

    Raises:
        ValueError: naming the value (cut to ``MESSAGE_LIMIT`` characters) when it is not an
            opaque colour.
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
    """Read a colour as a person writes it (see ``read_colour``), as a browser would draw it.

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
