"""The lesson's data: the ten training colours, their labels, and colours kept out of training.

Label convention of the lesson: 1 means white text reads better over the colour, 0 means black.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RGB = tuple[int, int, int]

# The document's ten training colours (0-255) and their labels, in the document's order.
TRAINING_COLOURS: tuple[RGB, ...] = (
    (0, 255, 0),  # pure green
    (0, 255, 255),
    (255, 0, 0),  # pure red
    (243, 254, 254),
    (238, 238, 238),
    (231, 166, 205),
    (0, 0, 0),  # pure black
    (222, 222, 205),
    (68, 68, 238),
    (237, 226, 19),
)
TRAINING_LABELS: tuple[int, ...] = (1, 1, 0, 0, 0, 0, 1, 0, 1, 0)

# Colours the network never sees in training, labelled where the choice is clear-cut.
HELD_OUT_COLOURS: tuple[tuple[str, RGB, int], ...] = (
    ("navy", (0, 0, 128), 1),
    ("dark red", (139, 0, 0), 1),
    ("dark green", (0, 100, 0), 1),
    ("indigo", (75, 0, 130), 1),
    ("charcoal", (54, 69, 79), 1),
    ("white", (255, 255, 255), 0),
    ("yellow", (255, 255, 0), 0),
    ("light pink", (255, 182, 193), 0),
    ("sky blue", (135, 206, 235), 0),
    ("wheat", (245, 222, 179), 0),
)


def normalise(colours: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    """Scale 0-255 RGB colours to [0, 1], as the lesson does before training.

    Args:
        colours: k colours as (r, g, b) with values in 0..255.

    Returns:
        Array of shape (k, 3), float64, values in [0, 1].
    """
    array = np.asarray(colours, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 3:
        raise ValueError(f"expected colours of shape (k, 3), got {array.shape}")
    if array.size and (array.min() < 0 or array.max() > 255):
        raise ValueError(f"expected colour values in 0..255, got {array.min()}..{array.max()}")
    return array / 255.0


def training_set() -> tuple[np.ndarray, np.ndarray]:
    """The document's inputs and expected outputs.

    Returns:
        X of shape (10, 3) in [0, 1] and y of shape (10, 1) with 1 = white text.
    """
    X = normalise(TRAINING_COLOURS)
    y = np.asarray(TRAINING_LABELS, dtype=np.float64).reshape(-1, 1)
    return X, y


def held_out_set() -> tuple[list[str], np.ndarray, np.ndarray]:
    """Colours kept out of training, to see how the network generalises.

    Returns:
        Names, X of shape (k, 3) in [0, 1] and y of shape (k, 1).
    """
    names = [name for name, _, _ in HELD_OUT_COLOURS]
    X = normalise([rgb for _, rgb, _ in HELD_OUT_COLOURS])
    y = np.asarray([label for _, _, label in HELD_OUT_COLOURS], dtype=np.float64).reshape(-1, 1)
    return names, X, y
