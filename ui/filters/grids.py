"""VGG16 filters page: the main grid: its Render button, following its render, drawing it.

A grid is shown at once when it ships with the app or is stored (``ui.filters.sources``);
otherwise only a button
press renders it, in the background (``ui.filters.jobs``), while the page stays usable: a
fragment polls the render where the grid will be and reruns the page once it is done.
"""

from __future__ import annotations

import streamlit as st

from core.filters.estimate import about
from core.filters.grid import planned_cost
from core.filters.plots import loss_curve_figure, tile_figure
from core.filters.settings import GridSettings
from core.filters.store import png_bytes
from ui.filters import jobs, state
from ui.filters.charts import grid_chart
from ui.filters.controls import Controls
from ui.filters.environment import POLL_S, work_problem
from ui.filters.sources import Shown, Source, lookup, network_label

# Makes every grid chart as wide as its column and square, but never taller than the screen:
# a 1920 px projector shows it large above the fold, a 390 px phone shows all of it.
GRID_CSS = """<style>
[class*="st-key-filters_box_"] {
  width: min(100%, calc(100vh - 440px)); aspect-ratio: 1 / 1; margin: 0 auto;
}
[class*="st-key-filters_box_"] [data-testid="stPlotlyChart"] { height: 100%; }
</style>"""
HOW_TO_LOWER = "fewer steps, a smaller image size, fewer candidates (M) or a smaller grid"


def follow(source: Source, settings: GridSettings, place: str, asked: GridSettings) -> bool:
    """Where a grid that cannot be shown yet will be: its render's progress (joined, or
    started if ``place``'s button asked for ``asked``), why it stopped, or what to press.

    Returns:
        Whether a render is under way here.
    """
    network = source.network()
    key = settings.key(network.weights_key, network.visualizer.compute_dtype)
    title = f"{settings.layer} · {network_label(network)}"
    me = state.visitor()
    job = jobs.join(me, key)
    if job is None and state.may_start(place, asked, key):
        problem = work_problem(planned_cost(settings), "This grid", HOW_TO_LOWER)
        if problem:
            st.warning(problem)
            return False
        state.tried(key)
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


@st.fragment(run_every=POLL_S)
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
    figure = grid_chart(grid)
    st.html(GRID_CSS)
    with st.container(key=state.grid_box_key(place, shown.key)):
        chart_key = state.grid_chart_key(place, shown.key)
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
    over = "" if problem else work_problem(planned_cost(settings), "This grid", HOW_TO_LOWER)
    pressed = button.button(
        "Render grid", type="primary", key=state.RENDER, disabled=bool(problem or over)
    )
    if problem:
        hint.error(problem)
        return
    if over:
        hint.warning(over)
        return
    if pressed:
        state.ask("grid", settings)
    shown = lookup(source, settings)
    if shown is not None:
        state.put(state.DRAWN, True)
        draw_grid(shown, f"{settings.layer} · {shown.label}", "main", clickable=True)
        if len(shown.grid.filter_indices):
            grid_details(shown)
        return
    if not follow(source, settings, "grid", settings):
        changed = "The controls changed: press" if state.has(state.DRAWN) else "Press"
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
        key=state.download_key(key),
    )
    labels = [
        f"filter {f} (activation {loss:.2f})"
        for f, loss in zip(grid.filter_indices, grid.losses, strict=True)
    ]
    # Keyed by the grid: a choice made on another grid never carries over to this one.
    tile_key, click_key = state.tile_key(key), state.click_key(key)
    points = state.selected_points(state.grid_chart_key("main", key))
    picked = next((p["customdata"] for p in points if p.get("customdata") is not None), None)
    if picked is not None and picked != state.get(click_key):
        state.put(click_key, picked)  # a new click moves the picker once
        if 0 <= int(picked) < len(labels):
            state.put(tile_key, int(picked))
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
