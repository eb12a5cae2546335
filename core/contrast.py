"""Old import path, kept working: WCAG contrast lives in ``core.colour.contrast``."""

from core.colour.contrast import (
    BLACK,
    LUMINANCE_WEIGHTS,
    THRESHOLDS,
    WHITE,
    Colour,
    contrast_ratio,
    linearise,
    relative_luminance,
    relative_luminances,
    text_ratios,
    wcag_level,
    wcag_text_colour,
)

__all__ = [
    "BLACK",
    "LUMINANCE_WEIGHTS",
    "THRESHOLDS",
    "WHITE",
    "Colour",
    "contrast_ratio",
    "linearise",
    "relative_luminance",
    "relative_luminances",
    "text_ratios",
    "wcag_level",
    "wcag_text_colour",
]
