"""The Landscape tab's figures: the error surface, gradient descent's path on it, and honesty.

- ``landscape_figure``: a filled contour map (log colour scale by default; drawn as a picture
  by ``landscape_image``, which survives the animation) with each run's path,
  start, end and lowest point marked; for one run, a marker walks the path as a Plotly
  animation played by the browser, with the replay's frames and scrubber.
- (``landscape_3d.surface_3d_figure``: the same surface in 3D, the path lying on it.)
- ``projection_figure``: per frame, the error the surface reads at the projected point next to
  the run's true error, and how far the weights lie off the plane.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.mlp.drawing import log_ticks
from core.mlp.landscape import Landscape, PathOnPlane, Surface
from core.mlp.landscape_image import surface_picture
from core.mlp.replay_controls import marker_x, slider_and_buttons
from core.plot_style import NEGATIVE, POSITIVE, style

# Deep valleys dark, high ground light: coloured paths read on every part of it.
SURFACE_SCALE = [[0, "#08306b"], [0.35, "#2879b9"], [0.7, "#a6cee3"], [1, "#f7fbff"]]
PATH_COLOURS = ("#e8590c", "#c2255c", "#2f9e44", "#7048e8", "#212529", "#f59f00")
WALKER = "#ffd43b"
FLOOR = 1e-12  # errors below this are drawn at it on a log scale
CLICK_GRID = 41  # at most this many clickable points per axis
ENDS = (("start", "circle", 0), ("end", "square", -1))
KEEP = {"marker": {"opacity": 1}}  # marks keep their look when a point of the map is picked
QUIET = ("pick a point", "error surface")  # invisible traces: never shown, selected or not


def colour_values(errors: np.ndarray, log_colour: bool) -> np.ndarray:
    """What the colour encodes: log10 of the error on a log scale, else the error."""
    errors = np.asarray(errors, dtype=np.float64)
    return np.log10(np.maximum(errors, FLOOR)) if log_colour else errors


def tick_text(value: float) -> str:
    """10⁻³ as "10<sup>-3</sup>"; other values short ("2.4")."""
    power = np.log10(value)
    return (
        f"10<sup>{int(round(power))}</sup>" if abs(power - round(power)) < 1e-9 else f"{value:.3g}"
    )


def colour_bar(errors: np.ndarray, log_colour: bool, compact: bool) -> dict:
    """A colour bar titled "error", labelled in powers of ten on a log scale."""
    bar = {
        "title": {"text": "" if compact else "error", "side": "right"},
        "thickness": 10 if compact else 20,
        "xpad": 4 if compact else 10,
    }
    if log_colour:
        ticks = log_ticks(np.maximum(errors, FLOOR))
        bar |= {"tickvals": np.log10(ticks).tolist(), "ticktext": [tick_text(t) for t in ticks]}
    return bar


def colour_bar_trace(surface: Surface, log_colour: bool, compact: bool) -> go.Scatter:
    """The map's colour bar, carried by two invisible points (the map itself is an image)."""
    z = colour_values(surface.errors, log_colour)
    return go.Scatter(
        x=[surface.alphas[0]] * 2,
        y=[surface.betas[0]] * 2,
        mode="markers",
        marker={
            "color": [z.min(), z.max()],
            "colorscale": SURFACE_SCALE,
            "opacity": 0,
            "cmin": z.min(),
            "cmax": z.max(),
            "showscale": True,
            "colorbar": colour_bar(surface.errors, log_colour, compact),
        },
        hoverinfo="skip",
        showlegend=False,
        name="error surface",
    )


