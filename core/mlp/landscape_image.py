"""The error surface as a filled-contour picture, placed under a Plotly map as a layout image.

Plotly's animations (``redraw: False``) remove every trace that cannot be animated, a contour
or heatmap included, from the plot while they play; a layout image stays. So the map is drawn
here: the grid interpolated to pixels, cut into equal bands of the colour value (as a filled
contour is), each band one colour of the scale, a thin light line where two bands meet.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from core.mlp.landscape import Surface
from core.plot_style import png_data_uri, scale_colours

BANDS = 26
IMAGE_SIDE = 800  # pixels along the longer side of the picture sent
SUPERSAMPLE = 2  # drawn this many times larger, then shrunk: smooth band edges
LINE_MIX = 0.4  # how far the line between two bands goes towards white


def resample(surface: Surface, values: np.ndarray, width: int, height: int) -> np.ndarray:
    """Bilinear interpolation of grid values (G2, G1) at (height, width) evenly spaced pixels."""

    def weights(n_pixels: int, n_grid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        position = np.linspace(0, n_grid - 1, n_pixels)
        low = np.minimum(np.floor(position).astype(int), max(n_grid - 2, 0))
        return low, np.minimum(low + 1, n_grid - 1), position - low

    i0, i1, tx = weights(width, len(surface.alphas))
    j0, j1, ty = weights(height, len(surface.betas))
    rows = values[:, i0] * (1 - tx) + values[:, i1] * tx  # (G2, width)
    return rows[j0] * (1 - ty[:, None]) + rows[j1] * ty[:, None]


def band_picture(values: np.ndarray, low: float, high: float, scale: list) -> np.ndarray:
    """RGB uint8 (h, w, 3): values cut into BANDS equal bands of [low, high], lines between."""
    span = max(high - low, 1e-12)
    band = np.clip(np.floor((values - low) / span * BANDS), 0, BANDS - 1).astype(int)
    rgb = scale_colours(scale, (np.arange(BANDS) + 0.5) / BANDS)[band]
    edge = np.zeros(band.shape, dtype=bool)
    edge[:, 1:] |= band[:, 1:] != band[:, :-1]
    edge[1:, :] |= band[1:, :] != band[:-1, :]
    rgb[edge] = rgb[edge] * (1 - LINE_MIX) + 255 * LINE_MIX
    return np.round(rgb).astype(np.uint8)


def surface_picture(surface: Surface, values: np.ndarray, scale: list) -> dict:
    """A Plotly layout image of the surface, stretched over its grid in data coordinates.

    Args:
        surface: the grid (its alphas and betas place the picture).
        values: (G2, G1) what the colour encodes (e.g. log10 of the errors).
        scale: a Plotly colour scale.

    Returns:
        A ``layout.images`` entry whose source is a PNG data URI; row 0 is the highest beta.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.shape != (len(surface.betas), len(surface.alphas)):
        raise ValueError(f"expected values of shape {surface.errors.shape}, got {values.shape}")
    a0, a1 = float(surface.alphas[0]), float(surface.alphas[-1])
    b0, b1 = float(surface.betas[0]), float(surface.betas[-1])
    ratio = (b1 - b0) / max(a1 - a0, 1e-12)
    width = IMAGE_SIDE if ratio <= 1 else max(2, round(IMAGE_SIDE / ratio))
    height = max(2, round(width * ratio))
    big = resample(surface, values, width * SUPERSAMPLE, height * SUPERSAMPLE)
    picture = Image.fromarray(band_picture(big, values.min(), values.max(), scale)[::-1])
    picture = picture.resize((width, height), Image.Resampling.LANCZOS)
    return {
        "source": png_data_uri(np.asarray(picture)),
        "xref": "x",
        "yref": "y",
        "x": a0,
        "y": b1,
        "sizex": a1 - a0,
        "sizey": b1 - b0,
        "sizing": "stretch",
        "layer": "below",
        "name": "error surface",
    }
