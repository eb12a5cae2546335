"""WCAG 2.x contrast: how much lighter one colour is than another, as the accessibility rules say.

Relative luminance linearises each sRGB channel c = value / 255:

    c_lin = c / 12.92                     if c <= 0.04045
    c_lin = ((c + 0.055) / 1.055) ** 2.4  otherwise
    L = 0.2126 R_lin + 0.7152 G_lin + 0.0722 B_lin

and the contrast ratio of two colours is (L_lighter + 0.05) / (L_darker + 0.05), from 1:1 to 21:1.
Normal text passes AA at 4.5:1 and AAA at 7:1; large text (24 px, or 18.66 px bold) passes AA at
3:1 and AAA at 4.5:1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.colour.data import parse_colour

BLACK = (0, 0, 0)
WHITE = (255, 255, 255)
# Minimum ratios, (AA, AAA), for normal and for large text (WCAG 2.x success criteria 1.4.3, 1.4.6).
THRESHOLDS = {False: (4.5, 7.0), True: (3.0, 4.5)}
# How bright each linear channel looks (ITU-R BT.709 primaries, as WCAG uses).
LUMINANCE_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])

Colour = str | Sequence[int]


def linearise(channel: np.ndarray | float) -> np.ndarray:
    """Undo the sRGB gamma of 0-255 channel values, giving linear light in [0, 1].

    Args:
        channel: one value or an array of values in 0..255.

    Returns:
        An array of the same shape (a 0-d array for one value).
    """
    c = np.asarray(channel, dtype=np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def relative_luminances(colours: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of many colours at once: the one implementation of the formula.

    Args:
        colours: array of shape (n, 3) with values in 0..255.

    Returns:
        Array of shape (n,) with values in [0, 1].

    Raises:
        ValueError: naming the shape or the values when they are not colours.
    """
    rgb = np.asarray(colours, dtype=np.float64)
    if rgb.ndim != 2 or rgb.shape[1] != 3:
        raise ValueError(f"expected colours of shape (n, 3), got {rgb.shape}")
    if rgb.size and (not np.all(np.isfinite(rgb)) or rgb.min() < 0 or rgb.max() > 255):
        raise ValueError("expected colour values in 0..255")
    return linearise(rgb) @ LUMINANCE_WEIGHTS


def relative_luminance(colour: Colour) -> float:
    """WCAG relative luminance of one colour (``relative_luminances`` of a single row).

    Args:
        colour: "#rrggbb", "#rgb", "rgb(r, g, b)", a CSS name, or (r, g, b) with ints 0..255.

    Returns:
        L in [0, 1]: 0 for black, 1 for white.

    Raises:
        ValueError: naming the value when it is not a colour.
    """
    return float(relative_luminances(np.array([parse_colour(colour)]))[0])


def contrast_ratio(first: Colour, second: Colour) -> float:
    """WCAG contrast ratio (L_lighter + 0.05) / (L_darker + 0.05); the order does not matter.

    Args:
        first: a colour in any form ``relative_luminance`` accepts.
        second: the other colour.

    Returns:
        The ratio, from 1.0 (same luminance) to 21.0 (black on white).
    """
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def wcag_level(ratio: float, large: bool = False) -> str:
    """The best WCAG level a contrast ratio reaches.

    Args:
        ratio: a contrast ratio in [1, 21].
        large: True for large text (at least 24 px, or 18.66 px bold).

    Returns:
        "AAA", "AA" or "fail".

    Raises:
        ValueError: when ratio is not a number in [1, 21].
    """
    if isinstance(ratio, bool) or not isinstance(ratio, int | float):
        raise ValueError(f"expected a contrast ratio as a number, got {ratio!r}")
    # Ratios come from floating point; allow a hair of round-off at both ends.
    if not 1.0 - 1e-9 <= ratio <= 21.0 + 1e-9:
        raise ValueError(f"expected a contrast ratio in [1, 21], got {ratio!r}")
    aa, aaa = THRESHOLDS[bool(large)]
    if ratio >= aaa:
        return "AAA"
    if ratio >= aa:
        return "AA"
    return "fail"


def text_ratios(background: Colour) -> dict[str, float]:
    """Contrast ratios of black and of white text over a background.

    Args:
        background: a colour in any form ``relative_luminance`` accepts.

    Returns:
        {"black": ratio, "white": ratio}.
    """
    return {"black": contrast_ratio(background, BLACK), "white": contrast_ratio(background, WHITE)}


def wcag_text_colour(background: Colour) -> str:
    """The text colour, black or white, with the higher contrast over a background.

    Args:
        background: a colour in any form ``relative_luminance`` accepts.

    Returns:
        "white" or "black"; "black" on an exact tie.
    """
    ratios = text_ratios(background)
    return "white" if ratios["white"] > ratios["black"] else "black"
