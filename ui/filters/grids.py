"""VGG16 filters page: finding a grid, drawing it, its tile picker, and the comparison tabs.

A grid is shown at once when it ships with the app or is stored; otherwise only a button
press renders it, in the background (``ui.filters.jobs``), while the page stays usable: a
fragment polls the render where the grid will be and reruns the page once it is done.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.filters.ascent import METHODS
from core.filters.estimate import about
from core.filters.grid import FilterGrid, planned_cost
from core.filters.model import DOCUMENT_LAYERS
from core.filters.plots import grid_figure, loss_curve_figure, tile_figure
from core.filters.settings import GridSettings
from core.filters.store import png_bytes
from ui.filters import jobs
from ui.filters.controls import Controls
from ui.filters.weights import Network, Weights, load_network, show_load_error

LAYER_NOTES = {
    "block1_conv1": "colours and simple gradients: one 3x3 look at raw pixels",
    "block2_conv2": "edges and lines at a few orientations",
    "block3_conv3": "textures: repeated strokes, dots and grids",
    "block4_conv3": "larger motifs: scales, waves, eye- and fur-like patterns",
    "block5_conv3": "abstract object parts, hard to name",
}
# Makes every grid chart as wide as its column and square, but never taller than the screen:
# a 1920 px projector shows it large above the fold, a 390 px phone shows all of it.
GRID_CSS = """<style>
[class*="st-key-filters_box_"] {
  width: min(100%, calc(100vh - 440px)); aspect-ratio: 1 / 1; margin: 0 auto;
}
[class*="st-key-filters_box_"] [data-testid="stPlotlyChart"] { height: 100%; }
</style>"""
# What the Fourier column shows, measured per layer (bench/bench_fourier.py).
FOURIER_NOTES = {
    "block1_conv1": "Each filter here sees 3x3 pixels, so its mean activation is almost linear "
    "in the picture: the Fourier pictures are one filter's colour spread over the tile, or a "
    "fine texture for edge filters, not shapes (learning rate 0.01 on this layer: the usual "
    "0.05 drives the colours into white). Filters that never fire on its mid-grey start "
    "stay grey.",
}
FOURIER_DEEPER = (
    "The Fourier pictures show larger patterns, in stronger colour, than the document's "
    "grey-noise ones."
)
HOW_TO_LOWER = "fewer steps, a smaller image size, fewer candidates (M) or a smaller grid"
ASKED_KEY = "filters_asked"


@st.cache_resource(show_spinner=False, max_entries=16)
def grid_chart(key: str, _grid: FilterGrid):
    """The grid's chart, built once per grid for every session that shows it."""
    return grid_figure(_grid)


def ask(place: str, settings: GridSettings) -> None:
    """A button of ``place`` was pressed for ``settings``: its renders may start (once each)."""
    st.session_state[ASKED_KEY] = {"place": place, "settings": settings, "tried": set()}


def may_start(place: str, settings: GridSettings, key: str) -> bool:
    """Whether ``place``'s last press asked for ``settings`` and ``key`` was not tried yet."""
    asked = st.session_state.get(ASKED_KEY)
    return (
        asked is not None
        and asked["place"] == place
        and asked["settings"] == settings
        and key not in asked["tried"]
    )


class Source:
    """Where this run's grids come from: the weights chosen, the network loaded on first need.

    Load errors are shown in ``messages`` (top of the page), wherever the network is needed.
    """

    def __init__(self, weights: Weights, messages=None) -> None:
        self.weights = weights
        self.messages = messages
        self._network: Network | None = None

    def network(self) -> Network:
        if self._network is None:
            self._network = load_network(self.weights)
            with self.messages or st.container():
                show_load_error(self._network, self.weights)
        return self._network

    def loaded(self) -> Network | None:
        """The network, if this run needed it (None: nothing was loaded)."""
        return self._network

    def shipped(self, settings: GridSettings) -> Shown | None:
        """The shipped grid for ``settings`` if these weights made it (no render)."""
        if self.weights.kind == "imagenet":
            found = jobs.shipped(settings)
            label = "ImageNet"
        elif self.weights.kind in ("file", "upload") and settings in jobs.shipped_index():
            network = self.network()  # a local file: its weights hash says if they are the same
            if network.error:
                return None
            found = jobs.shipped(settings, network.weights_key, self.weights.label)
            label = f"{network.label} (ImageNet)"
        else:
            return None
        if found is None:
            return None
        key = "shipped_" + settings.key("imagenet", "float32")
        return Shown(found[0], key, label, found[1])

    def instant(self, settings: GridSettings) -> bool:
        """Whether a grid is shipped for ``settings`` with these weights (no render)."""
        return self.shipped(settings) is not None


