"""VGG16 filters: what each filter of a trained network responds to, by gradient ascent."""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import streamlit as st

from core.filters.ascent import Progress, default_step_size, default_steps
from core.filters.grid import FilterGrid, parse_indices, stitch
from core.filters.model import (
    CONV_LAYERS,
    DOCUMENT_LAYERS,
    WEIGHTS_ENV,
    WeightsDownloadError,
    WeightsError,
    load_vgg16,
)
from core.filters.plots import grid_figure, loss_curve_figure, tile_figure
from core.filters.store import (
    GridSettings,
    cache_dir,
    grid_png,
    load_grid,
    prerender_dir,
    render,
    save_grid,
    weights_id,
)
from ui.app import ensure_app_navigation
from ui.common import cached_figure, one_at_a_time
from ui.filters_pictures import pictures_tab

ensure_app_navigation()  # a deep link on a fresh server still gets the app's navigation

WEIGHT_CHOICES = ("ImageNet (Keras download)", "Local weights file", "Untrained (random weights)")
METHOD_LABELS = {
    "seed": "Document: gradient ascent from grey noise",
    "fourier": "Fourier image + jitter (Distill / Lucid)",
}
SELECTION_LABELS = {
    "best": "Best of the first M (as the document)",
    "indices": "Explicit indices",
    "random": "Seeded random sample",
}
LAYER_NOTES = {
    "block1_conv1": "colours and simple gradients: one 3x3 look at raw pixels",
    "block2_conv2": "edges and lines at a few orientations",
    "block3_conv3": "textures: repeated strokes, dots and grids",
    "block4_conv3": "larger motifs: scales, waves, eye- and fur-like patterns",
    "block5_conv3": "abstract object parts, hard to name",
}
DOWNLOAD_HELP = (
    "Three ways forward: (1) run the app once on a machine with internet so Keras caches "
    "`~/.keras/models/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5`; (2) choose "
    f"**Local weights file** (or set `{WEIGHTS_ENV}`) and point at a copy of that file; "
    "(3) pre-render grids before the lecture with `python -m core.filters --all-layers "
    "--weights PATH` and the page serves them offline."
)


@st.cache_resource(show_spinner="Loading VGG16 ...", max_entries=4)
def get_model(weights: str | None) -> tuple[object | None, str, str]:
    """Load VGG16 once per process; returns (model, weights id, error message or "")."""
    try:
        model = load_vgg16(weights)
    except (WeightsDownloadError, WeightsError, FileNotFoundError) as error:
        return None, "", str(error)
    return model, weights_id(model), ""


@st.cache_data(show_spinner=False, max_entries=128)
def grid_for(settings: GridSettings, weights_key: str, _model) -> FilterGrid:
    """A grid from the pre-render folder, the disk cache, or computed (then saved to disk)."""
    key = settings.key(weights_key)
    found = load_grid([prerender_dir(), cache_dir()], key)
    if found is not None:
        return found
    bar = st.progress(0.0, text=f"{settings.layer}: starting ...")
    live = st.empty()
    started = time.perf_counter()

    def report(p: Progress) -> None:
        fraction = min(p.done / max(p.total, 1), 1.0)
        elapsed = time.perf_counter() - started
        left = elapsed / fraction * (1 - fraction) if fraction > 0 else float("nan")
        shown = 0 if p.finished is None else len(p.finished.filter_indices)
        bar.progress(
            fraction,
            text=f"{settings.layer} · {p.stage}: {p.done:,}/{p.total:,} image-steps, "
            f"{shown} filters done · about {left:.0f} s left",
        )
        if p.finished is not None and p.stage == "ascent":
            order = np.argsort(-p.finished.losses)[: settings.n**2]
            live.image(stitch(p.finished.images[order], settings.n, settings.margin),
                       caption="Filling in as batches finish ...", width=480)  # fmt: skip

    def queued() -> None:
        bar.progress(0.0, text=f"{settings.layer}: queued behind another grid being drawn ...")

    try:
        with one_at_a_time(queued):
            grid = render(_model, settings, report)
    finally:
        bar.empty()
        live.empty()
    with contextlib.suppress(OSError):  # a read-only disk only costs the cache across restarts
        save_grid(grid, cache_dir(), key)
    return grid


