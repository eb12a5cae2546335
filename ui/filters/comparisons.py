"""VGG16 filters page: the comparison tabs, grids side by side on the same filters.

The document's method beside the Fourier image, the document's five layers, trained beside
untrained weights. A comparison shipped with the app is drawn at once; otherwise its button
renders its grids one after the other (one render per visitor).
"""

from __future__ import annotations

import streamlit as st

from core.filters.methods import METHODS
from core.filters.model import DOCUMENT_LAYERS
from core.filters.settings import GridSettings
from ui.filters import state
from ui.filters.controls import Controls
from ui.filters.grids import draw_grid, follow
from ui.filters.sources import Shown, Source, lookup, network_label
from ui.filters.weights import Weights

LAYER_NOTES = {
    "block1_conv1": "colours and simple gradients: one 3x3 look at raw pixels",
    "block2_conv2": "edges and lines at a few orientations",
    "block3_conv3": "textures: repeated strokes, dots and grids",
    "block4_conv3": "larger motifs: scales, waves, eye- and fur-like patterns",
    "block5_conv3": "abstract object parts, hard to name",
}
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


def _asked(name: str, settings: GridSettings, label: str, instant: bool) -> bool:
    """Whether this comparison is to be drawn: instant, or its button pressed for ``settings``."""
    if instant or state.get(name) == settings:
        return True
    if st.button(label, key=name + "_button"):
        state.put(name, settings)
        state.ask(name, settings)
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
    if not busy[0] and not state.may_start(name, asked, ""):
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
    if not _asked(state.METHODS_TAB, first, "Render both methods", instant):
        return
    busy = [False]
    cols = st.columns(2)
    with cols[0]:
        shown = comparison(source, first, state.METHODS_TAB, first, busy)
        if shown is not None:
            draw_grid(shown, f"{first.layer} · {METHODS['seed'].label} · {shown.label}", "methods")
    if shown is None or not len(shown.grid.filter_indices):
        return
    second = first.with_filters(shown.grid.filter_indices, "fourier")
    with cols[1]:
        other = comparison(source, second, state.METHODS_TAB, first, busy, shown)
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
    if not _asked(state.LAYERS_TAB, controls.settings, "Render the five layers", instant):
        return
    busy = [False]
    for s, column in zip(layers, st.columns(len(layers), gap="small"), strict=True):
        with column:
            st.markdown(f"**{s.layer}**: {LAYER_NOTES[s.layer]}")
            if s.problem():
                st.info(s.problem())
                continue
            shown = comparison(source, s, state.LAYERS_TAB, controls.settings, busy)
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
    if not _asked(state.TRAINED_TAB, settings, "Render trained vs untrained", False):
        return
    if source.network().error:
        st.info("The trained weights did not load (see the top of the page): nothing to compare.")
        return
    busy = [False]
    cols = st.columns(2)
    with cols[0]:
        shown = comparison(source, settings, state.TRAINED_TAB, settings, busy)
        if shown is not None:
            draw_grid(shown, f"{settings.layer} · {shown.label}", "trained")
    if shown is None or not len(shown.grid.filter_indices):
        return
    second = settings.with_filters(shown.grid.filter_indices)
    with cols[1]:
        untrained = Source(Weights("untrained", "untrained"), source.messages)
        other = comparison(untrained, second, state.TRAINED_TAB, settings, busy)
        if other is not None:
            draw_grid(other, f"{second.layer} · {other.label}", "trained")
