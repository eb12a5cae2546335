"""Old import path, kept working: the lesson's data lives in ``core.mlp.data``, colour parsing
in ``core.colour.data``."""

from core.colour.data import RGB, Reading, parse_colour, random_colours, read_colour, to_hex
from core.mlp.data import (
    HELD_OUT_COLOURS,
    TRAINING_COLOURS,
    TRAINING_LABELS,
    held_out_set,
    normalise,
    training_set,
)

__all__ = [
    "HELD_OUT_COLOURS",
    "RGB",
    "Reading",
    "TRAINING_COLOURS",
    "TRAINING_LABELS",
    "held_out_set",
    "normalise",
    "parse_colour",
    "random_colours",
    "read_colour",
    "to_hex",
    "training_set",
]
