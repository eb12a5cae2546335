"""VGG16 filters: what each filter of a trained network responds to, by gradient ascent."""

from __future__ import annotations

import streamlit as st

from core.filters.settings import GridSettings
from ui.app import ensure_app_navigation
from ui.filters.controls import Controls, notes_ui, read_url, settings_ui, write
from ui.filters.grids import (
    Source,
    draw_grid,
    fetch,
    grid_details,
    layers_tab,
    methods_tab,
    trained_tab,
)
from ui.filters.pictures import pictures_tab_for
from ui.filters.weights import default_choice, weights_ui

ensure_app_navigation()  # a deep link on a fresh server still gets the app's navigation


def introduction() -> None:
    st.title("VGG16 filters: what a trained network looks for")
    st.markdown(
        "Each picture is an input image grown by **gradient ascent** so that one filter of "
        "VGG16 fires as strongly as it can: it shows what that filter responds to. "
        "Shallow layers answer to colours and edges, deep layers to textures and object parts."
    )


def formulas() -> None:
    """The document's recipe, short enough lines for a phone."""
    st.latex(r"x_0 = 128 + 20\,(u - 0.5)")  # one equation per line: a phone is 390 px wide
    st.latex(r"\text{loss} = \operatorname{mean}_{i,j} A_{ijf}(x)")
    st.latex(
        r"x \leftarrow x + \eta\,\frac{\nabla_x \text{loss}}"
        r"{\sqrt{\operatorname{mean}(\nabla_x \text{loss})^2} + \epsilon}"
    )


def requested_grid(source: Source, controls: Controls) -> GridSettings | None:
    """The grid to draw: the one asked for with "Render grid", the first visit's, or any the
    app ships (those cost nothing, so they follow the controls at once)."""
    settings, problem = controls.settings, controls.problem()
    if problem:
        st.error(problem)
    else:
        pressed = st.button("Render grid", type="primary", key="filters_render")
        first_visit = "filters_requested" not in st.session_state
        if pressed or first_visit or source.instant(settings):
            st.session_state["filters_requested"] = settings
    requested = st.session_state.get("filters_requested")
    if requested is not None and requested != settings and not problem:
        st.caption("The controls changed: press **Render grid** to draw them.")
    return None if requested is None or requested.problem() else requested


def grid_tab(source: Source, requested: GridSettings | None) -> None:
    if requested is None:
        return
    shown = fetch(source, requested, requested.layer)
    if shown is None:
        return
    draw_grid(shown, f"{requested.layer} · {shown.label}", "main", clickable=True)
    if len(shown.grid.filter_indices):
        grid_details(shown)


def main() -> None:
    introduction()
    default_weights = default_choice()
    read_url(default_weights)
    weights = weights_ui()
    source = Source(weights)
    if weights.kind == "untrained":
        st.caption(":orange[Untrained network: random weights, not what ImageNet taught it.]")
    elif weights.kind != "none":
        st.caption(f"Weights: {weights.label}")
    notes = st.container()  # above the columns: what the link asked for and did not get
    left, right = st.columns([2, 3], gap="large")  # stacked on a phone
    with left:
        formulas()
        controls = settings_ui()
        choice = st.session_state["filters_weights"]
        write(controls, choice, default_weights)
        requested = requested_grid(source, controls)
    with notes:
        notes_ui(controls, choice)
    with right:
        names = ["Grid", "Methods side by side", "Compare layers", "Trained vs untrained"]
        tabs = st.tabs([*names, "Your picture"])
    with tabs[0]:
        grid_tab(source, requested)
    with tabs[4]:
        pictures_tab_for(source.network, controls.settings)  # loads the network only if used
    if controls.problem():
        return
    with tabs[1]:
        methods_tab(source, controls)
    with tabs[2]:
        layers_tab(source, controls)
    with tabs[3]:
        trained_tab(source, controls)


main()