@st.cache_resource(show_spinner="Loading the uploaded weights ...", max_entries=2)
def get_uploaded_model(digest: str, name: str, _data: bytes) -> tuple[object | None, str, str]:
    """Load uploaded weights once per content; the bytes never stay on disk.

    They are written to a private temporary folder (readable by this process only), loaded,
    and deleted at once, so no other session can read them.
    """
    suffix = ".weights.h5" if name.endswith(".weights.h5") else ".h5"
    with tempfile.TemporaryDirectory(prefix="vgg16_upload_") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(_data)
        try:
            model = load_vgg16(path)
        except (WeightsError, FileNotFoundError) as error:
            return None, "", str(error).replace(path.name, name)
    return model, weights_id(model), ""


def weights_ui() -> tuple[str | None, str, tuple[str, str, bytes] | None]:
    """Sidebar: which weights.

    Returns:
        The weights argument for load_vgg16, its label, and an upload as (digest, file name,
        bytes) when the person uploaded a file (then the first item is "upload").
    """
    import os

    st.sidebar.subheader("Weights")
    env_path = os.environ.get(WEIGHTS_ENV, "")
    choice = st.sidebar.radio(
        "Network weights", WEIGHT_CHOICES, index=1 if env_path else 0, key="weights_choice",
        help="ImageNet needs internet once (Keras caches the 58 MB file).",
    )  # fmt: skip
    if choice == WEIGHT_CHOICES[2]:
        return None, "untrained", None
    if choice == WEIGHT_CHOICES[0]:
        return "imagenet", "ImageNet", None
    path = st.sidebar.text_input("Weights file path", value=env_path, key="weights_path")
    upload = st.sidebar.file_uploader("... or upload a .h5 weights file", type=["h5"])
    if upload is not None:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()[:16]
        return "upload", upload.name, (digest, upload.name, data)
    return (path.strip() or ""), Path(path.strip()).name or "local file", None


def settings_ui() -> GridSettings:
    """Main controls. Returns the settings the widgets describe."""
    c1, c2, c3 = st.columns(3)
    layer = c1.selectbox(
        "Layer", list(CONV_LAYERS), index=0, key="layer", on_change=_layer_changed,
        format_func=lambda name: f"{name} · {CONV_LAYERS[name]} filters",
    )  # fmt: skip
    n = c1.slider("Grid size (n x n)", 1, 8, 4, key="grid_n")
    method = c2.radio(
        "Method", list(METHOD_LABELS), format_func=METHOD_LABELS.get, key="method",
        on_change=_method_changed,
    )  # fmt: skip
    selection = c2.radio(
        "Which filters", list(SELECTION_LABELS), format_func=SELECTION_LABELS.get,
        key="selection",
    )  # fmt: skip
    count = CONV_LAYERS[layer]
    candidates, indices, sample_seed = min(200, count), (), 0
    if selection == "best":
        candidates = c2.number_input(
            "M: candidates ranked", min_value=1, max_value=count, value=min(200, count),
            key="candidates",
        )  # fmt: skip
    elif selection == "indices":
        text = c2.text_input("Filter indices", "0-3", key="indices", help="e.g. 0, 5, 9 or 3-7")
        try:
            indices = tuple(parse_indices(text))
        except ValueError as error:
            st.error(f"Filter indices: {error}")
            indices = ()
    else:
        sample_seed = c2.number_input("Sample seed", 0, 10_000, 0, key="sample_seed")
    steps = c3.number_input("Steps", 1, 512, default_steps(method), key="steps")
    step_size = c3.number_input(
        "Step size (Fourier: learning rate)", 0.001, 100.0, default_step_size(method),
        key="step_size", format="%.3f",
    )  # fmt: skip
    size = c3.select_slider("Image size (px)", [32, 64, 96, 128, 160, 192, 256], 128, key="size")
    return GridSettings(
        layer=layer, n=int(n), selection=selection, candidates=int(candidates), indices=indices,
        sample_seed=int(sample_seed), method=method, steps=int(steps),
        step_size=float(step_size), size=int(size),
    )  # fmt: skip


