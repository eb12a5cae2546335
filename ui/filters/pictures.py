"""The "Your picture" tab of the filters page: what VGG16 does with a real photo.

Widgets in (a sample, an upload or the camera; the picture size), one forward pass for every
layer's maps (cached per picture), figures out. The page calls ``pictures_tab`` only.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import numpy as np
import streamlit as st

from core.filters.features import (
    feature_maps,
    find_filter_pictures,
    heat_tiles,
    picture_settings,
    render_filter_pictures,
    strongest_per_layer,
    top_filters,
)
from core.filters.grid import pixel_cost
from core.filters.model import DOCUMENT_LAYERS
from core.filters.photos import Picture, PictureError, read_picture
from core.filters.store import png_bytes
from core.filters.tiles import network_canvas, pair_pictures, pairs_canvas, strip
from ui.cache import BY_VALUE
from ui.filters import state
from ui.filters.dream import dream_ui
from ui.filters.environment import cache_dir, prerender_dir, work_problem
from ui.filters.jobs import one_at_a_time, own_render, release
from ui.filters.numbers import numbers_ui

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "assets" / "samples"
SAMPLES = {
    "chelsea.jpg": "Chelsea the cat",
    "coffee.jpg": "A cup of coffee",
    "astronaut.jpg": "Astronaut Eileen Collins",
    "rocket.jpg": "A Falcon 9 rocket launch",
}
SOURCES = ("Sample photo", "Upload", "Camera")
SIZES = (96, 128, 160, 192, 224, 256, 320)
PICTURE_LIMIT_MB = 20
UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "gif"]
SCALES = {"own": "each map to its own maximum", "shared": "one scale for all maps"}
CAMERA_RESOLUTION = "720p"  # asked of the browser: 1280x720 on most webcams
NETWORK_SIDE = 192  # px per map "through the network" (shown at the page's width)


def refuse(name: str, error: PictureError) -> None:
    """An uploaded file cannot be used: empty the uploader and say so once."""
    state.refuse_upload(f"{name} was not used: {error} Choose another picture.")
    st.rerun()


def source_ui() -> tuple[str, bytes] | None:
    """Where the picture comes from. Returns (its name, its bytes), or None while none."""
    source = st.radio("Picture", SOURCES, horizontal=True, key=state.PIC_SOURCE)
    if source == SOURCES[0]:
        name = st.selectbox(
            "Sample photo",
            list(SAMPLES),
            format_func=SAMPLES.get,
            key="filters_pic_sample",
            help="CC0 or public-domain photos from scikit-image's data module (credits: README).",
        )
        return SAMPLES[name], sample_bytes(name)
    if source == SOURCES[1]:
        upload = st.file_uploader(
            f"A PNG, JPEG or WebP picture (up to {PICTURE_LIMIT_MB} MB)",
            type=UPLOAD_TYPES,
            key=state.upload_key(),
            max_upload_size=PICTURE_LIMIT_MB,
            help="Kept in this session's memory only, never written to disk.",
        )
    else:
        upload = st.camera_input(
            "Take a photo (allow the camera in the browser)",
            key="filters_pic_camera",
            help="The photo stays in this session's memory only.",
            resolution=CAMERA_RESOLUTION,  # the default follows the widget's size: 287x215 px
        )
    if upload is None:
        st.info("Choose a picture above to see what the network does with it.")
        return None
    return upload.name or "camera photo", upload.getvalue()


@st.cache_data(show_spinner=False, max_entries=8)
def sample_bytes(name: str) -> bytes:
    return (SAMPLES_DIR / name).read_bytes()


def options_ui() -> tuple[int, str, int]:
    """Picture size, colour scale of the maps, and maps per layer "through the network"."""
    size = st.select_slider(
        "Picture size (px)",
        SIZES,
        224,
        key="filters_pic_size",
        help="VGG16 was trained on 224 px pictures; larger shows finer maps but takes longer.",
    )
    scale = st.radio(
        "Colour scale of the maps",
        list(SCALES),
        format_func=SCALES.get,
        horizontal=True,
        key="filters_pic_scale",
    )
    per_layer = st.slider("Maps per layer (through the network)", 1, 8, 6, key="filters_pic_m")
    return int(size), str(scale), int(per_layer)


@st.cache_data(show_spinner=False, max_entries=16)
def picture_for(data: bytes, size: int) -> Picture:
    """The decoded picture per content and size (a bad file raises, and is not cached)."""
    return read_picture(data, size, max_bytes=PICTURE_LIMIT_MB * 2**20)


@st.cache_resource(
    show_spinner="One forward pass through VGG16 ...", max_entries=1, hash_funcs=BY_VALUE
)
def maps_for(pixels: np.ndarray, wkey: str, _model):
    """Every layer's maps of a picture and the seconds the forward pass took (the network
    ``_model`` is keyed by its weights' hash ``wkey``).

    Shared by every session and never modified: a resource, so a rerun does not copy the
    54 MB a 224 px picture's maps take (110 MB at 320 px; one picture at a time: the memory budget).
    """
    started = time.perf_counter()
    maps = feature_maps(_model, pixels)
    return maps, time.perf_counter() - started


# The drawings below are shared by every session; few entries, since each holds a few MB
# (the canvas is kept for the PNG download, made only when clicked). The maps they draw are
# the picture's through the network ``_model`` (keyed by its weights' hash ``wkey``).
@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=BY_VALUE)
def maps_drawing(pixels, wkey: str, _model, layer: str, indices, found: tuple, n: int, scale: str):
    """The heatmap and picture pairs of ``layer``'s filters ``indices`` and their canvas;
    ``found``: (filter, what it looks for) pairs, for the filters whose picture exists."""
    A, pictures = maps_for(pixels, wkey, _model)[0][layer], dict(found)
    side = 200 if n <= 2 else 160 if n <= 4 else 112
    heat = heat_tiles(pixels, A, indices, side=side, scale=scale)
    pairs = pair_pictures(heat, [pictures.get(int(f)) for f in indices])
    return pairs, pairs_canvas(pairs, per_row(len(indices), n))


@st.cache_resource(show_spinner=False, max_entries=4, hash_funcs=BY_VALUE)
def network_drawing(pixels, wkey: str, _model, layers: tuple, per_layer: int, scale: str):
    """Each of ``layers``' strongest maps as a strip, and the canvas of all the strips."""
    maps = maps_for(pixels, wkey, _model)[0]
    rows = []
    for layer, indices, means in strongest_per_layer(maps, list(layers), per_layer):
        tiles = heat_tiles(pixels, maps[layer], indices, side=NETWORK_SIDE, scale=scale)
        rows.append((layer, indices, means, strip(tiles, per_layer)))
    return rows, network_canvas([row[3] for row in rows])


