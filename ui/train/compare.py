"""Compare runs: pin up to five, see their error curves together, and a table of figures."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from core.mlp import ACTIVATIONS, TrainingSettings, TrainResult
from core.mlp import plots as mlp_plots
from core.mlp.compare import run_summary
from core.mlp.error import from_sum
from ui.cache import BY_VALUE
from ui.link import Changed, Param, quoted
from ui.train import state
from ui.train.state import PinnedRun
from ui.training import FIELDS, LESSON, TRAINING_PARAMS, train_cached

MAX_PINNED = 5
# A pinned run in a link: what differs from the lesson's run, "_" between settings and "~"
# between runs, each setting a short name and its value as the page's own link writes it:
# "lr2_it2000_tanh~h8-3". URL-safe as it stands (no character is percent-encoded).
PIN_NAMES = {"lr": "lr", "it": "iterations", "seed": "seed", "init": "init", "h": "hidden"}
PIN_FIELD = re.compile(r"^(lr|it|seed|init|h)(.+)$")
LESSON_PIN = "lesson"  # a pinned run with the lesson's settings


def differences(runs: list[TrainingSettings]) -> list[str]:
    """A short label per run naming only what differs among them ("lr 0.05", "tanh").

    Args:
        runs: the settings of the runs to tell apart (the current one included).

    Returns:
        One label per run, in order; each run's network and learning rate when nothing
        differs ("3-5-2-1 sigmoid, lr 0.2").
    """
    shown = {
        "learning_rate": lambda s: f"lr {s.learning_rate:g}",
        "activation": lambda s: s.activation,
        "hidden": lambda s: s.network_name.split(" ")[0],
        "iterations": lambda s: f"{s.iterations:,} it.",
        "seed": lambda s: f"seed {s.seed}",
        "init_scale": lambda s: f"init {s.init_scale:g}",
    }
    differ = [f for f in shown if len({getattr(s, f) for s in runs}) > 1]
    return [
        ", ".join(shown[f](s) for f in differ) or f"{s.network_name}, lr {s.learning_rate:g}"
        for s in runs
    ]


def pins_to_param(runs: tuple[TrainingSettings, ...]) -> str:
    """Pinned runs as a link writes them: only what differs from the lesson's run."""
    params = {p.name: p for p in TRAINING_PARAMS}
    written = []
    for run in runs:
        fields = [
            f"{short}{params[name].write(getattr(run, FIELDS[name]))}"
            for short, name in PIN_NAMES.items()
            if getattr(run, FIELDS[name]) != getattr(LESSON, FIELDS[name])
        ]
        if run.activation != LESSON.activation:
            fields.append(run.activation)
        written.append("_".join(fields) or LESSON_PIN)
    return "~".join(written)


def _pinned_run(text: str) -> TrainingSettings:
    """One pinned run of a link ("lr2_it2000_tanh"), its settings checked by the page's readers."""
    params = {p.name: p for p in TRAINING_PARAMS}
    values: dict[str, object] = {}
    for field in text.split("_") if text != LESSON_PIN else []:
        match = PIN_FIELD.match(field)
        name = "activation" if field in ACTIVATIONS else PIN_NAMES[match[1]] if match else None
        if name is None or name in values:
            raise ValueError(f"has a run that cannot be read ({quoted(text)}; e.g. lr2_tanh)")
        try:
            values[name] = field if name == "activation" else params[name].read(match[2])
        except ValueError as error:
            raise ValueError(f"has a run whose {field[: len(match[1])]} {error}") from None
    return TrainingSettings(**(LESSON.as_dict() | {FIELDS[n]: v for n, v in values.items()}))


def pins_from_param(text: str) -> tuple[TrainingSettings, ...] | Changed:
    """A link's pinned runs; more than ``MAX_PINNED``, or a run twice, keeps the first ones."""
    runs = tuple(_pinned_run(run.strip()) for run in text.strip().split("~"))
    kept = tuple(dict.fromkeys(runs))[:MAX_PINNED]
    if kept == runs:
        return runs
    return Changed(kept, f"holds {len(runs)} runs; pinned the first {len(kept)} different ones")


