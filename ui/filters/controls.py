"""VGG16 filters page: the grid controls, kept in the URL so a reload or a link keeps them.

``?layer=block3_conv3&n=3&M=100&method=fourier&select=best&steps=96&step=0.05&size=128&weights=...``
The number controls and the layer are widgets bound to the URL; the choices shown with words
(method, which filters, weights) are written by ``ui.link``. Values at their default are left
out; values that cannot be used are named in a note and replaced by the default.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from core.filters.methods import METHODS
from core.filters.model import CONV_LAYERS
from core.filters.settings import MAX_N, SELECTIONS, GridSettings, parse_indices
from ui.filters import state
from ui.link import (
    Param,
    exact,
    link_notes_ui,
    number,
    one_of,
    read_url_once,
    whole,
    write_url,
)

PAGE = "filters"
# What the page offers (and so what a URL may ask for).
SIZES = (32, 64, 96, 128, 160, 192, 256)
PAGE_MAX_STEPS = 512
PAGE_MAX_CANDIDATES = max(CONV_LAYERS.values())
PAGE_STEP_SIZES = (0.001, 100.0)
MAX_SAMPLE_SEED = 10_000
MAX_INDICES_TEXT = 200
# The page opens on the first layer; M is what the person asked for, each layer caps it.
PAGE_DEFAULT = GridSettings(layer="block1_conv1")
SELECTION_LABELS = {
    "best": "Best of the first M (as the document)",
    "indices": "Explicit indices",
    "random": "Seeded random sample",
}
WEIGHT_LABELS = {
    "imagenet": "ImageNet (trained)",
    "local": "Local weights file",
    "untrained": "Untrained (random weights)",
}
M_HELP = "The document ranks the first 200; each layer ranks at most the filters it has."
DEFAULT_INDICES = "0-3"


def _size(text: str) -> int:
    value = whole(1, 10_000)(text)
    if value not in SIZES:
        raise ValueError(f"should be one of {', '.join(map(str, SIZES))}")
    return value


def _indices(text: str) -> str:
    text = text.strip()[:MAX_INDICES_TEXT]
    parse_indices(text)
    return text


def link_params(default_weights: str) -> tuple[Param, ...]:
    """The page's URL parameters; the weights' default is the server's choice."""
    d = PAGE_DEFAULT
    return (
        Param("layer", one_of(tuple(CONV_LAYERS)), d.layer, bound=True),
        Param("n", whole(1, MAX_N), d.n, bound=True),
        Param("method", one_of(tuple(METHODS)), d.method),
        Param("select", one_of(SELECTIONS), d.selection),
        Param("M", whole(1, PAGE_MAX_CANDIDATES), d.candidates, bound=True),
        Param("filters", _indices, DEFAULT_INDICES, bound=True),
        Param("sample", whole(0, MAX_SAMPLE_SEED), d.sample_seed, bound=True),
        Param("steps", whole(1, PAGE_MAX_STEPS), d.steps, bound=True),
        Param("step", number(*PAGE_STEP_SIZES), d.step_size, exact, bound=True),
        Param("size", _size, d.size, bound=True),
        Param("weights", one_of(tuple(WEIGHT_LABELS)), default_weights),
    )


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


def own_steps(values: dict, raw: dict) -> dict:
    """A link that names a method but no steps gets that method's own steps and step size."""
    method = METHODS[values["method"]]
    if "steps" not in raw:
        values["steps"] = method.steps
    if "step" not in raw:
        values["step"] = method.step_size_on(values["layer"])
    return values


def read_url(default_weights: str) -> None:
    """Seed the controls from the URL on the session's first run."""
    values = read_url_once(PAGE, link_params(default_weights), own_steps)
    if values is not None:
        state.update(
            {
                state.METHOD: values["method"],
                state.SELECTION: values["select"],
                state.WEIGHTS: values["weights"],
            }
        )


def write(controls: Controls, weights: str, default_weights: str) -> None:
    """Put the worded choices in the URL (the bound controls are Streamlit's to write)."""
    s = controls.settings
    write_url(
        {"method": s.method, "select": s.selection, "weights": weights},
        link_params(default_weights),
    )


