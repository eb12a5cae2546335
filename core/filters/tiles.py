"""Pictures of the picture tab: heatmaps paired with what each filter looks for, one strip per
block "through the network", and the canvases of their downloads.

The tiles are pictures, not charts: the page shows them with ``st.image`` in columns, which
scale with the screen (and stack on a phone), with the labels as captions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from core.filters.grid import stitch

MARGIN = 6
BAND = 34  # white band between the rows of "through the network" in its download
EMPTY = 48  # grey of a tile whose picture is not drawn yet


def resize_tiles(tiles: np.ndarray, side: int) -> np.ndarray:
    """(k, s, s, 3) uint8 tiles resized to (k, side, side, 3)."""
    if tiles.shape[1] == side:
        return tiles
    lanczos = Image.Resampling.LANCZOS
    return np.stack([np.asarray(Image.fromarray(t).resize((side, side), lanczos)) for t in tiles])


def pair_tiles(heat: np.ndarray, looks_for: Sequence[np.ndarray | None]) -> np.ndarray:
    """Heat tile, then the filter's gradient-ascent picture (grey while missing), per filter."""
    side = heat.shape[1]
    out = []
    for tile, picture in zip(heat, looks_for, strict=True):
        out.append(tile)
        if picture is None:
            out.append(np.full((side, side, 3), EMPTY, np.uint8))
        else:
            out.append(resize_tiles(np.asarray(picture, np.uint8)[None], side)[0])
    return np.stack(out)


def pair_pictures(heat: np.ndarray, looks_for: Sequence[np.ndarray | None]) -> np.ndarray:
    """(k, side, 2*side + gap, 3): each heat tile, a gap, then what the filter looks for."""
    tiles = pair_tiles(heat, looks_for)
    side = heat.shape[1]
    out = np.zeros((len(heat), side, 2 * side + MARGIN, 3), np.uint8)
    out[:, :, :side] = tiles[0::2]
    out[:, :, side + MARGIN :] = tiles[1::2]
    return out


def pairs_canvas(pictures: np.ndarray, per_row: int) -> np.ndarray:
    """Pair pictures laid out ``per_row`` to a row, with black gaps (for the PNG download)."""
    k, h, w = pictures.shape[:3]
    rows = -(-k // per_row)
    canvas = np.zeros((rows * (h + MARGIN) - MARGIN, per_row * (w + MARGIN) - MARGIN, 3), np.uint8)
    for j, picture in enumerate(pictures):
        top, left = (j // per_row) * (h + MARGIN), (j % per_row) * (w + MARGIN)
        canvas[top : top + h, left : left + w] = picture
    return canvas


def strip(tiles: np.ndarray, columns: int) -> np.ndarray:
    """One row of ``columns`` tiles (black where fewer), as the grids lay them out."""
    return stitch(tiles, columns, MARGIN)[: tiles.shape[1]]


def network_canvas(strips: Sequence[np.ndarray]) -> np.ndarray:
    """The rows "through the network" stacked, with white bands between (for the download)."""
    width = strips[0].shape[1]
    parts = []
    for row in strips:
        parts += [row, np.full((BAND, width, 3), 255, np.uint8)]
    return np.concatenate(parts[:-1])