PINS_PARAM = Param("pins", pins_from_param, None, pins_to_param)


def pinned_runs() -> tuple[PinnedRun, ...]:
    """The pinned runs; a link's runs are trained (cached) the first time they are shown."""
    pinned = state.pinned()
    missing = [run for run in pinned if run.losses is None]
    if missing:
        with st.spinner(f"Training the {len(missing)} pinned runs of this link…"):
            pinned = tuple(
                run
                if run.losses is not None
                else PinnedRun(run.settings, train_cached(run.settings).losses.copy())
                for run in pinned
            )
        state.set_pinned(pinned)
    return pinned


def pin_link_value() -> tuple[TrainingSettings, ...] | None:
    """The pinned runs as the link keeps them (None: no pins)."""
    return tuple(run.settings for run in state.pinned()) or None


def restore_pins(runs: tuple[TrainingSettings, ...] | None) -> None:
    """Pin a link's runs (their error curves are trained when first shown)."""
    if runs:
        state.set_pinned(tuple(PinnedRun(s) for s in runs))


def pin_ui(result: TrainResult, settings: TrainingSettings) -> None:
    """The pin button and one unpin button per pinned run."""
    pinned = pinned_runs()
    already = any(run.settings == settings for run in pinned)
    full = len(pinned) >= MAX_PINNED
    help_text = "Already pinned" if already else f"At most {MAX_PINNED} runs" if full else None
    if st.button(
        "Pin this run",
        key="train_pin",
        icon=":material/push_pin:",
        disabled=already or full,
        help=help_text,
        type="primary",
    ):
        state.pin(PinnedRun(settings, result.losses.copy()))
        st.rerun()
    if not pinned:
        st.caption(
            f"Pin up to {MAX_PINNED} runs, change a setting, and compare their error curves. "
            "Pinned runs stay in this page's address: a reload or a shared link brings them back."
        )
        return
    labels = differences([run.settings for run in pinned] + [settings])[:-1]
    columns = st.columns(MAX_PINNED)
    for k, (column, label) in enumerate(zip(columns, labels, strict=False)):
        if column.button(
            f"Unpin {label}", key=f"train_unpin_{k}", icon=":material/close:", width="stretch"
        ):
            state.unpin(k)
            st.rerun()


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=BY_VALUE)
def compare_figure(
    current: tuple[str, np.ndarray], pinned: tuple[tuple[str, np.ndarray], ...], log_y: bool
):
    """The error curves of the current and pinned runs, built once per curves shown (keyed by
    their labels and every value of their curves)."""
    return mlp_plots.compare_figure(current, pinned, log_y)


def compare_ui(result: TrainResult, settings: TrainingSettings) -> None:
    """Pin controls, the error chart with the pinned runs, and their table."""
    pin_ui(result, settings)
    pinned = pinned_runs()
    labels = differences([run.settings for run in pinned] + [settings])
    current = (labels[-1], result.losses)
    curves = [(label, run.losses) for label, run in zip(labels, pinned, strict=False)]
    log_y = st.toggle("Logarithmic error axis", value=True, key="train_log_y")
    figure = compare_figure(current, tuple(curves), log_y)
    st.plotly_chart(figure, key="train_compare_chart", theme=None)
    target = st.number_input(
        "Target error (for 'iterations to reach')",
        min_value=1e-9,
        max_value=10.0,
        value=0.01,
        format="%g",
        key="train_target",
    )
    rows = [{"run": f"now: {labels[-1]}", **run_summary(from_sum(result.losses), target)}]
    rows += [
        {"run": f"pinned: {label}", **run_summary(from_sum(run.losses), target)}
        for label, run in zip(labels, pinned, strict=False)
    ]
    table = pd.DataFrame(rows)
    table["minimum at iteration"] = [f"{int(v):,}" for v in table["minimum at iteration"]]
    table["iterations to reach target"] = [
        "not reached" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{int(v):,}"
        for v in table["iterations to reach target"]
    ]
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "final error": st.column_config.NumberColumn(format="%.3e"),
            "minimum error": st.column_config.NumberColumn(format="%.3e"),
        },
        key="train_compare_table",
    )
