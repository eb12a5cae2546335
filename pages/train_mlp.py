"""Train the MLP: the lesson's 3-5-2-1 network learning black-or-white text, live."""

import inspect
import json

import numpy as np
import pandas as pd
import streamlit as st

from core.mlp import MLP, TrainResult, white_text
from core.mlp import plots as mlp_plots
from core.mlp.data import TRAINING_COLOURS, held_out_set, training_set
from core.mlp.latex import latex_matrix
from ui.app import ensure_app_navigation
from ui.common import (
    ACTIVATION_NAMES,
    INIT_SCALES,
    ITERATIONS,
    LEARNING_RATES,
    MAX_SEED,
    TRAINED_KEY,
    TrainingSettings,
    cached_figure,
    settings_from_query,
    settings_to_query,
    train_cached,
)

ensure_app_navigation()  # a deep link on a fresh server still gets the app's navigation


@st.cache_data(show_spinner=False, max_entries=32)
def sweep_cached(settings: TrainingSettings) -> dict[str, np.ndarray]:
    """Final and best error for every learning rate on the slider, same start, one run."""
    from core.mlp.engine import sweep_learning_rates

    X, y = training_set()
    sweep = sweep_learning_rates(
        X,
        y,
        LEARNING_RATES,
        settings.layers,
        settings.iterations,
        settings.seed,
        settings.init_scale,
        settings.activation,
    )
    return {"rates": sweep.learning_rates, "final": sweep.final_losses, "best": sweep.best_losses}


def plot(key: str, build, *identity) -> None:
    """Draw a figure with its own projector-sized styling rather than the Streamlit theme.

    The figure is built once per (key, identity) for all sessions; identity must name
    everything the figure depends on (usually the training settings).
    """
    figure = cached_figure(("train", key, *identity), build)
    st.plotly_chart(figure, key=key, theme=None, width="stretch")


LATEX_NAMES = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{relu}"}


def read_url_once() -> None:
    """Seed the controls from the URL on the first run of the session."""
    if st.session_state.get("train_url_read"):
        return
    settings, problems = settings_from_query(dict(st.query_params))
    st.session_state.update(
        train_problems=problems,
        train_url_read=True,
        lr=settings.learning_rate,
        iterations=settings.iterations,
        seed=settings.seed,
        init=settings.init_scale,
        depth=len(settings.hidden),
        activation=settings.activation,
        **{f"hidden_{i}": n for i, n in enumerate(settings.hidden)},
    )


def controls_ui() -> TrainingSettings:
    """The sidebar controls; returns the settings they describe."""
    keep = {"persist_state": "session"}
    with st.sidebar:
        st.header("Training settings")
        learning_rate = st.select_slider(
            "Learning rate",
            LEARNING_RATES,
            key="lr",
            **keep,
            help="Step size of gradient descent (log scale). The lesson uses 0.2.",
        )
        iterations = st.select_slider(
            "Iterations",
            ITERATIONS,
            key="iterations",
            format_func=lambda n: f"{n:,}",
            **keep,
            help="Full-batch gradient-descent steps. The lesson uses 10,000.",
        )
        seed = st.number_input(
            "Random seed",
            0,
            MAX_SEED,
            step=1,
            key="seed",
            **keep,
            help="Seed of the initial weights.",
        )
        init_scale = st.select_slider(
            "Init scale",
            INIT_SCALES,
            key="init",
            **keep,
            help="Standard deviation of the normal initial weights. The lesson uses 0.15.",
        )
        depth = st.slider("Hidden layers", 1, 3, key="depth", **keep)
        for i in range(depth):
            st.session_state.setdefault(f"hidden_{i}", (5, 2, 4)[i])
        hidden = tuple(
            st.slider(f"Neurons in hidden layer {i + 1}", 1, 8, key=f"hidden_{i}", **keep)
            for i in range(depth)
        )
        activation = st.radio(
            "Hidden activation",
            ACTIVATION_NAMES,
            key="activation",
            horizontal=True,
            **keep,
            help="The output neuron is always sigmoid.",
        )
        if st.button("Reset to the lesson's settings", width="stretch"):
            st.session_state.train_url_read = False
            st.query_params.clear()
            st.rerun()
    return TrainingSettings(learning_rate, iterations, int(seed), init_scale, hidden, activation)


