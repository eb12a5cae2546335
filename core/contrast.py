"""Old import path, kept working: WCAG contrast lives in ``core.colour.contrast``."""

from core.colour.contrast import (
    BLACK,
    THRESHOLDS,
    WHITE,
    Colour,
    contrast_ratio,
    linearise,
    relative_luminance,
    relative_luminances,
    wcag_level,
    wcag_text_colour,
)

__all__ = [
    "BLACK",
    "THRESHOLDS",
    "WHITE",
    "Colour",
    "contrast_ratio",
    "linearise",
    "relative_luminance",
    "relative_luminances",
    "wcag_level",
    "wcag_text_colour",
]
