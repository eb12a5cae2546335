"""The training page's sidebar: settings from and to the URL, presets, and their notes."""

from __future__ import annotations

import streamlit as st

from core.mlp import TrainResult
from ui.common import (
    ACTIVATION_NAMES,
    INIT_SCALES,
    ITERATIONS,
    LEARNING_RATES,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    MAX_SEED,
    PRESETS,
    Preset,
    TrainingSettings,
    notes_still_true,
    settings_from_query,
    settings_to_query,
    train_cached,
    with_value,
)

DEFAULT_HIDDEN = (5, 2, 4)


def read_url_once() -> None:
    """Seed the controls from the URL on the first run of the session (and after a reset)."""
    if st.session_state.get("train_url_read"):
        return
    settings, notes = settings_from_query(dict(st.query_params))
    st.session_state.update(
        train_notes=notes,
        train_url_read=True,
        train_lr=settings.learning_rate,
        train_iterations=settings.iterations,
        train_seed=settings.seed,
        train_init=settings.init_scale,
        train_depth=len(settings.hidden),
        train_activation=settings.activation,
        train_step_from_url=st.query_params.get("step"),
        **{f"train_hidden_{i}": n for i, n in enumerate(settings.hidden)},
    )


def use_preset(preset: Preset) -> None:
    st.session_state.train_lr = preset.learning_rate


def presets_ui() -> None:
    """One button per learning-rate preset; a click sets the learning-rate slider."""
    st.caption("Learning-rate presets")
    columns = st.columns(2)
    for k, preset in enumerate(PRESETS):
        columns[k % 2].button(
            preset.name,
            key=f"train_preset_{k}",
            help=f"Learning rate {preset.learning_rate:g}: {preset.watch}",
            on_click=use_preset,
            args=(preset,),
            width="stretch",
        )


def preset_line(settings: TrainingSettings) -> str | None:
    """What to watch for, when the learning rate is one of the presets."""
    for preset in PRESETS:
        if settings.learning_rate == preset.learning_rate:
            return f"**{preset.name} learning rate ({preset.learning_rate:g})**: {preset.watch}"
    return None


def controls_ui() -> TrainingSettings:
    """The sidebar controls; returns the settings they describe."""
    keep = {"persist_state": "session"}
    state = st.session_state
    with st.sidebar:
        st.header("Training settings")
        learning_rate = st.select_slider(
            "Learning rate",
            with_value(LEARNING_RATES, state.get("train_lr", 0.2)),
            key="train_lr",
            **keep,
            help="Step size of gradient descent (log scale). The lesson uses 0.2.",
        )
        presets_ui()
        iterations = st.select_slider(
            "Iterations",
            with_value(ITERATIONS, state.get("train_iterations", 10_000)),
            key="train_iterations",
            format_func=lambda n: f"{n:,}",
            **keep,
            help="Full-batch gradient-descent steps. The lesson uses 10,000.",
        )
        seed = st.number_input(
            "Random seed", 0, MAX_SEED, step=1, key="train_seed", **keep,
            help="Decides the initial weights: runs with the same seed start from the same "
            "weights, whatever the learning rate, so comparisons are fair.",
        )  # fmt: skip
        init_scale = st.select_slider(
            "Init scale",
            with_value(INIT_SCALES, state.get("train_init", 0.15)),
            key="train_init",
            **keep,
            help="Standard deviation of the normal initial weights. The lesson uses 0.15.",
        )
        hidden, activation = architecture_ui(keep)
        if st.button("Reset to the lesson's settings", width="stretch", key="train_reset"):
            state.train_url_read = False
            st.query_params.clear()
            st.rerun()
    return TrainingSettings(learning_rate, iterations, int(seed), init_scale, hidden, activation)


def architecture_ui(keep: dict) -> tuple[tuple[int, ...], str]:
    """Hidden layers, their sizes and the hidden activation."""
    depth = st.slider("Hidden layers", 1, MAX_HIDDEN_LAYERS, key="train_depth", **keep)
    for i in range(depth):
        st.session_state.setdefault(f"train_hidden_{i}", DEFAULT_HIDDEN[i])
    hidden = tuple(
        st.slider(
            f"Neurons in hidden layer {i + 1}", 1, MAX_NEURONS, key=f"train_hidden_{i}", **keep
        )
        for i in range(depth)
    )
    activation = st.radio(
        "Hidden activation",
        ACTIVATION_NAMES,
        key="train_activation",
        horizontal=True,
        **keep,
        help="The output neuron is always sigmoid.",
    )
    return hidden, activation


def url_notes_ui(settings: TrainingSettings) -> None:
    """Say what became of URL values that could not be used, while they still apply."""
    notes = notes_still_true(st.session_state.get("train_notes", []), settings)
    st.session_state.train_notes = notes
    for note in notes:
        st.warning(f"Link setting: {note.text}.", icon=":material/warning:")


def write_url(settings: TrainingSettings, step: int | None) -> None:
    """Keep the URL equal to the settings (and the step position), so a reload restores both."""
    query = settings_to_query(settings)
    if step:
        query["step"] = str(step)
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)


def train_with_progress(settings: TrainingSettings) -> TrainResult:
    """Train (or fetch from the cache) with a progress bar for long runs."""
    bar = st.progress(0.0, text="Training…")

    def report(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Training… {done:,} of {total:,} iterations")

    try:
        return train_cached(settings, progress=report)
    finally:
        bar.empty()
