"""The training page's sidebar: the settings (kept in the URL), presets and their notes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import streamlit as st

from core.mlp import ACTIVATIONS, MAX_ITERATIONS, TrainingSettings, TrainResult
from core.mlp.data import training_set
from core.mlp.diagnosis import (
    BARELY,
    MIN_PLATEAU,
    STALLED,
    THOUSANDFOLD,
    RunFacts,
    measure,
    run_sentences,
)
from core.mlp.settings import MAX_HIDDEN_LAYERS, MAX_NEURONS, MAX_SEED
from ui.link import Param, exact, link_notes_ui, read_url_once, whole, write_url
from ui.train import state
from ui.train.compare import PINS_PARAM, pin_link_value, restore_pins
from ui.training import LESSON, TRAINING_PARAMS, train_cached, values_of

PAGE = "train"
# Slider stops: a 1-1.5-2-3-5-7 series per decade reads well on a log scale. Up to 100, where
# the core is still stable, so that a rate too large to learn can be shown.
LEARNING_RATES: tuple[float, ...] = (
    *(round(m * 10.0**e, 6) for e in range(-3, 2) for m in (1, 1.5, 2, 3, 5, 7)),
    100.0,
)
ITERATIONS = (100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000)
INIT_SCALES: tuple[float, ...] = (0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0)
DEFAULT_HIDDEN = (5, 2, 4)
MAX_STEPS_PAST_RUN = 100_000  # a step=... link may go this far past the run's end
# Widgets bound to the URL (key = parameter); "hidden" and "step" are written by ui.link.
BOUND = {"lr", "iterations", "seed", "init", "activation"}
PARAMS: tuple[Param, ...] = (
    *(replace(p, bound=p.name in BOUND) for p in TRAINING_PARAMS),
    Param("step", whole(0, MAX_ITERATIONS + MAX_STEPS_PAST_RUN), 0),
    PINS_PARAM,
)


@dataclass(frozen=True)
class Preset:
    """A learning rate worth showing, and what it shows on the lesson's network.

    Attributes:
        name: The button's label.
        learning_rate: The rate it sets.
        watch: What the lesson's 3-5-2-1 sigmoid network (seed 0, 10,000 iterations) shows at
            this rate (tested against that run).
        shows: Whether a run shows it, from the run's measured facts.
        why: Said of a run that shows it: what is happening, in the lesson's words.
    """

    name: str
    learning_rate: float
    watch: str
    shows: Callable[[RunFacts], bool]
    why: str


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Too small",
        0.01,
        "the error barely falls",
        lambda f: BARELY < f.fall <= 1 and not f.jumped,
        "the steps are too short to leave the plateau",
    ),
    Preset(
        "Lesson's",
        0.2,
        "a plateau, then a thousandfold fall",
        lambda f: (
            not f.jumped
            and f.plateau is not None
            and f.plateau >= MIN_PLATEAU
            and f.fall <= THOUSANDFOLD
            and f.right == f.total
        ),
        "after a plateau the error falls a thousandfold as the boundary swings into place",
    ),
    Preset(
        "On the edge",
        5.0,
        "the error jumping up before it falls",
        lambda f: (
            f.jumped
            and f.fall <= BARELY
            and f.learned
            and f.last_rise is not None
            and 2 * f.last_rise <= f.iterations
        ),
        "the steps overshoot the valley and bounce (oscillation) before they settle",
    ),
    Preset(
        "Too large",
        20.0,
        "the error ending higher than it started, the gradient vanished",
        lambda f: (
            f.fall > 1
            and f.jumped
            and f.output_saturated
            and f.gradient_fall <= STALLED
            and f.sure
            and not f.learned
        ),
        "the steps throw the network into saturation, where the gradients vanish: training "
        "diverges to a network sure of wrong answers",
    ),
)
LESSON_RUN = "the lesson's 3-5-2-1 sigmoid network (seed 0, 10,000 iterations)"


def with_value(options: tuple, value) -> tuple:
    """The slider's stops, with ``value`` added in order when it lies between two of them."""
    return tuple(sorted({*options, value}))


def read_url() -> None:
    """Seed the controls from the URL on the session's first run (and after a reset)."""
    values = read_url_once(PAGE, PARAMS)
    if values is None:
        return
    hidden = values["hidden"]
    state.set_widgets(
        {state.DEPTH: len(hidden)} | {state.hidden_key(i): n for i, n in enumerate(hidden)}
    )
    state.set_step_from_url(values["step"])
    restore_pins(values["pins"])


def reset() -> None:
    """Back to the lesson's settings (a button's callback: it runs before the widgets)."""
    state.set_widgets(
        {param.name: param.default for param in PARAMS if param.bound}
        | {state.DEPTH: len(LESSON.hidden)}
        | {state.hidden_key(i): n for i, n in enumerate(DEFAULT_HIDDEN)}
    )
    state.set_step_from_url(None)


