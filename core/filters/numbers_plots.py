"""Figures of "by the numbers": one cell's 27 products, where it sits, the kernel sliding along
a row and a deeper cell's receptive field (Plotly; the kernels as pictures: ``kernel_plots``).

The photo and the map are clickable: an invisible marker sits on every pixel (every cell), so
a click reports its row and column (Plotly selects points, not heatmap cells).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.filters.numbers import CHANNELS, Box, Cell
from core.plot_style import NEGATIVE, POSITIVE, png_data_uri, style

DIVERGING = [[0, NEGATIVE], [0.5, "#f7f7f7"], [1, POSITIVE]]
OUTLINE = "#e6007e"  # magenta: seen on sky, fur and skin alike
FIELD = "#ffd400"
PAD_GREY = "rgba(120,120,120,0.35)"
ROWS = (("INPUT", "{:.1f}"), ("W", "{:.3f}"), ("W⊙INPUT", "{:.2f}"))
SWEEP_COLUMNS = 24  # cells along the row in the animation
SWEEP_HALF_ROWS = 3  # rows shown above and below it
SWEEP_MS = 350


def cell_figure(cell: Cell) -> go.Figure:
    """The patch, the kernel and their products as 3x3 heatmaps per channel (B, G, R).

    Row 1 is INPUT (the preprocessed picture under the kernel), row 2 the kernel W, row 3 the
    27 products. Padding cells (outside the picture) are greyed and read "0 pad".

    Returns:
        A figure 640 px high (the page gives it its width, at least 540 px); trace 3r + c holds
        row r, channel c, its ``text`` the printed numbers.
    """
    titles = [f"{name} · {ch}" for name, _ in ROWS for ch in CHANNELS]
    fig = make_subplots(3, 3, subplot_titles=titles, horizontal_spacing=0.04, vertical_spacing=0.1)
    for r, (values, (_, fmt)) in enumerate(
        zip((cell.INPUT, cell.W, cell.products), ROWS, strict=True)
    ):
        limit = float(np.abs(values).max()) or 1.0
        for c in range(3):
            z = values[:, :, c]
            text = [
                [fmt.format(v) if ok else "0 pad" for v, ok in zip(zr, okr, strict=True)]
                for zr, okr in zip(z, cell.inside, strict=True)
            ]
            fig.add_trace(
                go.Heatmap(
                    z=z,
                    text=text,
                    texttemplate="%{text}",
                    textfont={"size": 15},
                    colorscale=DIVERGING,
                    zmin=-limit,
                    zmax=limit,
                    showscale=False,
                    x=[cell.j - 1, cell.j, cell.j + 1],
                    y=[cell.i - 1, cell.i, cell.i + 1],
                    hovertemplate=f"{titles[3 * r + c]}<br>pixel row %{{y}}, column %{{x}}"
                    "<br>%{text}<extra></extra>",
                ),
                r + 1,
                c + 1,
            )
            for u, v in zip(*np.nonzero(~cell.inside), strict=True):
                fig.add_shape(
                    type="rect",
                    x0=cell.j + v - 1.5,
                    x1=cell.j + v - 0.5,
                    y0=cell.i + u - 1.5,
                    y1=cell.i + u - 0.5,
                    fillcolor=PAD_GREY,
                    line={"width": 0},
                    row=r + 1,
                    col=c + 1,
                )
    fig.update_xaxes(showticklabels=False, ticks="", showgrid=False)
    fig.update_yaxes(showticklabels=False, ticks="", showgrid=False, autorange="reversed")
    style(fig, None, 640)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_annotations(font_size=15)
    return fig


def _click_layer(side: int, hover: str, customdata: np.ndarray | None = None) -> go.Scattergl:
    """One invisible, clickable marker per cell of a (side, side) grid."""
    small = np.uint8 if side <= 256 else np.int16  # sent as typed arrays: 1 or 2 bytes each
    rows, cols = np.divmod(np.arange(side * side, dtype=np.int32), side)
    return go.Scattergl(
        x=cols.astype(small),
        y=rows.astype(small),
        mode="markers",
        customdata=customdata,
        marker={"size": 6, "opacity": 0.01, "color": "white"},
        hovertemplate=hover,
        showlegend=False,
        selected={"marker": {"opacity": 0.01}},
        unselected={"marker": {"opacity": 0.01}},
    )


def _cell_outline(i: int, j: int, k: int = 3, width: int = 3) -> dict:
    half = k / 2
    return {
        "type": "rect",
        "x0": j - half,
        "x1": j + half,
        "y0": i - half,
        "y1": i + half,
        "line": {"color": OUTLINE, "width": width},
    }


def _picture_axes(fig: go.Figure, side: int, height: int, title: str | None) -> go.Figure:
    fig.update_xaxes(visible=False, range=[-0.5, side - 0.5])
    fig.update_yaxes(visible=False, range=[side - 0.5, -0.5], scaleanchor="x")
    style(fig, title, height)
    fig.update_layout(margin={"l": 5, "r": 5, "t": 50 if title else 5, "b": 5}, dragmode=False)
    return fig


def photo_figure(pixels: np.ndarray, i: int, j: int, height: int = 420) -> go.Figure:
    """The photo with the 3x3 patch of cell (i, j) outlined, a ring to find it; clickable."""
    side = pixels.shape[0]
    fig = go.Figure(go.Image(source=png_data_uri(pixels), hoverinfo="skip"))
    fig.add_trace(_click_layer(side, "pixel row %{y}, column %{x}<extra></extra>"))
    ring = max(side / 16, 6)
    fig.add_shape(
        type="circle",
        x0=j - ring,
        x1=j + ring,
        y0=i - ring,
        y1=i + ring,
        line={"color": "white", "width": 2, "dash": "dot"},
    )
    fig.add_shape(**_cell_outline(i, j))
    return _picture_axes(fig, side, height, f"Photo: the 3x3 patch at ({i}, {j})")


def map_figure(A_f: np.ndarray, f: int, i: int, j: int, height: int = 420) -> go.Figure:
    """Filter f's map with cell (i, j) outlined; hover gives A, a click picks the cell."""
    side = A_f.shape[0]
    fig = go.Figure(
        go.Heatmap(
            z=A_f.astype(np.float32),
            colorscale="Viridis",
            zmin=0,
            hoverinfo="skip",
            colorbar={"title": {"text": "A"}, "thickness": 14},
        )
    )
    hover = "cell row %{y}, column %{x}<br>A = %{customdata:.4f}<extra></extra>"
    fig.add_trace(_click_layer(side, hover, A_f.reshape(-1).astype(np.float32)))
    fig.add_shape(**_cell_outline(i, j, k=1, width=3))
    ring = max(side / 16, 6)
    fig.add_shape(
        type="circle",
        x0=j - ring,
        x1=j + ring,
        y0=i - ring,
        y1=i + ring,
        line={"color": "white", "width": 2, "dash": "dot"},
    )
    return _picture_axes(fig, side, height, f"Map of filter {f}: cell ({i}, {j})")


