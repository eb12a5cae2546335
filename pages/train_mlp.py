"""Train the MLP: the lesson's network learning black-or-white text, replayed, stepped, compared."""

import numpy as np
import streamlit as st

from core.mlp import TrainResult, white_text
from core.mlp import plots as mlp_plots
from core.mlp.data import held_out_set, training_set
from ui.app import ensure_app_navigation
from ui.common import (
    LEARNING_RATES,
    TRAINED_KEY,
    TrainingSettings,
    cached_figure,
)
from ui.train.landscape import landscape_ui
from ui.train_compare import compare_ui
from ui.train_controls import (
    controls_ui,
    preset_line,
    read_url_once,
    train_with_progress,
    url_notes_ui,
    write_url,
)
from ui.train_export import export_ui
from ui.train_replay import replay_ui
from ui.train_step import heatmaps_ui, step_position, step_ui

ensure_app_navigation()  # a deep link on a fresh server still gets the app's navigation


@st.cache_data(show_spinner=False, max_entries=32)
def sweep_cached(settings: TrainingSettings) -> dict[str, np.ndarray]:
    """Final and best error for every learning rate on the slider, same start, one run."""
    from core.mlp.engine import sweep_learning_rates

    X, y = training_set()
    s = settings
    sweep = sweep_learning_rates(
        X, y, LEARNING_RATES, s.layers, s.iterations, s.seed, s.init_scale, s.activation
    )
    return {"rates": sweep.learning_rates, "final": sweep.final_losses, "best": sweep.best_losses}


def plot(key: str, build, *identity) -> None:
    """Draw a figure built once per (key, identity) for all sessions, in the house style."""
    figure = cached_figure(("train", key, *identity), build)
    st.plotly_chart(figure, key=key, theme=None, width="stretch")


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
    c1.metric("Final error", f"{result.final_loss:.2e}")
    c2.metric("Minimum error", f"{result.best_loss:.2e}")
    c3.metric("Reached at iteration", f"{result.best_iteration:,}")
    c4.metric("Training colours right", f"{right_now} / {len(X)}")
    st.caption(
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
        plot("pred_train", lambda: mlp_plots.predictions_table(labels, X, y, out), settings)
    with right:
        st.subheader("Never-seen colours")
        out_new = net.forward(X_new)
        st.caption(f"{int((white_text(out_new) == (y_new == 1)).sum())} of {len(X_new)} right")
        plot(
            "pred_new", lambda: mlp_plots.predictions_table(names, X_new, y_new, out_new), settings
        )


def weights_ui(result: TrainResult, settings: TrainingSettings) -> None:
    st.markdown("The final weights, bias in the last column, on one colour scale.")
    heatmaps_ui(result.weights, "train_W")
    plot(
        "weights_time",
        lambda: mlp_plots.weights_over_time(result.snapshot_iterations, result.snapshots),
        settings,
    )


def sweep_ui(settings: TrainingSettings) -> None:
    st.markdown(
        f"All {len(LEARNING_RATES)} learning rates of the slider, from "
        f"{LEARNING_RATES[0]:g} to {LEARNING_RATES[-1]:g}, trained from the same initial "
        "weights for the same number of iterations, in one compiled run. Past a point the "
        "error stops falling: the steps overshoot (oscillation) and then diverge."
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


st.title("Train the MLP")
read_url_once()
settings = controls_ui()
intro(settings)
if line := preset_line(settings):
    st.info(line, icon=":material/visibility:")
url_notes_ui(settings)

try:
    result = train_with_progress(settings)
except ValueError as error:  # settings come from the widgets, so this is a guard, not a path
    st.error(f"Could not train with these settings: {error}")
    st.stop()
st.session_state[TRAINED_KEY] = {"result": result, "settings": settings}
metrics_ui(result, settings)

# Each tab runs only while it is open (Streamlit reruns on a tab change): a student on the
# "Replay" tab costs the server nothing for the sweep or the exports.
TAB_VIEWS = {
    "Replay": lambda: replay_ui(result, settings),
    "Step by step": lambda: step_ui(result, settings),
    "Compare runs": lambda: compare_ui(result, settings),
    "Landscape": lambda: landscape_ui(result, settings),
    "Weights": lambda: weights_ui(result, settings),
    "Predictions": lambda: predictions_ui(result, settings),
    "Learning-rate sweep": lambda: sweep_ui(settings),
    "Export": lambda: export_ui(result, settings),
}
for tab, view in zip(st.tabs(list(TAB_VIEWS), key="train_tab", on_change="rerun"),
                     TAB_VIEWS.values(), strict=True):  # fmt: skip
    if tab.open:
        with tab:
            view()
write_url(settings, step_position(settings))