def _layer_changed() -> None:
    """A new layer ranks the document's 200 candidates again (or all it has)."""
    if "candidates" in st.session_state:  # only while its widget is on the page
        st.session_state["candidates"] = min(200, CONV_LAYERS[st.session_state["layer"]])


def _method_changed() -> None:
    method = st.session_state["method"]
    st.session_state["steps"] = default_steps(method)
    st.session_state["step_size"] = default_step_size(method)


def problem(settings: GridSettings) -> str:
    """Why these settings cannot make a grid, in words; "" when they can."""
    count = CONV_LAYERS[settings.layer]
    k = settings.n * settings.n
    if k > count:
        return f"A {settings.n}x{settings.n} grid needs {k} filters; {settings.layer} has {count}."
    if settings.selection == "best" and settings.candidates < k:
        return f"Rank at least {k} candidates to fill a {settings.n}x{settings.n} grid."
    if settings.selection == "indices":
        if not settings.indices:
            return "Type at least one valid filter index."
        if len(settings.indices) > k:
            return f"{len(settings.indices)} indices do not fit a {settings.n}x{settings.n} grid."
        bad = [i for i in settings.indices if i >= count]
        if bad:
            return f"Filter {bad[0]} does not exist: {settings.layer} has filters 0..{count - 1}."
    return ""


def show_grid(
    model, wkey: str, settings: GridSettings, label: str, key: str, clickable: bool = False
) -> FilterGrid | None:
    """Render (or fetch) a grid and draw it; errors become messages."""
    try:
        grid = grid_for(settings, wkey, model)
    except ValueError as error:
        st.error(f"Cannot render this grid: {error}")
        return None
    missing = settings.n**2 - len(grid.filter_indices)
    if missing > 0:
        st.warning(f"Only {len(grid.filter_indices)} filters responded (loss > 0); "
                   f"{missing} tiles stay black.")  # fmt: skip
    grid_key = settings.key(wkey)
    figure = cached_figure(("grid", grid_key, label), lambda: grid_figure(grid, label, height=560))
    if clickable:
        st.plotly_chart(figure, key=key, on_select="rerun", selection_mode="points")
    else:
        st.plotly_chart(figure, key=key)
    return grid


