"""Figures of the picture tab: tiled heatmaps (with what each filter looks for), one row per
block through the network, and the dream's loss curve. Plotly only; no Streamlit here."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from core.filters.grid import stitch
from core.plot_style import POSITIVE, style

MARGIN = 6
BAND = 34  # white band above each row of "through the network" for its title
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


def _tiled_figure(
    canvas: np.ndarray,
    centres: list[tuple[float, float]],
    captions: list[str],
    hovers: list[str],
    side: int,
    annotations: list[dict],
    height: int,
) -> go.Figure:
    """A canvas of tiles with a caption at the bottom of each and hover text over each.

    The layout is given whole (not annotation by annotation): Plotly validates each
    ``add_annotation`` on its own, which cost a second for 64 captions.
    """
    xs, ys = zip(*centres, strict=True) if centres else ((), ())
    captions = [
        {"x": cx, "y": cy + side / 2 - 2, "yanchor": "bottom", "showarrow": False, "text": text,
         "font": {"size": 14, "color": "white"}, "bgcolor": "rgba(0,0,0,0.6)"}
        for (cx, cy), text in zip(centres, captions, strict=True) if text
    ]  # fmt: skip
    h, w = canvas.shape[:2]
    fig = go.Figure(
        [
            go.Image(source=jpeg_data_uri(canvas), hoverinfo="skip"),
            go.Scatter(
                x=xs, y=ys, mode="markers", text=hovers, showlegend=False,
                marker={"size": 40, "opacity": 0.01, "color": "white"},
                hovertemplate="%{text}<extra></extra>",
            ),
        ],
        layout={
            "annotations": captions + annotations, "dragmode": False,
            "xaxis": {"visible": False, "range": [0, w]},
            "yaxis": {"visible": False, "range": [h, 0], "scaleanchor": "x"},
        },
    )  # fmt: skip
    style(fig, None, height)
    fig.update_layout(margin={"l": 5, "r": 5, "t": 5, "b": 5})
    return fig


def maps_figure(
    heat: np.ndarray,
    looks_for: Sequence[np.ndarray | None],
    filter_indices: Sequence[int],
    means: Sequence[float],
    pairs_per_row: int,
    title: str,
    height: int | None = None,
) -> tuple[go.Figure, np.ndarray]:
    """Each filter's heatmap over the picture, and beside it what the filter looks for.

    ``height`` None fits the canvas at the width of a wide-layout column (about 1100 px).

    Returns:
        The figure and its stitched canvas (for a PNG download).
    """
    tiles = pair_tiles(heat, looks_for)
    side, cols = heat.shape[1], 2 * pairs_per_row
    rows = -(-len(tiles) // cols)
    canvas = stitch(tiles, max(cols, rows), MARGIN)
    canvas = canvas[: rows * side + (rows - 1) * MARGIN, : cols * side + (cols - 1) * MARGIN]
    centres, captions, hovers = [], [], []
    for k, (f, mean) in enumerate(zip(filter_indices, means, strict=True)):
        for j in range(2):
            row, col = divmod(2 * k + j, cols)
            centres.append((col * (side + MARGIN) + side / 2, row * (side + MARGIN) + side / 2))
        missing = looks_for[k] is None
        captions += [f"#{f} · {mean:.1f}", "not drawn yet" if missing else f"#{f} looks for"]
        hovers += [
            f"filter {f}<br>fires here: mean activation {mean:.2f}",
            f"filter {f}<br>what it looks for (gradient ascent from grey noise)",
        ]
    height = height or fitted_height(canvas, 1100, 0)
    figure = _tiled_figure(canvas, centres, captions, hovers, side, [], height)
    figure.update_layout(meta={"title": title})  # the page shows the title as text (it wraps)
    return figure, canvas


def fitted_height(canvas: np.ndarray, width: int, top: int) -> int:
    """The figure height that shows ``canvas`` at ``width`` px wide, plus the title's ``top``."""
    return int(np.clip(top + 10 + width * canvas.shape[0] / canvas.shape[1], 240, 1400))


def network_figure(
    rows: Sequence[tuple[str, np.ndarray, np.ndarray, tuple[int, int], np.ndarray]],
    columns: int,
    height: int | None = None,
) -> tuple[go.Figure, np.ndarray]:
    """One row per layer, shallow to deep: the picture's strongest maps in each.

    Args:
        rows: (layer, filter indices, mean activations, map size (h, w), heat tiles) per row.
        columns: Tiles per row (rows with fewer filters leave black).
        height: Figure height; None fits the canvas.

    Returns:
        The figure and its canvas.
    """
    side = rows[0][4].shape[1]
    width = columns * side + (columns - 1) * MARGIN
    parts, centres, captions, hovers, titles, top = [], [], [], [], [], 0
    for layer, indices, means, (mh, mw), tiles in rows:
        band = np.full((BAND, width, 3), 255, np.uint8)
        strip = stitch(tiles, columns, MARGIN)[:side, :width]
        parts += [band, strip]
        titles.append((top + BAND / 2, f"<b>{layer}</b> · maps {mh}x{mw} · one cell = "
                                       f"{side / mh:.0f} px of the picture"))  # fmt: skip
        top += BAND
        for k, (f, mean) in enumerate(zip(indices, means, strict=True)):
            centres.append((k * (side + MARGIN) + side / 2, top + side / 2))
            captions.append(f"#{f} · {mean:.1f}")
            hovers.append(f"{layer}, filter {f}<br>mean activation {mean:.2f}<br>map {mh}x{mw}")
        top += side
    canvas = np.concatenate(parts)
    titles = [
        {"x": 0, "y": y, "xanchor": "left", "showarrow": False, "text": text, "font": {"size": 16}}
        for y, text in titles
    ]
    height = height or fitted_height(canvas, 1300, 0)
    return _tiled_figure(canvas, centres, captions, hovers, side, titles, height), canvas


def dream_curve_figure(losses: np.ndarray, target: str, height: int = 360) -> go.Figure:
    """The loss (mean activation of the target) before every step of the dream."""
    steps = np.arange(len(losses))
    fig = go.Figure(
        go.Scatter(
            x=steps, y=losses, mode="lines+markers", line={"width": 4, "color": POSITIVE},
            hovertemplate="after %{x} steps<br>mean activation %{y:.3f}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_xaxes(title="gradient-ascent steps from the photo")
    fig.update_yaxes(title="mean activation")
    return style(fig, f"{target}: activation while dreaming", height)


def jpeg_data_uri(canvas: np.ndarray, quality: int = 90) -> str:
    """A photo-like canvas as a JPEG data URI: a quarter of the PNG's bytes, 40x faster to make
    (what a phone on the lecture hall's Wi-Fi receives)."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(canvas, np.uint8)).save(buffer, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def png_bytes(pixels: np.ndarray) -> bytes:
    """A uint8 (h, w, 3) picture as PNG bytes, for a download button."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels, np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()