def click_grid(landscape: Landscape) -> go.Scatter:
    """Invisible points over the map: hovering names the error, a click picks the point."""
    s = landscape.surface
    step = max(1, int(np.ceil(len(s.alphas) / CLICK_GRID)))
    i = np.arange(0, len(s.alphas), step)
    j = np.arange(0, len(s.betas), max(1, int(np.ceil(len(s.betas) / CLICK_GRID))))
    a, b = np.meshgrid(s.alphas[i], s.betas[j])
    return go.Scatter(
        x=a.ravel(),
        y=b.ravel(),
        customdata=s.errors[np.ix_(j, i)].ravel(),
        mode="markers",
        marker={"size": 10, "opacity": 0, "color": "#000"},
        selected={"marker": {"opacity": 1, "color": NEGATIVE, "size": 16}},
        unselected={"marker": {"opacity": 0}},
        hovertemplate="α %{x:.3g}, β %{y:.3g}<br>error %{customdata:.3e}<extra></extra>",
        showlegend=False,
        name="pick a point",
    )


def path_traces(
    path: PathOnPlane, label: str, colour: str, legend_ends: bool, compact: bool = False
) -> list:
    """A run's path (every snapshot) on a white casing, with start, end and lowest marked.

    ``legend_ends``: the marks get legend entries naming their iterations (one run).
    """
    custom = np.stack([path.iterations, path.true_errors], axis=1)
    traces = [
        go.Scatter(
            x=path.coords[:, 0],
            y=path.coords[:, 1],
            mode="lines",
            showlegend=False,
            line={"color": "white", "width": 7},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=path.coords[:, 0],
            y=path.coords[:, 1],
            mode="lines",
            name=label,
            line={"color": colour, "width": 3.5},
            customdata=custom,
            legendgroup=label,
            hovertemplate=label + "<br>iteration %{customdata[0]:,}<br>error "
            "%{customdata[1]:.3e}<extra></extra>",
        ),
    ]
    low = path.lowest
    marks = [*ENDS, ("lowest" if compact else "lowest error on the path", "star", low)]
    for name, symbol, k in marks:
        it, err = int(path.iterations[k]), float(path.true_errors[k])
        traces.append(
            go.Scatter(
                x=[path.coords[k, 0]],
                y=[path.coords[k, 1]],
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": 17 if symbol == "star" else 14,
                    "color": colour if symbol != "circle" else "white",
                    "line": {"width": 2.5, "color": colour if symbol == "circle" else "white"},
                },
                name=f"{name} (iteration {it:,})" if legend_ends and not compact else name,
                legendgroup=label if not legend_ends else None,
                showlegend=legend_ends,
                hovertemplate=f"{label}: {name}<br>iteration {it:,}<br>error {err:.3e}"
                "<extra></extra>",
            )
        )
    return traces


def symbol_legend() -> list[go.Scatter]:
    """Legend entries for the marks of several paths: start, end, lowest (drawn in grey)."""
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=name,
            showlegend=True,
            marker={"symbol": symbol, "size": 13, "color": "#868e96"},
        )
        for name, symbol in (("start", "circle"), ("end", "square"), ("lowest", "star"))
    ]


def lowest_point_trace(surface: Surface, compact: bool = False) -> go.Scatter:
    """The grid's own lowest point, which need not be where the path ends."""
    a, b, error = surface.lowest
    return go.Scatter(
        x=[a],
        y=[b],
        mode="markers",
        name="map's lowest" if compact else "lowest point of this map",
        marker={
            "symbol": "x",
            "size": 15,
            "color": "#f8f9fa",
            "line": {"width": 1.5, "color": "#212529"},
        },
        hovertemplate=f"lowest point of this map<br>error {error:.3e}<extra></extra>",
    )


def axis_titles(landscape: Landscape) -> tuple[str, str]:
    """α and β axis titles: which direction, and the share of the path's variance it holds."""
    plane = landscape.plane
    if plane.explained is None:
        return "α: random direction d₁", "β: random direction d₂"
    pc1, pc2 = (100 * plane.explained).tolist()
    return f"α: along PC1 ({pc1:.1f}% of the path)", f"β: along PC2 ({pc2:.1f}%)"