def main() -> None:
    st.title("VGG16 filters: what a trained network looks for")
    st.markdown(
        "Each picture is an input image grown by **gradient ascent** so that one filter of "
        "VGG16 fires as strongly as it can: it shows what that filter responds to. "
        "Shallow layers answer to colours and edges, deep layers to textures and object parts."
    )
    st.latex(
        r"x_0 = 128 + 20\,(u - 0.5),\quad \text{loss} = \operatorname{mean}_{i,j} A_{ijf}(x),"
        r"\quad x \leftarrow x + \eta\,\frac{\nabla_x \text{loss}}{\sqrt{\operatorname{mean}"
        r"(\nabla_x \text{loss})^2} + \epsilon}"
    )
    weights, label, upload = weights_ui()
    if weights == "":
        st.warning("Type the path of a weights file or upload one; showing the untrained "
                   "network meanwhile.")  # fmt: skip
        weights, label = None, "untrained"
    if upload is not None:
        model, wkey, error = get_uploaded_model(*upload)
    else:
        model, wkey, error = get_model(weights)
    if error:
        st.error(f"Could not load the weights: {error}")
        if weights == "imagenet":
            st.info(DOWNLOAD_HELP)
        if st.button("Retry loading", key="retry"):
            get_model.clear()
            st.rerun()
        st.warning("Showing the **untrained** network (random weights) instead.")
        model, wkey, _ = get_model(None)
        label = "untrained"
    if label == "untrained":
        st.caption(":orange[Untrained network: random weights, not what ImageNet taught it.]")
    else:
        st.caption(f"Weights: {label}")

    settings = settings_ui()
    reason = problem(settings)
    if reason:
        st.error(reason)
    elif st.button("Render grid", type="primary", key="render"):
        st.session_state["requested"] = settings
    elif "requested" not in st.session_state:
        st.session_state["requested"] = settings  # the first visit draws the default grid
    requested: GridSettings | None = st.session_state.get("requested")

    tab_grid, tab_methods, tab_layers, tab_trained, tab_picture = st.tabs(
        ["Grid", "Methods side by side", "Compare layers", "Trained vs untrained", "Your picture"]
    )
    with tab_grid:
        if requested is not None and requested != settings and not reason:
            st.caption("The controls changed: press **Render grid** to draw them.")
        if requested is not None and not problem(requested):
            title = f"{requested.layer} · {label}"
            grid = show_grid(model, wkey, requested, title, "grid_chart", clickable=True)
            if grid is not None and len(grid.filter_indices):
                grid_details(grid, requested.key(wkey))
    with tab_methods:
        st.markdown("The same layer and filters with the document's method and with the "
                    "Fourier parameterisation (more steps, far less noise).")  # fmt: skip
        if st.button("Render both methods", key="render_methods") and not reason:
            cols = st.columns(2)
            for col, method in zip(cols, ("seed", "fourier"), strict=True):
                with col:
                    s = replace(settings, method=method, steps=default_steps(method),
                                step_size=default_step_size(method))  # fmt: skip
                    show_grid(model, wkey, s, METHOD_LABELS[method], f"method_{method}")
    with tab_layers:
        st.markdown("The document's sequence, shallow to deep, with the current settings.")
        if st.button("Render the five layers", key="render_layers") and not reason:
            for layer in DOCUMENT_LAYERS:
                s = replace(settings, layer=layer, candidates=min(settings.candidates,
                                                                   CONV_LAYERS[layer]))  # fmt: skip
                st.markdown(f"**{layer}**: {LAYER_NOTES[layer]}")
                if not problem(s):
                    show_grid(model, wkey, s, layer, f"layer_{layer}")
    with tab_trained:
        st.markdown("The same layer and filters with trained and with random weights: "
                    "training is what turns noise into patterns.")  # fmt: skip
        if st.button("Render trained vs untrained", key="render_trained") and not reason:
            untrained, ukey, _ = get_model(None)
            cols = st.columns(2)
            with cols[0]:
                show_grid(model, wkey, settings, f"{settings.layer} · {label}", "trained")
            with cols[1]:
                show_grid(untrained, ukey, settings, f"{settings.layer} · untrained", "untr")
    with tab_picture:
        pictures_tab(model, wkey, label, settings.layer, settings.n)


def grid_details(grid: FilterGrid, grid_key: str) -> None:
    """Download, tile picker (also driven by clicking a tile) and the chosen tile's curve."""
    st.download_button(
        f"Download {grid.png_name}", cached_figure(("png", grid_key), lambda: grid_png(grid)),
        file_name=grid.png_name, mime="image/png",
        key="download_grid",
    )  # fmt: skip
    labels = [f"filter {f} (activation {loss:.2f})"
              for f, loss in zip(grid.filter_indices, grid.losses, strict=True)]  # fmt: skip
    tile_key = f"tile_{grid.layer}_{len(labels)}"
    clicked = st.session_state.get("grid_chart") or {}
    points = clicked.get("selection", {}).get("points", [])
    picked = next((p.get("customdata") for p in points if p.get("customdata") is not None), None)
    if picked is not None and picked != st.session_state.get("last_click"):
        st.session_state["last_click"] = picked  # a new click moves the picker once
        if 0 <= int(picked) < len(labels):
            st.session_state[tile_key] = int(picked)
    tile = st.selectbox("Tile to enlarge (or click a tile)", range(len(labels)),
                        format_func=labels.__getitem__, key=tile_key)  # fmt: skip
    c1, c2 = st.columns(2)
    f = int(grid.filter_indices[tile])
    big = cached_figure(
        ("tile", grid_key, tile), lambda: tile_figure(grid.tiles[tile], f"{grid.layer}, filter {f}")
    )
    curve = cached_figure(
        ("curve", grid_key, tile), lambda: loss_curve_figure(grid.loss_history[tile], f)
    )
    c1.plotly_chart(big, key="tile_big")
    c2.plotly_chart(curve, key="tile_curve")


main()