@dataclass(frozen=True)
class Shown:
    """A grid ready to draw: the grid, its cache key, the network that made it, how."""

    grid: FilterGrid
    key: str
    label: str
    note: str = ""


def network_label(network: Network) -> str:
    """What made a grid, in words: ImageNet, a file's name, or the untrained network."""
    return "untrained (random weights)" if network.label == "untrained" else network.label


def lookup(source: Source, settings: GridSettings) -> Shown | None:
    """The grid for ``settings`` if it can be shown now: shipped, stored, or just rendered."""
    found = source.shipped(settings)
    if found is not None:
        return found
    network = source.network()
    visualizer = network.visualizer
    key = settings.key(network.weights_key, visualizer.compute_dtype)
    grid = jobs.stored(key)
    if grid is None:
        return None
    # One line on the arithmetic: float32, or bfloat16 where this CPU runs it natively.
    compute = visualizer.compute
    reason = compute.reason if compute is not None else visualizer.compute_dtype
    return Shown(grid, key, network_label(network), f"Compute: {reason}.")


def follow(source: Source, settings: GridSettings, place: str, asked: GridSettings) -> bool:
    """Where a grid that cannot be shown yet will be: its render's progress (joined, or
    started if ``place``'s button asked for ``asked``), why it stopped, or what to press.

    Returns:
        Whether a render is under way here.
    """
    network = source.network()
    key = settings.key(network.weights_key, network.visualizer.compute_dtype)
    title = f"{settings.layer} · {network_label(network)}"
    me = jobs.visitor()
    job = jobs.join(me, key)
    if job is None and may_start(place, asked, key):
        problem = jobs.work_problem(planned_cost(settings), "This grid", HOW_TO_LOWER)
        if problem:
            st.warning(problem)
            return False
        st.session_state[ASKED_KEY]["tried"].add(key)
        job = jobs.request(me, network.visualizer, settings, key, title)
    if job is not None:
        progress(key, title, me)
        return True
    ended = jobs.job_of(key)
    if ended is not None and ended.error:
        st.error(f"Cannot render this grid: {ended.error}")
    elif ended is not None and ended.stopped:
        st.info(f"The render of {title} stopped before its end: {ended.stopped}.")
    return False


@st.fragment(run_every=jobs.POLL_S)
def progress(key: str, title: str, me: str) -> None:
    """The render's progress and its finished tiles, refreshed every second; the whole page
    runs again once it has ended (to draw the grid, or say why there is none)."""
    job = jobs.job_of(key)
    if job is None or not job.live:
        st.rerun()
    job.beat(me)  # this page still waits for it
    st.progress(*jobs.progress_text(job, title))
    picture = jobs.partial(job)
    if picture is not None:  # at most 480 px, and never wider than a phone's column
        st.image(picture, caption="Filling in as batches finish ...", width="content")


def draw_grid(shown: Shown, title: str, place: str, clickable: bool = False) -> None:
    """The grid as a square chart that fits the screen, with what it is made of.

    ``place`` names where on the page it is drawn (one grid may appear in several tabs).
    """
    grid, settings = shown.grid, shown.grid.settings
    # The title outside the figure: every pixel of the square goes to the tiles.
    st.markdown(f"**{title}**")
    figure = grid_chart(shown.key, grid)
    st.html(GRID_CSS)
    with st.container(key=f"filters_box_{place}_{shown.key}"):
        chart_key = f"filters_grid_{place}_{shown.key}"
        select = {"on_select": "rerun", "selection_mode": "points"} if clickable else {}
        st.plotly_chart(
            figure, key=chart_key, height="stretch", config={"responsive": True}, **select
        )
    missing = grid.n**2 - len(grid.filter_indices)
    if missing > 0:  # below the grid, so that the grid never moves
        ranked = f" of the {grid.candidates} ranked" if "candidates" in settings else ""
        tiles = "tile stays" if missing == 1 else "tiles stay"
        st.warning(
            f"Only {len(grid.filter_indices)} filters{ranked} respond (loss > 0 at "
            f"every step): {missing} {tiles} black. Rank more candidates (M) or "
            "choose a smaller grid to fill it."
        )
    silent = [
        int(f)
        for f, h in zip(grid.filter_indices, grid.loss_history, strict=True)
        if h.size and not (h > 0).any()
    ]
    if silent and "candidates" not in settings:  # chosen filters: none is dropped
        ids = ", ".join(f"#{f}" for f in silent)
        st.caption(
            f"{ids} never fired (mean activation 0 at every step, so its gradient is 0): "
            "those tiles stay at the starting picture."
        )
    shown_ids = ", ".join(f"#{i}" for i in grid.filter_indices)
    st.caption(
        f"Filters shown, best first: {shown_ids}. {grid.image_steps:,} image-steps. "
        f"Network: {shown.label}. {shown.note}"
    )