def sweep_window(side: int, i: int, j: int) -> tuple[range, range]:
    """Rows and columns the animation shows: a strip of the row around cell (i, j)."""
    width = min(SWEEP_COLUMNS, side)
    c0 = int(np.clip(j - width // 2, 0, side - width))
    r0, r1 = max(i - SWEEP_HALF_ROWS, 0), min(i + SWEEP_HALF_ROWS, side - 1)
    return range(r0, r1 + 1), range(c0, c0 + width)


def _square_path(i: float, j: float, half: float) -> tuple[list[float], list[float]]:
    """x and y of a closed square of side 2 * half centred on row i, column j."""
    x = [j - half, j + half, j + half, j - half, j - half]
    y = [i - half, i - half, i + half, i + half, i - half]
    return x, y


def _sweep_traces(A_f: np.ndarray, rows: range, cols: range, i: int, c: int, top: float):
    """One frame: the patch outline on the photo, the map made so far, the cell outlined."""
    r0, c0 = rows.start, cols.start
    filled = np.full((len(rows), len(cols)), np.nan, np.float32)
    filled[: i - r0] = A_f[r0:i, c0 : cols.stop]  # rows above were made before
    filled[i - r0, : c - c0 + 1] = A_f[i, c0 : c + 1]
    line = {"color": OUTLINE, "width": 4}
    (x, y), (cx, cy) = _square_path(i, c, 1.5), _square_path(i, c, 0.5)
    return [
        go.Scatter(x=x, y=y, mode="lines", line=line, hoverinfo="skip", showlegend=False),
        go.Heatmap(
            z=filled,
            x=list(cols),
            y=list(rows),
            colorscale="Viridis",
            zmin=0,
            zmax=top,
            showscale=False,
            hovertemplate="A = %{z:.2f}<extra></extra>",
        ),
        go.Scatter(x=cx, y=cy, mode="lines", line=line, hoverinfo="skip", showlegend=False),
    ]


def sweep_figure(
    pixels: np.ndarray,
    A_f: np.ndarray,
    Z_row: np.ndarray,
    f: int,
    i: int,
    j: int,
    height: int = 560,
) -> go.Figure:
    """The kernel sliding along row i while filter f's map fills in, one frame per cell.

    Args:
        pixels: (s, s, 3) uint8 photo.
        A_f: (s, s) the network's map of filter f.
        Z_row: (s,) Z of every cell of row i, computed by hand.
        f: The filter.
        i: The row.
        j: The chosen cell's column: the strip is centred on it.
        height: Figure height in pixels.

    Returns:
        A figure whose frames (one per column of the strip) the browser plays.
    """
    rows, cols = sweep_window(A_f.shape[0], i, j)
    r0, c0 = rows.start, cols.start
    fig = make_subplots(
        2,
        1,
        vertical_spacing=0.12,
        subplot_titles=("The kernel on the photo", f"Map of filter {f}"),
    )
    left, right = max(c0 - 1, 0), min(cols.stop + 1, A_f.shape[1])  # the patch's outer columns
    crop = pixels[rows.start : rows.stop, left:right]
    fig.add_trace(go.Image(z=crop, x0=left, y0=r0, dx=1, dy=1, hoverinfo="skip"), 1, 1)
    top = float(A_f.max()) or 1.0

    def frame_traces(c: int) -> list:
        return _sweep_traces(A_f, rows, cols, i, c, top)

    for trace, row in zip(frame_traces(cols.start), (1, 2, 2), strict=True):
        fig.add_trace(trace, row, 1)
    fig.frames = [go.Frame(data=frame_traces(c), traces=[1, 2, 3], name=str(c)) for c in cols]
    labels = [f"cell ({i}, {c}): Z = {Z_row[c]:.2f}, A = {max(Z_row[c], 0):.2f}" for c in cols]
    fig.update_layout(**_player([str(c) for c in cols], labels))
    for axis in ("xaxis", "xaxis2"):
        fig.layout[axis].update(range=[c0 - 1.6, cols.stop + 0.6], visible=False)
    for axis, anchor in (("yaxis", "x"), ("yaxis2", "x2")):
        fig.layout[axis].update(
            range=[rows.stop - 0.5, r0 - 0.5], visible=False, scaleanchor=anchor
        )
    style(fig, None, height)
    fig.update_layout(margin={"l": 5, "r": 5, "t": 40, "b": 10})
    return fig


def _player(names: list[str], labels: list[str]) -> dict:
    """Play / Pause and a scrubber whose current value is the frame's label (ticks hidden)."""
    still = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": True},
        "transition": {"duration": 0},
    }
    play = {
        "frame": {"duration": SWEEP_MS, "redraw": True},
        "fromcurrent": True,
        "transition": {"duration": 0},
    }
    steps = [
        {"method": "animate", "label": label, "args": [[name], still]}
        for name, label in zip(names, labels, strict=True)
    ]
    slider = {
        "active": 0,
        "steps": steps,
        "x": 0.0,
        "len": 1.0,
        "y": 0,
        "yanchor": "top",
        "pad": {"t": 70},
        "font": {"color": "rgba(0,0,0,0)", "size": 1},
        "ticklen": 0,
        "currentvalue": {"prefix": "", "font": {"size": 15, "color": "#222"}},
    }
    buttons = {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": 0,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 20},
        "showactive": False,
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": [None, play]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], still]},
        ],
    }
    return {"sliders": [slider], "updatemenus": [buttons]}