def notes_ui(controls: Controls, weights: str) -> None:
    """Name the link's values that were not used, while they still apply."""
    s = controls.settings
    link_notes_ui(
        PAGE,
        {
            "layer": s.layer,
            "n": s.n,
            "method": s.method,
            "select": s.selection,
            "M": controls.candidates_asked,
            "filters": state.get(state.INDICES, DEFAULT_INDICES),
            "sample": s.sample_seed,
            "steps": s.steps,
            "step": s.step_size,
            "size": s.size,
            "weights": weights,
        },
    )


BIND = {"bind": "query-params"}


def settings_ui() -> Controls:
    """Main controls. Returns what they ask for (widgets start from the URL's values)."""
    d = PAGE_DEFAULT
    c1, c2 = st.columns(2)
    layer = c1.selectbox(
        "Layer", list(CONV_LAYERS), key=state.LAYER, on_change=_layer_changed, **BIND
    )
    c1.caption(f"{layer} has {CONV_LAYERS[layer]} filters.")
    n = c1.slider("Grid size (n x n)", 1, MAX_N, d.n, key=state.N, **BIND)
    method = c2.radio(
        "Method",
        list(METHODS),
        format_func=lambda m: METHODS[m].label,
        key=state.METHOD,
        on_change=_method_changed,
        persist_state="session",
    )
    with c2:
        selection, asked, indices, sample_seed, error = which_filters_ui(layer)
        steps = st.number_input("Steps", 1, PAGE_MAX_STEPS, d.steps, key=state.STEPS, **BIND)
        step_size = st.number_input(
            "Step size (Fourier: learning rate)",
            *PAGE_STEP_SIZES,
            d.step_size,
            key=state.STEP,
            format="%.3f",
            **BIND,
        )
        size = st.select_slider("Image size (px)", SIZES, d.size, key=state.SIZE, **BIND)
    settings = GridSettings(
        layer=layer,
        n=int(n),
        selection=selection,
        candidates=min(asked, CONV_LAYERS[layer]),
        indices=indices,
        sample_seed=int(sample_seed),
        method=method,
        steps=int(steps),
        step_size=float(step_size),
        size=int(size),
    )
    return Controls(settings, asked, error)


def which_filters_ui(layer: str) -> tuple[str, int, tuple[int, ...], int, str]:
    """Best of the first M, explicit indices, or a seeded sample.

    Returns:
        (selection, M as asked, the indices, the sample seed, what is wrong with the indices).
    """
    selection = st.radio(
        "Which filters",
        SELECTIONS,
        format_func=SELECTION_LABELS.get,
        key=state.SELECTION,
        persist_state="session",
    )
    count, indices, sample_seed, error = CONV_LAYERS[layer], (), 0, ""
    asked = int(state.get(state.M, PAGE_DEFAULT.candidates))
    if selection == "best":
        asked = int(
            st.number_input(
                "M: candidates ranked",
                1,
                PAGE_MAX_CANDIDATES,
                PAGE_DEFAULT.candidates,
                key=state.M,
                help=M_HELP,
                **BIND,
            )
        )
        if asked > count:
            st.caption(f"{layer} has {count} filters: all {count} are ranked.")
    elif selection == "indices":
        text = st.text_input(
            "Filter indices", DEFAULT_INDICES, key=state.INDICES, help="e.g. 0, 5, 9 or 3-7", **BIND
        )
        try:
            indices = tuple(parse_indices(text[:MAX_INDICES_TEXT]))
        except ValueError as problem:
            error = str(problem)
    else:
        sample_seed = st.number_input(
            "Sample seed", 0, MAX_SAMPLE_SEED, 0, key=state.SAMPLE, **BIND
        )
    return selection, asked, indices, sample_seed, error


def _layer_changed() -> None:
    """A step left at one layer's default becomes the new layer's (a typed one stays)."""
    method = METHODS[state.get(state.METHOD, PAGE_DEFAULT.method)]
    defaults = {method.step_size, *(step for _, step in method.layer_step_sizes)}
    if state.get(state.STEP) in defaults:
        state.put(state.STEP, method.step_size_on(state.get(state.LAYER)))


def _method_changed() -> None:
    method = METHODS[state.get(state.METHOD)]
    state.put(state.STEPS, method.steps)
    state.put(state.STEP, method.step_size_on(state.get(state.LAYER, PAGE_DEFAULT.layer)))