def grid_area(source: Source, controls: Controls) -> None:
    """The Render button and what it says, then the grid of the controls: shown at once when
    it ships or is stored, else its render's progress or nothing (never another grid)."""
    settings, problem = controls.settings, controls.problem()
    button, hint = st.columns([1, 3], vertical_alignment="center")
    over = "" if problem else jobs.work_problem(planned_cost(settings), "This grid", HOW_TO_LOWER)
    pressed = button.button(
        "Render grid", type="primary", key="filters_render", disabled=bool(problem or over)
    )
    if problem:
        hint.error(problem)
        return
    if over:
        hint.warning(over)
        return
    if pressed:
        ask("grid", settings)
    shown = lookup(source, settings)
    if shown is not None:
        st.session_state["filters_drawn"] = True
        draw_grid(shown, f"{settings.layer} · {shown.label}", "main", clickable=True)
        if len(shown.grid.filter_indices):
            grid_details(shown)
        return
    if not follow(source, settings, "grid", settings):
        changed = "The controls changed: press" if "filters_drawn" in st.session_state else "Press"
        hint.markdown(
            f"{changed} **Render grid** to draw {settings.layer} with these settings "
            f"(up to {planned_cost(settings):,} image-steps at 128 px){how_long(source, settings)}."
        )


def how_long(source: Source, settings: GridSettings) -> str:
    """ ": about 70 s on this server (measured ...)", or "" while nothing measured it."""
    found = jobs.estimate(source.network().visualizer, settings)
    if found is None:
        return ""
    seconds, pace = found
    return f": **{about(seconds)}** on this server ({pace.basis()})"


def grid_details(shown: Shown) -> None:
    """Download, tile picker (also set by clicking a tile of this grid) and its loss curve."""
    grid, key = shown.grid, shown.key
    st.download_button(
        f"Download {grid.png_name}",
        lambda: png_bytes(grid.image),
        file_name=grid.png_name,
        mime="image/png",
        key=f"filters_download_{key}",
    )
    labels = [
        f"filter {f} (activation {loss:.2f})"
        for f, loss in zip(grid.filter_indices, grid.losses, strict=True)
    ]
    # Keyed by the grid: a choice made on another grid never carries over to this one.
    tile_key, click_key = f"filters_tile_{key}", f"filters_click_{key}"
    points = (st.session_state.get(f"filters_grid_main_{key}") or {}).get("selection", {})
    picked = next(
        (p.get("customdata") for p in points.get("points", []) if p.get("customdata") is not None),
        None,
    )
    if picked is not None and picked != st.session_state.get(click_key):
        st.session_state[click_key] = picked  # a new click moves the picker once
        if 0 <= int(picked) < len(labels):
            st.session_state[tile_key] = int(picked)
    tile = st.selectbox(
        "Tile to enlarge (or click a tile)",
        range(len(labels)),
        format_func=labels.__getitem__,
        key=tile_key,
    )
    f = int(grid.filter_indices[tile])
    c1, c2 = st.columns(2)
    c1.plotly_chart(
        tile_figure(grid.tiles[tile], f"{grid.layer}, filter {f}"),
        key="filters_tile_big",
    )
    c2.plotly_chart(loss_curve_figure(grid.loss_history[tile], f), key="filters_tile_curve")


def _asked(name: str, settings: GridSettings, label: str, instant: bool) -> bool:
    """Whether this comparison is to be drawn: instant, or its button pressed for ``settings``."""
    if instant or st.session_state.get(name) == settings:
        return True
    if st.button(label, key=name + "_button"):
        st.session_state[name] = settings
        ask(name, settings)
        return True
    return False