def walker_trace(path: PathOnPlane, f: int) -> go.Scatter:
    """The marker that walks the path, at frame f."""
    return go.Scatter(
        x=[path.coords[f, 0]],
        y=[path.coords[f, 1]],
        mode="markers",
        name="this frame",
        unselected=KEEP,
        marker={"size": 20, "color": WALKER, "line": {"width": 3, "color": "#212529"}},
        hovertemplate=f"iteration {int(path.iterations[f]):,}<br>error "
        f"{float(path.true_errors[f]):.3e}<extra></extra>",
    )


def header(fig: go.Figure, compact: bool, top: int) -> None:
    """Title pinned to the top, a horizontal legend under it, ``top`` pixels for the two."""
    legend = {
        "orientation": "h",
        "x": 0,
        "y": 1.02,
        "yanchor": "bottom",
        "font": {"size": 12 if compact else 13},
    }
    # On a phone the chart's toolbar spans the width: the title goes under it.
    pad = 56 if compact else 22
    title = {"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": pad}}
    fig.update_layout(legend=legend, title=title, margin={"t": top + pad - 22})


def drawing_order(paths: Sequence[PathOnPlane]) -> list[int]:
    """Longest path first, so a short one (a tiny learning rate) is drawn on top, not hidden."""
    lengths = [np.sum(np.linalg.norm(np.diff(p.coords, axis=0), axis=1)) for p in paths]
    return sorted(range(len(paths)), key=lambda k: -lengths[k])


def landscape_figure(
    landscape: Landscape,
    labels: Sequence[str],
    title: str,
    log_colour: bool = True,
    frames: np.ndarray | None = None,
    spacing: str = "log",
    compact: bool = False,
) -> go.Figure:
    """The contour map with every run's path; for one run, a marker walking it.

    Args:
        landscape: from ``core.mlp.landscape.run_landscape``.
        labels: one legend label per path.
        title: the figure's title.
        log_colour: colour by log10 of the error (the plateau and the valley differ by
            orders of magnitude).
        frames: indices into the first path's snapshots (``frame_indices``): the walking
            marker's frames, with a scrubber and Play / Pause. None: a still map.
        spacing: "log" or "even", named on the scrubber.
        compact: laid out for a phone.
    """
    single = len(landscape.paths) == 1
    data = [colour_bar_trace(landscape.surface, log_colour, compact), click_grid(landscape)]
    for k in drawing_order(landscape.paths):
        colour = PATH_COLOURS[k % len(PATH_COLOURS)]
        data += [
            t.update(legendrank=100 + k)
            for t in path_traces(landscape.paths[k], labels[k], colour, single, compact)
        ]
    data += [lowest_point_trace(landscape.surface, compact)] + ([] if single else symbol_legend())
    fig = go.Figure(data)
    alpha, beta = axis_titles(landscape)
    s = landscape.surface
    picture = surface_picture(s, colour_values(s.errors, log_colour), SURFACE_SCALE)
    fig.update_layout(images=[picture])
    axis = {"showgrid": False, "zeroline": False, "ticks": "outside"}
    fig.update_xaxes(title=alpha, range=[s.alphas[0], s.alphas[-1]], **axis)
    fig.update_yaxes(title=beta, range=[s.betas[0], s.betas[-1]], **axis)
    style(fig, title, height=(640 if compact else 760))
    fig.update_layout(clickmode="event+select", dragmode="pan")
    # A click selects a point; Plotly would then fade every other mark: keep them whole.
    fig.update_traces(unselected=KEEP, selector=lambda t: t.name not in QUIET)
    left, right = (50, 5) if compact else (70, 20)
    fig.update_layout(margin={"l": left, "r": right, "b": 55})
    header(fig, compact, 175 if compact else 130)
    if frames is None:
        return fig
    return animate(fig, landscape.paths[0].take(frames), spacing)


