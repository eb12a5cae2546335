"""VGG16 filters: what each filter of a trained network responds to, by gradient ascent."""

from __future__ import annotations

import streamlit as st

from ui.app import ensure_app_navigation
from ui.filters import jobs, state
from ui.filters.comparisons import layers_tab, methods_tab, trained_tab
from ui.filters.controls import notes_ui, read_url, settings_ui, write
from ui.filters.grids import grid_area
from ui.filters.pictures import pictures_tab_for
from ui.filters.sources import Source
from ui.filters.weights import default_choice, weights_ui

ensure_app_navigation()  # a deep link on a fresh server still gets the app's navigation


def introduction():
    """The page's opening; returns the title's place, filled once the network is known."""
    title = st.empty()
    st.markdown(
        "Each picture is an input image grown by **gradient ascent** so that one filter of "
        "VGG16 fires as strongly as it can: it shows what that filter responds to. "
        "Shallow layers answer to colours and edges, deep layers to textures and object parts."
    )
    return title


def formulas() -> None:
    """The document's recipe, short enough lines for a phone."""
    st.latex(r"x_0 = 128 + 20\,(u - 0.5)")  # one equation per line: a phone is 390 px wide
    st.latex(r"\text{loss} = \operatorname{mean}_{i,j} A_{ijf}(x)")
    st.latex(
        r"x \leftarrow x + \eta\,\frac{\nabla_x \text{loss}}"
        r"{\sqrt{\operatorname{mean}(\nabla_x \text{loss})^2} + \epsilon}"
    )


def page_title(source: Source, place) -> None:
    """ "What a trained network looks for", or an untrained one's where the weights are random
    (chosen, or not loaded)."""
    network = source.loaded()
    random = source.weights.kind in ("untrained", "none") or (network is not None and network.error)
    which = "an untrained network" if random else "a trained network"  # one line at 1920 px
    place.title(f"VGG16 filters: what {which} looks for")


def network_caption(source: Source, place, title) -> None:
    """The title and one line under it: the network that makes this page's pictures (never
    "trained" over random weights)."""
    network = source.loaded()
    page_title(source, title)
    if source.weights.kind == "untrained" or (network is not None and network.error):
        why = "" if source.weights.kind == "untrained" else ": the chosen weights did not load"
        place.caption(
            f":orange[Untrained network (random weights){why}. Not what ImageNet taught it.]"
        )
    elif source.weights.kind != "none":
        place.caption(f"Network: VGG16 with the {source.weights.label} weights.")


def main() -> None:
    title = introduction()
    default_weights = default_choice()
    read_url(default_weights)
    weights = weights_ui()
    caption = st.empty()
    messages = st.container()  # above the columns: the link's unused values, weights errors
    source = Source(weights, messages)
    page_title(source, title)  # at once; again at the end, once the network is known
    left, right = st.columns([2, 3], gap="large")  # stacked on a phone
    with left:
        formulas()
        controls = settings_ui()
        choice = state.get(state.WEIGHTS)
        write(controls, choice, default_weights)
    with messages:
        notes_ui(controls, choice)
    with right:
        grid_area(source, controls)  # the Render button on top: above the fold
    # Below, the whole width: a render under way never blocks them.
    names = ["Methods side by side", "Compare layers", "Trained vs untrained", "Your picture"]
    tabs = st.tabs(names)
    if not controls.problem():
        with tabs[0]:
            methods_tab(source, controls)
        with tabs[1]:
            layers_tab(source, controls)
        with tabs[2]:
            trained_tab(source, controls)
    with tabs[3]:
        pictures_tab_for(source.network, controls.settings)  # loads the network only if used
    network_caption(source, caption, title)
    jobs.still_here(state.visitor())  # a long run (the picture tab) is no sign of leaving


main()