def comparison(
    source: Source,
    settings: GridSettings,
    name: str,
    asked: GridSettings,
    busy: list[bool],
    beside: Shown | None = None,
):
    """One grid of a comparison: drawn, under way, or waiting for the one before it.

    ``busy`` is a one-item list: whether an earlier grid of this comparison is under way (one
    render per visitor, so the next starts when it is done). ``beside``: the grid it is compared
    with, whose network it must share. Returns the grid or None.
    """
    shown = lookup(source, settings)
    if shown is not None:
        return shown
    if beside is not None and network_label(source.network()) not in beside.label:
        st.info(
            f"Not drawn: it would come from the {network_label(source.network())} network, "
            f"not from {beside.label} like the grid beside it (see the top of the page)."
        )
        return None
    if busy[0]:
        st.caption("Drawn when the grid before it is done.")
        return None
    busy[0] = follow(source, settings, name, asked)
    if not busy[0] and not may_start(name, asked, ""):
        st.caption("Not drawn yet: press the button above.")
    return None


def methods_tab(source: Source, controls: Controls) -> None:
    """The document's method and the Fourier image on the same filters, in the same order."""
    first = controls.settings.with_method("seed")
    st.markdown(
        "The same layer and filters with the document's method and with the Fourier "
        "parameterisation (Adam on a decorrelated spectrum, jittered each step; "
        f"{METHODS['fourier'].steps} steps). " + FOURIER_NOTES.get(first.layer, FOURIER_DEEPER)
    )
    found = source.shipped(first)
    instant = found is not None and source.instant(
        first.with_filters(found.grid.filter_indices, "fourier")
    )
    if not _asked("filters_methods", first, "Render both methods", instant):
        return
    busy = [False]
    cols = st.columns(2)
    with cols[0]:
        shown = comparison(source, first, "filters_methods", first, busy)
        if shown is not None:
            draw_grid(shown, f"{first.layer} · {METHODS['seed'].label} · {shown.label}", "methods")
    if shown is None or not len(shown.grid.filter_indices):
        return
    second = first.with_filters(shown.grid.filter_indices, "fourier")
    with cols[1]:
        other = comparison(source, second, "filters_methods", first, busy, shown)
        if other is not None:
            title = f"{second.layer} · {METHODS['fourier'].label} · {other.label}"
            draw_grid(other, title, "methods")


def layers_tab(source: Source, controls: Controls) -> None:
    """The document's five layers, shallow to deep, side by side (stacked on a phone), each
    ranking the page's M capped at its own size."""
    st.markdown(
        "The document's sequence, shallow to deep, with the current settings (each "
        "layer ranks the page's M, or all its filters if it has fewer)."
    )
    layers = [controls.for_layer(layer) for layer in DOCUMENT_LAYERS]
    instant = all(source.instant(s) for s in layers)
    if not _asked("filters_layers", controls.settings, "Render the five layers", instant):
        return
    busy = [False]
    for s, column in zip(layers, st.columns(len(layers), gap="small"), strict=True):
        with column:
            st.markdown(f"**{s.layer}**: {LAYER_NOTES[s.layer]}")
            if s.problem():
                st.info(s.problem())
                continue
            shown = comparison(source, s, "filters_layers", controls.settings, busy)
            if shown is not None:
                draw_grid(shown, f"{s.layer} · {shown.label}", "layers")


def trained_tab(source: Source, controls: Controls) -> None:
    """The chosen weights and random ones on the same filters, in the same order."""
    st.markdown(
        "The same layer and filters with trained and with random weights: training is "
        "what turns noise into patterns."
    )
    if source.weights.kind == "untrained":
        st.info("Choose trained weights (ImageNet or a weights file) in the sidebar to compare.")
        return
    settings = controls.settings
    if not _asked("filters_trained", settings, "Render trained vs untrained", False):
        return
    if source.network().error:
        st.info("The trained weights did not load (see the top of the page): nothing to compare.")
        return
    busy = [False]
    cols = st.columns(2)
    with cols[0]:
        shown = comparison(source, settings, "filters_trained", settings, busy)
        if shown is not None:
            draw_grid(shown, f"{settings.layer} · {shown.label}", "trained")
    if shown is None or not len(shown.grid.filter_indices):
        return
    second = settings.with_filters(shown.grid.filter_indices)
    with cols[1]:
        untrained = Source(Weights("untrained", "untrained"), source.messages)
        other = comparison(untrained, second, "filters_trained", settings, busy)
        if other is not None:
            draw_grid(other, f"{second.layer} · {other.label}", "trained")
