"""The dream section of the picture tab: gradient ascent that starts from the photo."""

from __future__ import annotations

import time

import numpy as np
import streamlit as st

from core.filters.dream import dream
from core.filters.grid import pixel_cost
from core.filters.plots import dream_curve_figure
from core.filters.store import png_bytes
from ui.filters import state
from ui.filters.environment import work_problem
from ui.filters.jobs import one_at_a_time, release

TARGETS = {"filter": "One filter", "layer": "The whole layer"}
STEP_SIZES = (0.5, 1.0, 2.0, 4.0, 8.0)


def dream_settings_ui(
    layer: str, indices: np.ndarray, means: np.ndarray
) -> tuple[int | None, int, float, bool]:
    """Target, steps and step size of the dream.

    Returns:
        (filter index or None for the whole layer, steps, step size, whether to run now).
    """
    c1, c2, c3 = st.columns(3)
    target = c1.radio("Climb", list(TARGETS), format_func=TARGETS.get, key="filters_dream_target")
    labels = {
        int(f): f"filter {int(f)} · mean activation {m:.1f}"
        for f, m in zip(indices, means, strict=True)
    }
    chosen = c1.selectbox(
        f"Filter of {layer} (most active first)",
        list(labels),
        format_func=labels.get,
        key=f"filters_dream_filter_{layer}",
        disabled=target == "layer",
    )
    steps = c2.slider("Steps", 1, 100, 20, key="filters_dream_steps")
    step_size = c3.select_slider(
        "Step size (pixel levels per step)",
        STEP_SIZES,
        2.0,
        key="filters_dream_step_size",
        help="The document's step is 1.0 from grey noise; a photo needs a little more to change "
        "visibly in 20 steps.",
    )
    run = c3.button("Dream", type="primary", key="filters_dream_run")
    return (None if target == "layer" else chosen), int(steps), float(step_size), run


def dream_ui(
    model,
    label: str,
    pixels: np.ndarray,
    digest: str,
    layer: str,
    indices: np.ndarray,
    means: np.ndarray,
) -> None:
    """Controls, the run with a progress bar, then the photo next to its dream (``label``:
    the network that dreams)."""
    st.subheader("A dream from the picture")
    st.markdown(
        "The document's gradient ascent, started from the photo instead of grey noise: the "
        "photo morphs towards what the filter (or the whole layer) sees in it."
    )
    st.latex(r"x_0 = \text{photo}")  # one equation per line: a phone is 390 px wide
    st.latex(r"\text{loss} = \operatorname{mean}_{i,j}\sum_c w_c\,A_{ijc}(x)")
    st.latex(
        r"x \leftarrow x + \eta\,\frac{\nabla_x \text{loss}}"
        r"{\sqrt{\operatorname{mean}(\nabla_x \text{loss})^2} + \epsilon}"
    )
    st.caption("w = one filter (1 for it, 0 for the rest) or the whole layer (1/C for each).")
    filter_index, steps, step_size, run = dream_settings_ui(layer, indices, means)
    target = f"{layer}, " + ("whole layer" if filter_index is None else f"filter {filter_index}")
    settings = (digest, pixels.shape[0], layer, filter_index, steps, step_size, label)
    if run:
        result = run_dream(model, pixels, layer, filter_index, steps, step_size)
        if result is not None:
            state.put(state.DREAM_RESULT, {"settings": settings, "target": target, **result})
    shown = state.get(state.DREAM_RESULT)
    if shown is None or shown["settings"][:2] != settings[:2]:
        return
    if shown["settings"] != settings:
        st.caption("The settings changed: press **Dream** to climb with them.")
    left, middle, right = st.columns([1, 1, 1.3])
    left.image(pixels, caption="The photo (start)", width="stretch")
    middle.image(
        shown["pixels"],
        caption=f"After {len(shown['losses']) - 1} steps: {shown['target']} · {label}",
        width="stretch",
    )
    curve = dream_curve_figure(shown["losses"], shown["target"])
    right.plotly_chart(curve, key="filters_dream_curve")
    middle.download_button(
        "Download the dream (PNG)",
        png_bytes(shown["pixels"]),
        file_name=f"dream_{shown['target'].replace(', ', '_').replace(' ', '')}.png",
        mime="image/png",
        key="filters_dream_download",
    )


def run_dream(model, pixels, layer, filter_index, steps, step_size) -> dict | None:
    """The dream with a progress bar (queued behind other heavy work of the process); None,
    with a message, when it is over the ceiling on one request's work.

    It replaces the visitor's render under way (one render per visitor); it stops at its next
    step when the page reruns or closes (the bar's update raises then).
    """
    problem = work_problem(
        pixel_cost(steps, pixels.shape[0]), "This dream", "fewer steps or a smaller picture size"
    )
    if problem:
        st.warning(problem)
        return None
    release(state.visitor(), "replaced by a dream in Your picture")
    bar = st.progress(0.0, text="Dreaming: starting ...")
    started = time.perf_counter()

    def report(done: int, total: int, loss: float) -> None:
        elapsed = time.perf_counter() - started
        left = elapsed / done * (total - done)
        bar.progress(
            done / total,
            text=f"Dreaming: step {done}/{total}, mean activation "
            f"{loss:.2f} · about {left:.0f} s left",
        )

    try:
        with one_at_a_time(lambda: bar.progress(0.0, text="Queued behind another drawing ...")):
            result = dream(model, layer, pixels, filter_index, steps, step_size, on_step=report)
    finally:
        bar.empty()
    return {"pixels": result.pixels, "losses": result.losses}
