"""The Landscape tab: the error surface around the run, with gradient descent's path on it."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core.mlp import TrainingSettings, TrainResult, frame_indices
from core.mlp import landscape_plots as lp
from core.mlp.data import training_set
from core.mlp.error import ERROR_TEXT
from core.mlp.landscape import Landscape, run_landscape
from core.mlp.landscape_3d import surface_3d_figure
from core.mlp.weight_space import unflatten
from ui.app import on_a_phone
from ui.train import state
from ui.train.compare import MAX_PINNED, differences, pinned_runs
from ui.train.controls import PRESETS
from ui.train.state import Pick, PinnedRun, Stepper
from ui.training import train_cached

PLANES = {"pca": "Plane of the path (principal components)", "random": "Random plane"}
CENTRES = {"end": "Final weights", "start": "Initial weights"}
SPACINGS = {"log": "Log-spaced", "even": "Evenly spaced"}
RESOLUTIONS = (41, 81, 121)
STEP_TAB = "Step by step"
CHART_CONFIG = {"scrollZoom": False, "toImageButtonOptions": {"filename": "landscape", "scale": 2}}


@st.cache_data(show_spinner=False, max_entries=64)
def landscape_cached(
    runs: tuple[TrainingSettings, ...], plane: str, centre: str, seed: int, resolution: int
) -> Landscape:
    """The surface and the paths of these runs (the first one's weights give the centre)."""
    X, y = training_set()
    results = [train_cached(s) for s in runs]
    return run_landscape(results, X, y, plane, centre, seed, resolution)


@st.cache_resource(show_spinner=False, max_entries=64)
def map_figure_cached(
    runs: tuple[TrainingSettings, ...],
    choice: tuple,
    labels: tuple[str, ...],
    title: str,
    view: tuple,
) -> go.Figure:
    """The map (contour, animated for one run; or 3D), built once for every session.

    ``choice`` is (plane, centre, seed, resolution); ``view`` is (log colour, 3D, spacing,
    compact). Shared between sessions: never modified after it is built.
    """
    landscape = landscape_cached(runs, *choice)
    log_colour, three_d, spacing, compact = view
    if three_d:
        return surface_3d_figure(landscape, labels, title, log_colour, compact)
    frames = None
    if len(runs) == 1:
        frames = frame_indices(landscape.paths[0].iterations, spacing)
    return lp.landscape_figure(landscape, labels, title, log_colour, frames, spacing, compact)


def controls_ui() -> dict:
    """Which plane, centred where, how fine a grid, how drawn; returns plain values."""
    a, b = st.columns(2)
    plane = a.radio(
        "Plane",
        list(PLANES),
        format_func=PLANES.get,
        horizontal=True,
        key="train_landscape_plane",
        help="The plane of the path: its first two principal components (Li et al. "
        "2018). A random plane: two random directions, each neuron's row scaled to "
        "that row's size in the centre's weights (filter normalisation).",
    )
    centre = b.radio(
        "Centre (0, 0)",
        list(CENTRES),
        format_func=CENTRES.get,
        horizontal=True,
        key="train_landscape_centre",
    )
    c, d, e, f = st.columns(4)
    resolution = c.selectbox(
        "Grid", RESOLUTIONS, index=1, format_func=lambda n: f"{n} x {n}", key="train_landscape_grid"
    )
    spacing = d.radio(
        "Frames",
        list(SPACINGS),
        format_func=SPACINGS.get,
        horizontal=True,
        key="train_landscape_spacing",
        help="The same frames as the Replay tab.",
    )
    log_colour = e.toggle("Log colour scale", value=True, key="train_landscape_log")
    three_d = f.toggle("3D surface", value=False, key="train_landscape_3d")
    seed = 0
    if plane == "random":
        seed = int(
            st.number_input(
                "Seed of the random directions", 0, 9_999, 0, step=1, key="train_landscape_seed"
            )
        )
    return {
        "plane": plane,
        "centre": centre,
        "seed": seed,
        "resolution": resolution,
        "spacing": spacing,
        "log_colour": log_colour,
        "three_d": three_d,
    }


def plane_caption(landscape: Landscape, choice: dict) -> str:
    """One line saying what the two axes are."""
    centre = CENTRES[choice["centre"]].lower()
    if landscape.plane.explained is None:
        return (
            f"Two random directions (seed {choice['seed']}), each neuron's row scaled to its "
            f"size in the {centre}; (0, 0) is the {centre}. A random plane rarely holds "
            "the path: see how far off it the weights are, below."
        )
    pc1, pc2 = (100 * landscape.plane.explained).tolist()
    return (
        f"The two directions in which the weights moved most: PC1 holds {pc1:.1f}% of the "
        f"path's variance, PC2 {pc2:.1f}% (together {pc1 + pc2:.1f}%); (0, 0) is the "
        f"{centre}."
    )


def landscape_ui(result: TrainResult, settings: TrainingSettings) -> None:
    """The whole tab: controls, the map, start from a point, honesty, runs side by side."""
    st.markdown(
        f"The training error Error_total = {ERROR_TEXT} of the {settings.network_name} "
        "network over a plane through its "
        f"{sum(W.size for W in result.weights)} weights, and the path gradient descent took "
        "on it. Low is dark. Press ▶ Play to walk the path with the replay's frames; click "
        "the map (or type α and β) to start the Step tab from there."
    )
    choice = controls_ui()
    key = (choice["plane"], choice["centre"], choice["seed"], choice["resolution"])
    compact = on_a_phone()
    view = (choice["log_colour"], choice["three_d"], choice["spacing"], compact)
    where = "the plane of the path" if choice["plane"] == "pca" else "a random plane"
    title = f"Error surface<br><sup>on {where}, centred at the {choice['centre']}</sup>"
    try:
        with st.spinner("Computing the surface…"):
            landscape = landscape_cached((settings,), *key)
            figure = map_figure_cached(
                (settings,), key, (f"lr {settings.learning_rate:g}",), title, view
            )
    except ValueError as error:  # e.g. weights that are no longer finite
        st.error(f"Could not draw the landscape of this run: {error}")
        return
    st.caption(plane_caption(landscape, choice))
    if choice["three_d"]:
        st.plotly_chart(figure, key="train_landscape_3d_chart", theme=None, config=CHART_CONFIG)
    else:
        event = st.plotly_chart(
            figure,
            key="train_landscape_map",
            theme=None,
            on_select="rerun",
            selection_mode="points",
            config=CHART_CONFIG,
        )
        take_pick(event)
    start_here_ui(landscape, settings)
    honesty_ui(landscape, result, choice["spacing"], compact)
    downloads_ui(landscape)
    runs_ui(settings, choice, compact)


def take_pick(event) -> None:
    """A point clicked on the map becomes the α and β below (once per new click)."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return
    state.take_pick(Pick(round(float(points[0]["x"]), 4), round(float(points[0]["y"]), 4)))


def start_here(settings: TrainingSettings, weights: list[np.ndarray], text: str) -> None:
    """Callback: the Step tab starts from these weights, and opens."""
    state.set_stepper(Stepper(settings, 0, [W.copy() for W in weights]))
    state.open_tab(STEP_TAB)
    st.toast(text, icon=":material/my_location:")


def start_here_ui(landscape: Landscape, settings: TrainingSettings) -> None:
    """α and β (typed, or picked on the map), the error there, and a button to step from there."""
    st.markdown("**Start from here**: click the map, or type a point of the plane.")
    state.default_widgets(dict.fromkeys(state.PICKS, 0.0))
    a, b, c = st.columns(3)
    limits = {"min_value": -1_000.0, "max_value": 1_000.0, "step": 0.1, "format": "%.4f"}
    alpha = a.number_input("α", key=state.PICKS[0], **limits)
    beta = b.number_input("β", key=state.PICKS[1], **limits)
    error = landscape.error_at(alpha, beta)
    c.metric("Error at this point", f"{error:.4e}")
    theta = landscape.plane.points(np.array([alpha, beta]))
    weights = unflatten(theta, settings.layers)
    text = f"The Step tab starts at α = {alpha:.4g}, β = {beta:.4g}: error {error:.4e}."
    st.button(
        "Start the Step tab here",
        key="train_landscape_start",
        icon=":material/my_location:",
        on_click=start_here,
        args=(settings, weights, text),
        help="Gradient descent by hand from these weights, at this run's learning rate.",
    )


def honesty_ui(landscape: Landscape, result: TrainResult, spacing: str, compact: bool) -> None:
    """Per frame: the map's error at the dot against the run's error, and the residual."""
    frames = landscape.paths[0].take(frame_indices(result.snapshot_iterations, spacing))
    st.plotly_chart(
        lp.projection_figure(frames, spacing, compact),
        key="train_landscape_honesty",
        theme=None,
        config=CHART_CONFIG,
    )
    exact = int(np.sum(frames.residuals < 1e-9))
    st.caption(
        f"The dot is the shadow of {landscape.plane.centre.size} weights on a plane: where "
        "the distance off the plane is 0, the map's error at the dot is the run's own error; the "
        f"further off, the less the map tells. Here {exact} of {len(frames.iterations)} frames "
        "lie on the plane."
    )


def downloads_ui(landscape: Landscape) -> None:
    """The grid and the path as CSV (the camera icon on each chart saves a PNG)."""
    a, b = st.columns(2)
    a.download_button(
        "Surface (CSV)",
        lp.surface_csv(landscape.surface),
        "landscape_surface.csv",
        "text/csv",
        key="train_landscape_csv",
        icon=":material/download:",
    )
    b.download_button(
        "Path (CSV)",
        lp.path_csv(landscape.paths[0]),
        "landscape_path.csv",
        "text/csv",
        key="train_landscape_path_csv",
        icon=":material/download:",
    )


def same_network(runs: list[TrainingSettings], settings: TrainingSettings) -> list:
    """The runs that share this run's weight space and error (layers and activation)."""
    return [
        s
        for s in runs
        if s != settings and (s.layers, s.activation) == (settings.layers, settings.activation)
    ]


def pin_presets_ui(settings: TrainingSettings) -> None:
    """One button pinning the four learning-rate presets (this run's other settings)."""
    pinned = pinned_runs()
    missing = [
        TrainingSettings(**(settings.as_dict() | {"learning_rate": p.learning_rate}))
        for p in PRESETS
    ]
    missing = [s for s in missing if s != settings and s not in [r.settings for r in pinned]]
    room = MAX_PINNED - len(pinned)
    rates = ", ".join(f"{p.learning_rate:g}" for p in PRESETS)
    if not st.button(
        f"Pin the four learning-rate presets ({rates})",
        key="train_landscape_pin",
        icon=":material/push_pin:",
        disabled=not missing or room < len(missing),
        help=None
        if room >= len(missing)
        else f"At most {MAX_PINNED} pinned runs: unpin some in Compare runs.",
    ):
        return
    bar = st.progress(0.0, text="Training the presets…")
    for k, run in enumerate(missing):
        state.pin(PinnedRun(run, train_cached(run).losses.copy()))
        bar.progress((k + 1) / len(missing), text=f"Trained lr {run.learning_rate:g}")
    st.rerun()


def runs_ui(settings: TrainingSettings, choice: dict, compact: bool) -> None:
    """This run and the pinned runs of the same network, on the plane of all their paths."""
    st.subheader("Runs side by side")
    pin_presets_ui(settings)
    others = same_network([run.settings for run in pinned_runs()], settings)
    if not others:
        st.caption(
            "Pin runs (here, or in Compare runs) to draw their paths on one shared plane. "
            "Runs of another network shape or activation live in another weight space."
        )
        return
    runs = (settings, *others)
    labels = differences(list(runs))
    labels = (f"now: {labels[0]}", *labels[1:])
    key = ("pca", choice["centre"], 0, choice["resolution"])
    view = (choice["log_colour"], choice["three_d"], choice["spacing"], compact)
    title = "Runs on one shared plane<br><sup>the principal components of all their paths</sup>"
    try:
        with st.spinner("Training the pinned runs and computing their shared surface…"):
            shared = landscape_cached(runs, *key)
            figure = map_figure_cached(runs, key, labels, title, view)
    except ValueError as error:
        st.error(f"Could not draw the pinned runs on one plane: {error}")
        return
    pc1, pc2 = (100 * shared.plane.explained).tolist()
    start = " from the same start" if len({(s.seed, s.init_scale) for s in runs}) == 1 else ""
    st.caption(
        f"{len(runs)} runs{start}; the plane holds the directions in which all "
        f"their weights moved most (PC1 {pc1:.1f}%, PC2 {pc2:.1f}% of their variance). "
        "○ start, □ end, ☆ the lowest error each run reached."
    )
    st.plotly_chart(figure, key="train_landscape_runs", theme=None, config=CHART_CONFIG)