def train_with_progress(settings: TrainingSettings) -> TrainResult:
    """Train (or fetch from the cache) with a progress bar for long runs."""
    bar = st.progress(0.0, text="Training…")

    def report(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Training… {done:,} of {total:,} iterations")

    try:
        return train_cached(settings, progress=report)
    finally:
        bar.empty()


def one_step_ui(settings: TrainingSettings) -> None:
    """Every number of one backpropagation step, next to the lesson's formulas."""
    X, y = training_set()
    net = MLP(settings.layers, settings.seed, settings.init_scale, settings.activation)
    step = net.step(X[:3], y[:3], settings.learning_rate)
    L = len(step.W)
    m = latex_matrix
    st.markdown(
        "The lesson's first three colours as columns of `INPUT`, the **initial** weights of "
        f"the current seed, and learning rate {settings.learning_rate:g}. Each line is the "
        "formula, then the numbers it produces."
    )
    st.latex(r"INPUT = " + m(step.INPUT) + r"\qquad y = " + m(step.y, 0))
    for k in range(L):
        f = LATEX_NAMES["sigmoid" if k == L - 1 else settings.activation]
        below = "INPUT" if k == 0 else f"A_{k}"
        st.latex(rf"W_{k + 1} = " + m(step.W[k]))
        st.latex(
            rf"Z_{k + 1} = W_{k + 1}\cdot\begin{{bmatrix}}{below}\\ 1\end{{bmatrix}} = "
            + m(step.Z[k])
        )
        st.latex(rf"A_{k + 1} = {f}(Z_{k + 1}) = " + m(step.A[k]))
    st.latex(
        rf"Error_{{total}} = \sum (A_{L} - y)^2 = {step.error:.6f}"
        rf"\quad\text{{(the gradient is of }}\tfrac12\sum(A_{L}-y)^2\text{{)}}"
    )
    st.markdown("**Backward pass**: the deltas, from the output back to the first layer.")
    st.latex(rf"\delta_{L} = (A_{L} - y)\odot A_{L}\odot(1 - A_{L}) = " + m(step.delta[-1], 6))
    for k in reversed(range(L - 1)):
        st.latex(
            rf"\delta_{k + 1} = (W_{k + 2}^{{\,T}}\,\delta_{k + 2})_{{\text{{no bias}}}}"
            rf"\odot f'(Z_{k + 1}) = " + m(step.delta[k], 6)
        )
    st.markdown(
        "**Gradients and the update** $W_{new} = W_{old} - learningRate \\cdot "
        "\\partial Error_{total} / \\partial W$."
    )
    for k in range(L):
        below = "INPUT" if k == 0 else f"A_{k}"
        st.latex(
            rf"\frac{{\partial E}}{{\partial W_{k + 1}}} = \delta_{k + 1}\cdot"
            rf"\begin{{bmatrix}}{below}\\ 1\end{{bmatrix}}^T = " + m(step.gradients[k], 6)
        )
        st.latex(rf"W_{k + 1}^{{new}} = " + m(step.W_new[k], 6))
    with st.expander("The NumPy reference code of this step (core/mlp.py)"):
        st.code(inspect.getsource(MLP.step), language="python")


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
        plot("pred_train", lambda: mlp_plots.predictions_table(labels, X, y, out), settings)
    with right:
        st.subheader("Never-seen colours")
        out_new = net.forward(X_new)
        st.caption(f"{int((white_text(out_new) == (y_new == 1)).sum())} of {len(X_new)} right")
        plot(
            "pred_new",
            lambda: mlp_plots.predictions_table(names, X_new, y_new, out_new),
            settings,
        )


def downloads_ui(result: TrainResult, settings: TrainingSettings) -> None:
    history = pd.DataFrame({"iteration": np.arange(len(result.losses)), "error": result.losses})
    weights = {
        "settings": settings.as_dict(),
        "layout": "each W has shape (n_out, n_in + 1), bias in the last column",
        "weights": {f"W{k + 1}": W.tolist() for k, W in enumerate(result.weights)},
        "best_iteration": result.best_iteration,
        "best_error": result.best_loss,
        "final_error": result.final_loss,
    }
    left, right = st.columns(2)
    left.download_button(
        "Download the error history (CSV)",
        history.to_csv(index=False),
        "mlp_error_history.csv",
        "text/csv",
        width="stretch",
    )
    right.download_button(
        "Download the final weights (JSON)",
        json.dumps(weights, indent=2),
        "mlp_weights.json",
        "application/json",
        width="stretch",
    )


st.title("Train the MLP")
st.markdown(
    "A 3-5-2-1 network of sigmoid neurons learns, from ten colours, whether text over a colour "
    "should be **white (1)** or **black (0)**. Move a slider and it trains again by full-batch "
    "gradient descent: watch the error fall, the weights settle and the decision boundary form."
)
read_url_once()
settings = controls_ui()
st.query_params.from_dict(settings_to_query(settings))
for problem in st.session_state.get("train_problems", []):
    st.warning(f"Link setting ignored: {problem}. Using the default instead.", icon="⚠️")

try:
    result = train_with_progress(settings)
except ValueError as error:  # settings come from the widgets, so this is a guard, not a path
    st.error(f"Could not train with these settings: {error}")
    st.stop()
st.session_state[TRAINED_KEY] = {"result": result, "settings": settings}

X, y = training_set()
right_now = int((white_text(result.network().forward(X)) == (y == 1)).sum())
c1, c2, c3, c4 = st.columns(4)
c1.metric("Final error", f"{result.final_loss:.2e}")
c2.metric("Minimum error", f"{result.best_loss:.2e}")
c3.metric("Reached at iteration", f"{result.best_iteration:,}")
c4.metric("Training colours right", f"{right_now} / {len(X)}")
st.caption(f"Settings: {settings.describe()}. Bookmark the URL to come back to this run.")

left, right = st.columns([3, 2])
with left:
    log_y = st.toggle("Logarithmic error axis", value=True, key="log_y")
    plot(
        "loss_chart",
        lambda: mlp_plots.loss_figure(result.losses, result.best_iteration, log_y),
        settings,
        log_y,
    )
    st.markdown(f"Minimum error reached at iteration **{result.best_iteration:,}**.")
with right:
    plot("network", lambda: mlp_plots.network_diagram(settings.layers, result.weights), settings)

tabs = st.tabs(
    ["Weights", "Decision map", "Predictions", "Learning-rate sweep", "One step by the numbers"],
    key="train_tab",
    on_change="rerun",
)
weights_tab, map_tab, predictions_tab, sweep_tab, step_tab = tabs
if weights_tab.open:
    with weights_tab:
        plot("heatmaps", lambda: mlp_plots.weight_heatmaps(result.weights), settings)
        plot(
            "weights_time",
            lambda: mlp_plots.weights_over_time(result.snapshot_iterations, result.snapshots),
            settings,
        )
if map_tab.open:
    with map_tab:
        a, b = st.columns(2)
        channel_name = a.radio(
            "Hold fixed", ["red", "green", "blue"], index=2, horizontal=True, key="map_channel"
        )
        value = b.slider(f"{channel_name} value", 0, 255, 128, key="map_value")
        channel = ["red", "green", "blue"].index(channel_name)

        def decision_map():
            axis, outputs = mlp_plots.output_slice(result.network().forward, channel, value / 255)
            return mlp_plots.decision_map(axis, outputs, channel, value / 255, X, y)

        plot("decision_map", decision_map, settings, channel, value)
        st.caption(
            f"All {len(TRAINING_COLOURS)} training colours are drawn at their two free "
            "channels; their own third channel may differ from the slice shown."
        )
if predictions_tab.open:
    with predictions_tab:
        predictions_ui(result, settings)
if sweep_tab.open:
    with sweep_tab:
        st.markdown(
            f"All {len(LEARNING_RATES)} learning rates of the slider, trained from the same "
            "initial weights for the same number of iterations, in one compiled run."
        )
        with st.spinner("Training one network per learning rate…"):
            sweep = sweep_cached(TrainingSettings(**(settings.as_dict() | {"learning_rate": 1.0})))
        plot(
            "sweep",
            lambda: mlp_plots.sweep_figure(
                sweep["rates"], sweep["final"], sweep["best"], settings.learning_rate
            ),
            settings,
        )
if step_tab.open:
    with step_tab:
        one_step_ui(settings)

st.divider()
downloads_ui(result, settings)