def per_row(k: int, n: int) -> int:
    """Pairs per row of the maps section."""
    return min(k, 4 if n <= 4 else 8)


def stored_pictures(
    layer: str, indices: tuple[int, ...], wkey: str, compute_dtype: str
) -> dict[int, np.ndarray]:
    """What each filter looks for, from the pre-rendered grids and the grid cache.

    Not cached: a grid drawn on another tab a moment ago must count, and reading one .npz
    per filter takes milliseconds.
    """
    directories = [prerender_dir(), cache_dir()]
    return find_filter_pictures(layer, indices, wkey, directories, compute_dtype)


def pictures_tab_for(load_network, settings) -> None:
    """The tab for the page's network and grid settings, behind a switch: the network (which
    the shipped grids never need) is loaded only once someone turns it on.

    Args:
        load_network: Returns the page's network (``model``, ``weights_key``, ``label``).
        settings: The page's grid settings (``layer``, ``n``).
    """
    if not st.toggle(
        "Show what VGG16 does with a picture",
        key="filters_pic_on",
        help="Loads the network and runs your picture (or a sample) through it.",
    ):
        st.caption("Turn it on to use a sample photo, an upload or the camera.")
        return
    network = load_network()
    label = "untrained (random weights)" if network.label == "untrained" else network.label
    if network.error:
        st.warning(
            "The chosen weights did not load (see the top of the page): these maps come from "
            "the **untrained** network (random weights), not from what ImageNet taught VGG16."
        )
    else:
        st.caption(f"Network: VGG16 · {label}.")
    pictures_tab(network.visualizer, network.weights_key, label, settings.layer, settings.n)


def pictures_tab(model, wkey: str, label: str, layer: str, n: int) -> None:
    """The whole tab, for the page's weights, layer and grid size (k = n*n filters)."""
    st.markdown(
        "What the network **does with a real picture**: which filters fire where. Maps of "
        "shallow layers are sharp and follow edges and colours; deeper ones are coarser and "
        "answer to larger, more abstract parts. Try a photo taken right now."
    )
    # The picture sits between the controls, so the maps below get the tab's whole width.
    source_column, picture_column, options_column = st.columns([3, 2, 3], gap="medium")
    with source_column:
        chosen = source_ui()
    with options_column:
        size, scale, per_layer = options_ui()
    refused = state.pop(state.PIC_REFUSED)
    if refused:
        st.error(refused)
    if chosen is None:
        return
    name, data = chosen
    digest = hashlib.sha256(data).hexdigest()[:16]
    try:
        picture = picture_for(data, size)
    except PictureError as error:
        if state.get(state.PIC_SOURCE) == SOURCES[1]:
            refuse(name, error)  # reruns
        st.error(f"{name}: {error}")
        return
    maps, seconds = maps_for(picture.pixels, wkey, model)
    with picture_column:
        st.image(picture.pixels, caption=f"What VGG16 sees: {size}x{size} px", width="stretch")
        st.caption(f"{name} · {picture.width}x{picture.height} px {picture.format}")
        for note in picture.notes:
            st.caption(note)
        st.caption(f"All 13 layers' maps in one forward pass: {seconds:.2f} s ({label}).")
    indices, means = maps_section(model, wkey, label, picture, maps, layer, n, scale)
    numbers_ui(model, wkey, picture.pixels, digest, maps, label)
    dream_ui(model, label, picture.pixels, digest, layer, indices, means)
    network_section(model, picture, wkey, label, maps, per_layer, scale)


