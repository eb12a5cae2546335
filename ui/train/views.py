"""The training page's result views: its numbers, predictions, weights and the rate sweep."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core.mlp import TrainingSettings, TrainResult, white_text
from core.mlp import plots as mlp_plots
from core.mlp.data import held_out_set, training_set
from core.mlp.engine import sweep_learning_rates
from core.mlp.error import ERROR_TEXT, from_sum
from ui.cache import BY_VALUE
from ui.train.controls import LEARNING_RATES
from ui.train.step import heatmaps_ui


# Every figure is built once for every session that shows it, keyed by the values it is drawn
# from (``ui.cache.BY_VALUE``: arrays by every element). Shared: never modified once built.
@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=BY_VALUE)
def predictions_figure(
    names: tuple[str, ...], colours: np.ndarray, expected: np.ndarray, outputs: np.ndarray
) -> go.Figure:
    return mlp_plots.predictions_table(list(names), colours, expected, outputs)


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=BY_VALUE)
def weights_figure(iterations: np.ndarray, snapshots: tuple[np.ndarray, ...]) -> go.Figure:
    return mlp_plots.weights_over_time(iterations, list(snapshots))


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=BY_VALUE)
def sweep_figure(
    rates: np.ndarray, final: np.ndarray, best: np.ndarray, current: float
) -> go.Figure:
    return mlp_plots.sweep_figure(rates, final, best, current)


def plot(name: str, figure: go.Figure) -> None:
    """Draw the figure as the chart ``name``, in the house style."""
    st.plotly_chart(figure, key=name, theme=None, width="stretch")


@st.cache_data(show_spinner=False, max_entries=32)
def sweep_cached(settings: TrainingSettings) -> dict[str, np.ndarray]:
    """Final and best error for every learning rate on the slider, same start, one run."""
    X, y = training_set()
    sweep = sweep_learning_rates(X, y, LEARNING_RATES, settings)
    return {"rates": sweep.learning_rates, "final": sweep.final_losses, "best": sweep.best_losses}


def intro(settings: TrainingSettings) -> None:
    st.markdown(
        f"A **{settings.network_name}** network (hidden layers {settings.activation}, output "
        "sigmoid) learns, from ten colours, whether text over a colour should be **white (1)** "
        "or **black (0)**, by full-batch gradient descent. **Replay** the run as a film, "
        "**step** through it by hand, **pin** runs to compare them, and **export** the result."
    )


def metrics_ui(result: TrainResult, settings: TrainingSettings) -> None:
    X, y = training_set()
    right_now = int((white_text(result.network().forward(X)) == (y == 1)).sum())
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Final error", f"{from_sum(result.final_loss):.2e}")
    c2.metric("Minimum error", f"{from_sum(result.best_loss):.2e}")
    c3.metric("Reached at iteration", f"{result.best_iteration:,}")
    c4.metric("Training colours right", f"{right_now} / {len(X)}")
    st.caption(
        f"Error: the document's Error_total = {ERROR_TEXT}, summed over the ten colours; "
        "gradient descent follows its gradient. "
        f"Settings: {settings.describe()}. Initial weights are decided by seed {settings.seed} "
        "alone, so another learning rate starts from the same weights. Bookmark the URL to come "
        "back to this run."
    )


def predictions_ui(result: TrainResult, settings: TrainingSettings) -> None:
    net = result.network()
    X, y = training_set()
    names, X_new, y_new = held_out_set()
    left, right = st.columns(2)
    with left:
        st.subheader("Training colours")
        labels = [f"colour {i + 1}" for i in range(len(X))]
        out = net.forward(X)
        st.caption(f"{int((white_text(out) == (y == 1)).sum())} of {len(X)} right")
        plot("pred_train", predictions_figure(tuple(labels), X, y, out))
    with right:
        st.subheader("Never-seen colours")
        out_new = net.forward(X_new)
        st.caption(f"{int((white_text(out_new) == (y_new == 1)).sum())} of {len(X_new)} right")
        plot("pred_new", predictions_figure(tuple(names), X_new, y_new, out_new))


def weights_ui(result: TrainResult, settings: TrainingSettings) -> None:
    st.markdown("The final weights, bias in the last column, on one colour scale.")
    heatmaps_ui(result.weights, "train_W")
    plot("weights_time", weights_figure(result.snapshot_iterations, tuple(result.snapshots)))


def sweep_ui(settings: TrainingSettings) -> None:
    st.markdown(
        f"All {len(LEARNING_RATES)} learning rates of the slider, from "
        f"{LEARNING_RATES[0]:g} to {LEARNING_RATES[-1]:g}, trained from the same initial "
        "weights for the same number of iterations, in one compiled run. Past a point the "
        "error stops falling: the steps overshoot (oscillation) and then diverge."
    )
    with st.spinner("Training one network per learning rate…"):
        sweep = sweep_cached(TrainingSettings(**(settings.as_dict() | {"learning_rate": 1.0})))
    figure = sweep_figure(sweep["rates"], sweep["final"], sweep["best"], settings.learning_rate)
    plot("sweep", figure)