def use_preset(preset: Preset) -> None:
    state.set_widgets({state.LEARNING_RATE: preset.learning_rate})


def presets_ui() -> None:
    """One button per learning-rate preset; a click sets the learning-rate slider."""
    st.caption("Learning-rate presets")
    columns = st.columns(2)
    for k, preset in enumerate(PRESETS):
        columns[k % 2].button(
            preset.name,
            key=f"train_preset_{k}",
            help=f"Learning rate {preset.learning_rate:g}. On {LESSON_RUN} it shows "
            f"{preset.watch}.",
            on_click=use_preset,
            args=(preset,),
            width="stretch",
        )


def preset_line(settings: TrainingSettings, result: TrainResult) -> str | None:
    """What the run on screen did, measured, when the learning rate is one of the presets.

    The note says only what the run's facts hold (``core.mlp.diagnosis``); what the preset
    shows on the lesson's network is said as that network's, when this run does not show it.
    """
    preset = next((p for p in PRESETS if p.learning_rate == settings.learning_rate), None)
    if preset is None:
        return None
    facts = measure(result, *training_set())
    head = f"**{preset.name} learning rate ({preset.learning_rate:g})**: "
    if preset.shows(facts):
        head += f"{preset.why}."
    else:
        head += f"on {LESSON_RUN} this rate shows {preset.watch}; this run does not."
    return " ".join([head, *run_sentences(facts)])


def controls_ui() -> TrainingSettings:
    """The sidebar controls; returns the settings they describe."""
    bind = {"bind": "query-params"}
    kept = state.widget_value
    with st.sidebar:
        st.header("Training settings")
        learning_rate = st.select_slider(
            "Learning rate",
            with_value(LEARNING_RATES, kept(state.LEARNING_RATE, LESSON.learning_rate)),
            value=LESSON.learning_rate,
            key=state.LEARNING_RATE,
            format_func=exact,
            help="Step size of gradient descent (log scale). The lesson uses 0.2.",
            **bind,
        )
        presets_ui()
        iterations = st.select_slider(
            "Iterations",
            with_value(ITERATIONS, kept("iterations", LESSON.iterations)),
            value=LESSON.iterations,
            key="iterations",
            help="Full-batch gradient-descent steps. The lesson uses 10,000.",
            **bind,
        )
        seed = st.number_input(
            "Random seed",
            0,
            MAX_SEED,
            value=LESSON.seed,
            step=1,
            key="seed",
            help="Decides the initial weights: runs with the same seed start from the same "
            "weights, whatever the learning rate, so comparisons are fair.",
            **bind,
        )
        init_scale = st.select_slider(
            "Init scale",
            with_value(INIT_SCALES, kept("init", LESSON.init_scale)),
            value=LESSON.init_scale,
            key="init",
            format_func=exact,
            help="Standard deviation of the normal initial weights. The lesson uses 0.15.",
            **bind,
        )
        hidden, activation = architecture_ui()
        st.button(
            "Reset to the lesson's settings", width="stretch", key="train_reset", on_click=reset
        )
    return TrainingSettings(learning_rate, iterations, int(seed), init_scale, hidden, activation)


def architecture_ui() -> tuple[tuple[int, ...], str]:
    """Hidden layers, their sizes and the hidden activation."""
    keep = {"persist_state": "session"}
    state.default_widgets({state.DEPTH: len(LESSON.hidden)})
    depth = st.slider("Hidden layers", 1, MAX_HIDDEN_LAYERS, key=state.DEPTH, **keep)
    state.default_widgets({state.hidden_key(i): DEFAULT_HIDDEN[i] for i in range(depth)})
    hidden = tuple(
        st.slider(
            f"Neurons in hidden layer {i + 1}", 1, MAX_NEURONS, key=state.hidden_key(i), **keep
        )
        for i in range(depth)
    )
    activation = st.radio(
        "Hidden activation",
        ACTIVATIONS,
        index=ACTIVATIONS.index(LESSON.activation),
        key="activation",
        horizontal=True,
        help="The output neuron is always sigmoid.",
        bind="query-params",
    )
    return hidden, activation


def url_notes_ui(settings: TrainingSettings) -> None:
    """Say what became of URL values that could not be used, while they still apply."""
    link_notes_ui(PAGE, values_of(settings))


def write(settings: TrainingSettings, step: int | None) -> None:
    """Keep the URL's hidden layers, step position and pinned runs equal to the page's."""
    write_url(values_of(settings) | {"step": step or 0, "pins": pin_link_value()}, PARAMS)


def train_with_progress(settings: TrainingSettings) -> TrainResult:
    """Train (or fetch from the cache) with a progress bar for long runs."""
    bar = st.progress(0.0, text="Training…")

    def report(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Training… {done:,} of {total:,} iterations")

    try:
        return train_cached(settings, progress=report)
    finally:
        bar.empty()