def maps_section(model, wkey, label, picture, maps, layer, n, scale):
    """The k = n*n most active filters of ``layer``: heatmap, and what each looks for."""
    k = min(n * n, maps[layer].shape[2])
    indices, means = top_filters(maps[layer], k)
    found = stored_pictures(layer, tuple(int(f) for f in indices), wkey, model.compute_dtype)
    missing = [int(f) for f in indices if int(f) not in found]
    if missing:  # drawn at once, with progress: a second click only delayed them
        found = {**found, **draw_missing(model, layer, missing, wkey)}
    h, w = maps[layer].shape[:2]
    title = f"{layer} · {label}: the {k} most active filters · maps {h}x{w}"
    st.markdown(f"**{title}**")
    chosen, pairs = tuple(int(f) for f in indices), tuple(sorted(found.items()))
    pictures, canvas = maps_drawing(picture.pixels, wkey, model, layer, chosen, pairs, n, scale)
    row_length = per_row(k, n)
    st.caption(
        "Each pair, left: where the filter fires on the picture (yellow = strongest); right: "
        "what that filter looks for (gradient ascent from grey noise)."
    )
    for start in range(0, k, row_length):
        row = range(start, min(start + row_length, k))  # the last row may be short
        for column, j in zip(st.columns(row_length), row, strict=False):
            f, mean = int(indices[j]), float(means[j])
            note = "" if f in found else " · not drawn yet"
            column.image(
                pictures[j],
                caption=f"#{f} · mean {mean:.1f}{note}",
                output_format="JPEG",
                width="stretch",
            )
    st.download_button(
        "Download these maps (PNG)",
        lambda: png_bytes(canvas),
        file_name=f"{layer}_maps.png",
        mime="image/png",
        key="filters_pic_maps_download",
    )
    return indices, means


def draw_missing(model, layer: str, missing: list[int], wkey: str) -> dict[int, np.ndarray]:
    """The missing pictures, drawn now; none while this visitor's own grid renders (drawing
    them would give that render up), and the page says so."""
    if own_render(state.visitor()) is not None:
        st.caption(f"The {len(missing)} missing pictures are drawn once your grid render is done.")
        return {}
    return draw_pictures(model, layer, missing, wkey)


def draw_pictures(model, layer: str, missing: list[int], wkey: str) -> dict[int, np.ndarray]:
    """Render the missing filters' pictures (one batch, with progress) and store them.

    Like every render of a visitor, it replaces the visitor's render under way, and has the
    same ceiling on its work.
    """
    s = picture_settings(layer, missing[0])
    problem = work_problem(
        pixel_cost(len(missing) * s.steps, s.size),
        f"Drawing {len(missing)} filters",
        "choose a smaller grid size (fewer filters)",
    )
    if problem:
        st.warning(problem)
        return {}
    release(state.visitor(), "replaced by drawing filters in Your picture")
    bar = st.progress(0.0, text=f"{layer}: drawing {len(missing)} filters ...")

    def report(p) -> None:
        bar.progress(min(p.done / max(p.total, 1), 1.0), text=f"{layer}: {p.done}/{p.total} steps")

    try:
        with one_at_a_time(lambda: bar.progress(0.0, text="Queued behind another drawing ...")):
            pictures = render_filter_pictures(model, layer, missing, wkey, cache_dir(), report)
    finally:
        bar.empty()
    return pictures


def network_section(model, picture: Picture, wkey: str, label: str, maps, per_layer, scale):
    """Through the network: each block's strongest maps, block1 to block5, each row as wide
    as the page (the maps of a 1920 px projector are about 240 px wide)."""
    st.subheader("Through the network")
    st.markdown(
        f"The strongest maps of one layer per block ({label}). Each pooling halves the maps, "
        "so every cell sees a larger part of the picture, and what fires becomes more abstract."
    )
    layers = [name for name in DOCUMENT_LAYERS if name in maps]
    rows, canvas = network_drawing(picture.pixels, wkey, model, tuple(layers), per_layer, scale)
    side = picture.pixels.shape[0]
    for layer, indices, means, pictures in rows:
        h, w = maps[layer].shape[:2]
        st.markdown(f"**{layer}** · maps {h}x{w} · one cell = {side // h} px of the picture")
        st.image(pictures, output_format="JPEG", width="stretch")
        st.caption(
            f"{label} · mean activation, strongest first: "
            + ", ".join(f"#{f}: {m:.1f}" for f, m in zip(indices, means, strict=True))
        )
    st.download_button(
        "Download through the network (PNG)",
        lambda: png_bytes(canvas),
        file_name="through_vgg16.png",
        mime="image/png",
        key="filters_pic_network_download",
    )