def without_redraw(controls: dict) -> dict:
    """The replay's Play / Pause and scrubber, moving only the marker: no full redraw per frame.

    A redraw repaints the contour map, which takes longer than a frame: while playing, the
    map would never be seen.
    """
    for control in [*controls["sliders"][0]["steps"], *controls["updatemenus"][0]["buttons"]]:
        options = control["args"][1]
        options["frame"] = options.get("frame", {}) | {"redraw": False}
    return controls


def animate(fig: go.Figure, path: PathOnPlane, spacing: str) -> go.Figure:
    """Add the walking marker and one Plotly frame per snapshot of ``path``."""
    fig.add_trace(walker_trace(path, 0))
    moving = [len(fig.data) - 1]
    controls = without_redraw(slider_and_buttons(path, spacing))
    controls["updatemenus"][0]["pad"]["t"] = 80  # below the α axis title
    controls["sliders"][0]["pad"]["t"] = 130
    fig.update_layout(**controls, margin={"b": 240}, height=fig.layout.height + 185)
    frame_list = [
        {
            "name": str(int(it)),
            "traces": moving,
            "data": [{"type": "scatter", "x": [float(x)], "y": [float(y)]}],
        }
        for it, (x, y) in zip(path.iterations, path.coords, strict=True)
    ]
    # Frames as plain dicts, as the replay does: validating each would be slow.
    return go.Figure(fig.to_dict() | {"frames": frame_list}, _validate=False)


def projection_figure(path: PathOnPlane, spacing: str, compact: bool = False) -> go.Figure:
    """Per frame: surface error at the projected point beside the true error; the residual."""
    x = [marker_x(i, spacing == "log") for i in path.iterations]
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, row_heights=[0.62, 0.38]
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=path.true_errors,
            mode="lines",
            name="the run's error",
            line={"color": POSITIVE, "width": 4},
            hovertemplate="iteration %{x:,}<br>true error %{y:.3e}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=path.surface_errors,
            mode="lines+markers",
            name="the map's error at the dot",
            line={"color": NEGATIVE, "width": 3, "dash": "dash"},
            marker={"size": 5},
            hovertemplate="iteration %{x:,}<br>map's error %{y:.3e}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=path.residuals,
            mode="lines",
            name="distance off the plane",
            fill="tozeroy",
            line={"color": "#495057", "width": 3},
            hovertemplate="iteration %{x:,}<br>‖θ − dot‖ = %{y:.3g}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    both = np.concatenate([path.true_errors, path.surface_errors])
    fig.update_yaxes(
        type="log", title="error", tickvals=log_ticks(both), exponentformat="power", row=1, col=1
    )
    fig.update_yaxes(title="residual", rangemode="tozero", row=2, col=1)
    log_x = {"type": "log"} if spacing == "log" else {}
    label = "iteration (log scale; 0 drawn at 1)" if spacing == "log" else "iteration"
    fig.update_xaxes(**log_x, row=1, col=1)
    fig.update_xaxes(**log_x, title=label, row=2, col=1)
    style(fig, "How exact is the picture?", height=560 if compact else 560)
    header(fig, compact, 150 if compact else 110)
    return fig


def surface_csv(surface: Surface) -> str:
    """The grid as CSV: one row per point, alpha, beta, error."""
    a, b = np.meshgrid(surface.alphas, surface.betas)
    table = np.stack([a.ravel(), b.ravel(), surface.errors.ravel()], axis=1)
    out = io.StringIO()
    np.savetxt(out, table, delimiter=",", header="alpha,beta,error", comments="", fmt="%.10g")
    return out.getvalue()


def path_csv(path: PathOnPlane) -> str:
    """A projected path as CSV: iteration, alpha, beta, the map's error, true error, residual."""
    table = np.column_stack(
        [path.iterations, path.coords, path.surface_errors, path.true_errors, path.residuals]
    )
    out = io.StringIO()
    header = "iteration,alpha,beta,map_error,true_error,residual"
    np.savetxt(out, table, delimiter=",", header=header, comments="", fmt="%.10g")
    return out.getvalue()
