"""VGG16 filters page: finding a grid, drawing it, its tile picker, and the comparison tabs."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core.filters.ascent import METHODS
from core.filters.grid import FilterGrid
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


@st.cache_resource(show_spinner=False, max_entries=16)
def grid_chart(key: str, _grid: FilterGrid):
    """The grid's chart, built once per grid for every session that shows it."""
    return grid_figure(_grid)


class Source:
    """Where this run's grids come from: the weights chosen, the network loaded on first need."""

    def __init__(self, weights: Weights) -> None:
        self.weights = weights
        self._network: Network | None = None

    def network(self) -> Network:
        if self._network is None:
            self._network = load_network(self.weights)
            show_load_error(self._network, self.weights)
        return self._network

    def instant(self, settings: GridSettings) -> bool:
        """Whether a grid is shipped for ``settings`` (no model, no render)."""
        return self.weights.kind == "imagenet" and jobs.shipped(settings) is not None


@dataclass(frozen=True)
class Shown:
    """A grid ready to draw: the grid, its cache key, the weights' label, how it was made."""

    grid: FilterGrid
    key: str
    label: str
    note: str = ""


def fetch(source: Source, settings: GridSettings, title: str) -> Shown | None:
    """The grid for ``settings``: shipped, stored, or rendered (with progress); None on error."""
    if source.weights.kind == "imagenet":
        found = jobs.shipped(settings)
        if found is not None:
            key = "shipped_" + settings.key("imagenet", "float32")
            return Shown(found[0], key, "ImageNet", found[1])
    network = source.network()
    visualizer = network.visualizer
    key = settings.key(network.weights_key, visualizer.compute_dtype)
    grid = jobs.stored(key)
    if grid is None:
        job = jobs.start_or_join(visualizer, settings, key)
        jobs.wait_for(job, title)
        if job.error:
            st.error(f"Cannot render this grid: {job.error}")
            return None
        grid = job.grid
    # One line on the arithmetic: float32, or bfloat16 where this CPU runs it natively.
    compute = visualizer.compute
    reason = compute.reason if compute is not None else visualizer.compute_dtype
    return Shown(grid, key, network.label, f"Compute: {reason}.")


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
    shown_ids = ", ".join(f"#{i}" for i in grid.filter_indices)
    st.caption(
        f"Filters shown, best first: {shown_ids}. {grid.image_steps:,} image-steps. {shown.note}"
    )


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
        tile_figure(grid.tiles[tile], f"{grid.layer}, filter {f}"), key="filters_tile_big"
    )
    c2.plotly_chart(loss_curve_figure(grid.loss_history[tile], f), key="filters_tile_curve")


def _asked(name: str, settings: GridSettings, label: str, instant: bool) -> bool:
    """Whether this comparison is to be drawn: instant, or its button pressed for ``settings``."""
    if instant or st.session_state.get(name) == settings:
        return True
    if st.button(label, key=name + "_button"):
        st.session_state[name] = settings
        return True
    return False


def methods_tab(source: Source, controls: Controls) -> None:
    """The document's method and the Fourier image on the same filters, in the same order."""
    st.markdown(
        "The same layer and filters with the document's method and with the Fourier "
        "parameterisation (more steps, far less noise)."
    )
    first = controls.settings.with_method("seed")
    found = jobs.shipped(first) if source.weights.kind == "imagenet" else None
    instant = found is not None and source.instant(
        first.with_filters(found[0].filter_indices, "fourier")
    )
    if not _asked("filters_methods", first, "Render both methods", instant):
        return
    cols = st.columns(2)
    with cols[0]:
        shown = fetch(source, first, METHODS["seed"].label)
        if shown is not None:
            draw_grid(shown, f"{first.layer} · {METHODS['seed'].label}", "methods")
    if shown is None or not len(shown.grid.filter_indices):
        return
    second = first.with_filters(shown.grid.filter_indices, "fourier")
    with cols[1]:
        other = fetch(source, second, METHODS["fourier"].label)
        if other is not None:
            draw_grid(other, f"{second.layer} · {METHODS['fourier'].label}", "methods")


def layers_tab(source: Source, controls: Controls) -> None:
    """The document's five layers, shallow to deep, each ranking M capped at its own size."""
    st.markdown(
        "The document's sequence, shallow to deep, with the current settings (each "
        "layer ranks the page's M, or all its filters if it has fewer)."
    )
    layers = [controls.for_layer(layer) for layer in DOCUMENT_LAYERS]
    instant = all(source.instant(s) for s in layers)
    if not _asked("filters_layers", controls.settings, "Render the five layers", instant):
        return
    for s in layers:
        st.markdown(f"**{s.layer}**: {LAYER_NOTES[s.layer]}")
        if s.problem():
            st.info(s.problem())
            continue
        shown = fetch(source, s, s.layer)
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
    cols = st.columns(2)
    with cols[0]:
        shown = fetch(source, settings, "trained")
        if shown is not None:
            draw_grid(shown, f"{settings.layer} · {shown.label}", "trained")
    if shown is None or not len(shown.grid.filter_indices):
        return
    second = settings.with_filters(shown.grid.filter_indices)
    with cols[1]:
        other = fetch(Source(Weights("untrained", "untrained")), second, "untrained")
        if other is not None:
            draw_grid(other, f"{second.layer} · untrained", "trained")