def field_figure(pixels: np.ndarray, box: Box, patch: Box, title: str, height: int = 460):
    """The photo with a deeper cell's receptive field; the part past the edge is the padding.

    Args:
        pixels: (s, s, 3) uint8 photo.
        box: The receptive field, unclipped.
        patch: The first layer's 3x3 patch at the chosen pixel, for scale.
        title: Figure title.
        height: Figure height in pixels.
    """
    side = pixels.shape[0]
    fig = go.Figure(go.Image(source=png_data_uri(pixels), hoverinfo="skip"))
    x0, x1 = min(box.left, 0) - 0.5, max(box.right, side - 1) + 0.5
    y0, y1 = min(box.top, 0) - 0.5, max(box.bottom, side - 1) + 0.5
    fig.add_shape(
        type="rect",
        x0=-0.5,
        x1=side - 0.5,
        y0=-0.5,
        y1=side - 0.5,
        line={"color": "#444", "width": 1},
    )
    fig.add_shape(
        type="rect",
        x0=box.left - 0.5,
        x1=box.right + 0.5,
        y0=box.top - 0.5,
        y1=box.bottom + 0.5,
        line={"color": FIELD, "width": 4},
        fillcolor="rgba(255,212,0,0.12)",
    )
    fig.add_shape(
        type="rect",
        x0=patch.left - 0.5,
        x1=patch.right + 0.5,
        y0=patch.top - 0.5,
        y1=patch.bottom + 0.5,
        line={"color": OUTLINE, "width": 3},
    )
    fig.update_xaxes(visible=False, range=[x0, x1])
    fig.update_yaxes(visible=False, range=[y1, y0], scaleanchor="x")
    style(fig, title, height)
    fig.update_layout(
        margin={"l": 5, "r": 5, "t": 70, "b": 5}, dragmode=False, plot_bgcolor="#d9d9d9"
    )
    return fig
