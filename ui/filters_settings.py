"""VGG16 filters page: the grid controls, kept in the URL so a reload or a link keeps them.

``?layer=block3_conv3&n=4&M=200&method=seed&select=best&steps=20&step=1&size=128&weights=...``
Values that cannot be used are named in a message and replaced by the page's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from core.filters.ascent import default_step_size, default_steps
from core.filters.grid import parse_indices
from core.filters.model import CONV_LAYERS
from core.filters.store import (
    MAX_N,
    MAX_SAMPLE_SEED,
    PAGE_MAX_CANDIDATES,
    PAGE_MAX_STEPS,
    PAGE_STEP_SIZES,
    SIZES,
    GridSettings,
    settings_from_query,
    settings_to_query,
)
from ui.filters_weights import WEIGHT_QUERY

METHOD_LABELS = {
    "seed": "Document: gradient ascent from grey noise",
    "fourier": "Fourier image + jitter (Distill / Lucid)",
}
SELECTION_LABELS = {
    "best": "Best of the first M (as the document)",
    "indices": "Explicit indices",
    "random": "Seeded random sample",
}
M_HELP = "The document ranks the first 200; each layer ranks at most the filters it has."
M_HELP = "The document ranks the first 200; each layer ranks at most the filters it has."
# The page opens on the first layer; M is what the person asked for, each layer caps it.
PAGE_DEFAULT = GridSettings(layer="block1_conv1")


@dataclass(frozen=True)
class Controls:
    """What the controls ask for: the grid's settings, M as typed, and the indices' problem."""

    settings: GridSettings
    candidates_asked: int
    indices_error: str = ""

    def for_layer(self, layer: str) -> GridSettings:
        """The same settings on ``layer``, ranking M capped at that layer's filter count."""
        return replace(
            self.settings, layer=layer, candidates=min(self.candidates_asked, CONV_LAYERS[layer])
        )

    def problem(self) -> str:
        """Why these controls cannot make a grid ("" when they can)."""
        if self.indices_error:
            return f"Filter indices: {self.indices_error}"
        return self.settings.problem()


def read_url_once(default_weights: str) -> None:
    """Seed the controls from the URL on the session's first run, and bring them back when
    the person returns from another page (Streamlit forgets the widgets of a page it left).
    """
    if not st.session_state.get("filters_url_read"):
        params = st.query_params.to_dict()
        s, problems = settings_from_query(params, PAGE_DEFAULT)
        choice = default_weights
        weights = params.get("weights")
        if weights in WEIGHT_QUERY:
            choice = WEIGHT_QUERY[weights]
        elif weights is not None:
            problems.append(f"`weights={weights[:40]}` was ignored: expected one of "
                            f"{', '.join(WEIGHT_QUERY)}")  # fmt: skip
        st.session_state.update(filters_url_read=True, filters_url_problems=problems)
        st.session_state["filters_saved"] = {
            "filters_weights": choice, "filters_layer": s.layer, "filters_n": s.n,
            "filters_method": s.method, "filters_selection": s.selection,
            "filters_candidates": s.candidates,
            "filters_indices": ",".join(map(str, s.indices)) or "0-3",
            "filters_sample_seed": s.sample_seed, "filters_steps": s.steps,
            "filters_step_size": s.step_size, "filters_size": s.size,
        }  # fmt: skip
    for key, value in st.session_state["filters_saved"].items():
        if key not in st.session_state:
            st.session_state[key] = value


def save_controls() -> None:
    """Remember the controls' values (see ``read_url_once``)."""
    saved = st.session_state["filters_saved"]
    for key in saved:
        if key in st.session_state:
            saved[key] = st.session_state[key]


def write_url(controls: Controls, weights_choice: str) -> None:
    """Put the controls in the URL (only when they changed, so history stays quiet)."""
    query = settings_to_query(replace(controls.settings, candidates=controls.candidates_asked))
    if controls.settings.selection == "indices":
        query["filters"] = str(st.session_state.get("filters_indices", ""))[:200]
    query["weights"] = next(k for k, v in WEIGHT_QUERY.items() if v == weights_choice)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def settings_ui() -> Controls:
    """Main controls. Returns what they ask for (widgets start from the URL's values)."""
    c1, c2 = st.columns(2)
    c3 = c2
    layer = c1.selectbox(
        "Layer", list(CONV_LAYERS), key="filters_layer",
        format_func=lambda name: f"{name} · {CONV_LAYERS[name]} filters",
    )  # fmt: skip
    n = c1.slider("Grid size (n x n)", 1, MAX_N, key="filters_n")
    method = c2.radio("Method", list(METHOD_LABELS), format_func=METHOD_LABELS.get,
                      key="filters_method", on_change=_method_changed)  # fmt: skip
    selection = c2.radio("Which filters", list(SELECTION_LABELS),
                         format_func=SELECTION_LABELS.get, key="filters_selection")  # fmt: skip
    count, indices, sample_seed, error = CONV_LAYERS[layer], (), 0, ""
    asked = int(st.session_state["filters_saved"]["filters_candidates"])
    if selection == "best":
        asked = int(c2.number_input("M: candidates ranked", 1, PAGE_MAX_CANDIDATES,
                                    key="filters_candidates", help=M_HELP))  # fmt: skip
        if asked > count:
            c2.caption(f"{layer} has {count} filters: all {count} are ranked.")
    elif selection == "indices":
        text = c2.text_input("Filter indices", key="filters_indices", help="e.g. 0, 5, 9 or 3-7")
        try:
            indices = tuple(parse_indices(text[:200]))
        except ValueError as problem:
            error = str(problem)
    else:
        sample_seed = c2.number_input("Sample seed", 0, MAX_SAMPLE_SEED, key="filters_sample_seed")
    steps = c3.number_input("Steps", 1, PAGE_MAX_STEPS, key="filters_steps")
    step_size = c3.number_input("Step size (Fourier: learning rate)", *PAGE_STEP_SIZES,
                                key="filters_step_size", format="%.3f")  # fmt: skip
    size = c3.select_slider("Image size (px)", SIZES, key="filters_size")
    settings = GridSettings(
        layer=layer, n=int(n), selection=selection, candidates=min(asked, count),
        indices=indices, sample_seed=int(sample_seed), method=method, steps=int(steps),
        step_size=float(step_size), size=int(size),
    )  # fmt: skip
    return Controls(settings, asked, error)


def _method_changed() -> None:
    method = st.session_state["filters_method"]
    st.session_state["filters_steps"] = default_steps(method)
    st.session_state["filters_step_size"] = default_step_size(method)


def show_url_problems() -> None:
    """Name the link's values that were not used (once, on the first run)."""
    for problem in st.session_state.pop("filters_url_problems", []):
        st.warning(f"Link setting ignored: {problem}. Using the default instead.", icon="⚠️")
