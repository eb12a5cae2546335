"""Compare runs: pin up to five, see their error curves together, and a table of figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.mlp import TrainingSettings, TrainResult
from core.mlp import plots as mlp_plots
from core.mlp.compare import run_summary

PINNED_KEY = "train_pinned"
MAX_PINNED = 5


def differences(runs: list[TrainingSettings]) -> list[str]:
    """A short label per run naming only what differs among them ("lr 0.05", "tanh").

    Args:
        runs: the settings of the runs to tell apart (the current one included).

    Returns:
        One label per run, in order; "same settings" when nothing differs.
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
    return [", ".join(shown[f](s) for f in differ) or "same settings" for s in runs]


def pinned_runs() -> list[dict]:
    return st.session_state.setdefault(PINNED_KEY, [])


def pin_ui(result: TrainResult, settings: TrainingSettings) -> None:
    """The pin button and one unpin button per pinned run."""
    pinned = pinned_runs()
    already = any(run["settings"] == settings for run in pinned)
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
        pinned.append({"settings": settings, "losses": result.losses.copy()})
        st.rerun()
    if not pinned:
        st.caption(
            f"Pin up to {MAX_PINNED} runs, change a setting, and compare their error curves. "
            "Pinned runs stay for this session."
        )
        return
    labels = differences([run["settings"] for run in pinned] + [settings])[:-1]
    columns = st.columns(MAX_PINNED)
    for k, (column, label) in enumerate(zip(columns, labels, strict=False)):
        if column.button(
            f"Unpin {label}", key=f"train_unpin_{k}", icon=":material/close:", width="stretch"
        ):
            pinned.pop(k)
            st.rerun()


@st.cache_resource(show_spinner=False, max_entries=32)
def compare_figure(identity: tuple, _current, _curves, log_y: bool):
    """The error curves of the current and pinned runs, built once per runs shown."""
    return mlp_plots.compare_figure(_current, _curves, log_y)


def compare_ui(result: TrainResult, settings: TrainingSettings) -> None:
    """Pin controls, the error chart with the pinned runs, and their table."""
    pin_ui(result, settings)
    pinned = pinned_runs()
    labels = differences([run["settings"] for run in pinned] + [settings])
    current = (labels[-1], result.losses)
    curves = [(label, run["losses"]) for label, run in zip(labels, pinned, strict=False)]
    log_y = st.toggle("Logarithmic error axis", value=True, key="train_log_y")
    identity = (settings, log_y, *(run["settings"] for run in pinned))
    figure = compare_figure(identity, current, curves, log_y)
    st.plotly_chart(figure, key="train_compare_chart", theme=None)
    target = st.number_input(
        "Target error (for 'iterations to reach')",
        min_value=1e-9,
        max_value=10.0,
        value=0.01,
        format="%g",
        key="train_target",
    )
    rows = [{"run": f"now: {labels[-1]}", **run_summary(result.losses, target)}]
    rows += [
        {"run": f"pinned: {label}", **run_summary(run["losses"], target)}
        for label, run in zip(labels, pinned, strict=False)
    ]
    table = pd.DataFrame(rows)
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
