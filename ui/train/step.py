"""Gradient descent one step at a time: buttons, the new weights, and the step by the numbers."""

from __future__ import annotations

import inspect
import time
from dataclasses import replace

import numpy as np
import streamlit as st

from core.mlp import MLP, Step, TrainingSettings, TrainResult, log_frames
from core.mlp import plots as mlp_plots
from core.mlp.activations import OUTPUT
from core.mlp.activations import activation as mlp_activation
from core.mlp.data import training_set
from core.mlp.error import error_total, from_sum
from core.mlp.latex import error_latex, latex_matrix, output_delta_latex
from ui.app import on_a_phone
from ui.train import state
from ui.train.controls import MAX_STEPS_PAST_RUN
from ui.train.state import Stepper

STEP_SIZES = (1, 10, 100)


def take_steps(stepper: Stepper, n: int) -> Stepper:
    """n full-batch steps on the lesson's colours with ``core.mlp``; the last is kept whole."""
    X, y = training_set()
    s = stepper.settings
    start = time.perf_counter()
    net = MLP(s.layers, activation=s.activation, weights=stepper.weights)
    for _ in range(n - 1):
        net.backprop(X, y, s.learning_rate)
    last = net.step(X, y, s.learning_rate)
    return replace(
        stepper,
        iteration=stepper.iteration + n,
        weights=last.W_new,
        last=last,
        seconds=time.perf_counter() - start,
    )


def start_at(result: TrainResult, settings: TrainingSettings, iteration: int) -> Stepper:
    """A stepper at ``iteration``: the run's nearest snapshot at or before it, then steps."""
    index = int(np.searchsorted(result.snapshot_iterations, iteration, side="right")) - 1
    stepper = Stepper(
        settings, int(result.snapshot_iterations[index]), result.snapshot_weights(index)
    )
    if iteration > stepper.iteration:
        stepper = take_steps(stepper, iteration - stepper.iteration)
        stepper = replace(stepper, last=None)  # the step a person took, not the catching up
    return stepper


def current_stepper(result: TrainResult, settings: TrainingSettings) -> Stepper:
    """This session's stepper for these settings: from a step=N link, else the initial weights."""
    stepper = state.stepper(settings)
    if stepper is not None:
        return stepper
    stepper = Stepper(settings, 0, [W.copy() for W in result.initial_weights])
    wanted = state.take_step_from_url()
    if wanted is not None:
        if wanted <= settings.iterations + MAX_STEPS_PAST_RUN:
            stepper = start_at(result, settings, wanted)
        else:
            st.warning(f"Link setting: `step={wanted}` is not a step of this run; starting at 0.")
    state.set_stepper(stepper)
    return stepper


def buttons_ui(result: TrainResult, stepper: Stepper) -> Stepper:
    """Reset, +1, +10, +100, and the iteration slider over the replay's frames."""
    columns = st.columns(len(STEP_SIZES) + 1)
    if columns[0].button(
        "Reset to the initial weights",
        key="train_step_reset",
        icon=":material/restart_alt:",
        width="stretch",
    ):
        state.set_stepper(Stepper(stepper.settings, 0, [W.copy() for W in result.initial_weights]))
        st.rerun()
    for column, n in zip(columns[1:], STEP_SIZES, strict=True):
        if column.button(f"+{n} step{'s' * (n > 1)}", key=f"train_step_{n}", width="stretch"):
            stepper = take_steps(stepper, n)
            state.set_stepper(stepper)
    iteration_slider_ui(result, stepper)
    return stepper


def slider_iterations(settings: TrainingSettings, iteration: int) -> list[int]:
    """The iteration slider's stops: the replay's log-spaced frames and where stepping stands."""
    return sorted({int(i) for i in log_frames(settings.iterations)} | {int(iteration)})


def _jump(result: TrainResult, settings: TrainingSettings) -> None:
    """The slider moved: stepping stands at the iteration it shows (a replay frame)."""
    state.set_stepper(start_at(result, settings, state.widget_value(state.STEP_FRAME)))


def iteration_slider_ui(result: TrainResult, stepper: Stepper) -> None:
    """The iteration stepping stands at, on a slider: drag it to start from a replay frame.

    The slider always shows the stepper's iteration (after a step, a reset, a link's step=N),
    and moving it moves the stepper, so the slider and the "Iteration" figure never disagree.
    """
    state.set_widgets({state.STEP_FRAME: stepper.iteration})
    st.select_slider(
        "Iteration: drag to start from a frame of the replay (log-spaced), or step with the "
        "buttons",
        slider_iterations(stepper.settings, stepper.iteration),
        format_func=lambda i: f"{i:,}",
        key=state.STEP_FRAME,
        on_change=_jump,
        args=(result, stepper.settings),
    )


def step_ui(result: TrainResult, settings: TrainingSettings) -> Stepper:
    """The whole stepping view; returns the stepper (its iteration goes into the URL)."""
    stepper = current_stepper(result, settings)
    st.markdown(
        f"Gradient descent by hand, from the initial weights (seed {settings.seed}) or from a "
        f"frame of the replay, at learning rate {settings.learning_rate:g}, on all ten colours. "
        "Each button takes that many full-batch steps with `core.mlp`."
    )
    stepper = buttons_ui(result, stepper)
    X, y = training_set()
    net = MLP(settings.layers, activation=settings.activation, weights=stepper.weights)
    error_now = error_total(net.forward(X), y)
    c1, c2 = st.columns(2)
    c1.metric("Iteration", f"{stepper.iteration:,}")
    delta = None if stepper.last is None else f"{error_now - from_sum(stepper.last.error):+.3e}"
    c2.metric("Error now", f"{error_now:.6f}", delta=delta, delta_color="inverse")
    if stepper.last is not None:
        st.caption(f"Server time of the last click: {stepper.seconds * 1e3:.1f} ms.")
    left, right = st.columns([2, 3])
    with left:
        figure = mlp_plots.network_diagram(settings.layers, stepper.weights)
        st.plotly_chart(figure, key="train_step_network", theme=None)
    with right:
        heatmaps_ui(stepper.weights, "train_step_W")
    numbers_ui(stepper, net)
    return stepper


# A weight matrix needs no zoom: its toolbar keeps the download and full screen only, so that on
# a narrow column it stays one row high, over no title.
MATRIX_TOOLBAR = {
    "modeBarButtonsToRemove": [
        "zoom2d",
        "pan2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "resetScale2d",
    ]
}


def heatmaps_ui(weights: list[np.ndarray], key: str) -> None:
    """The weight matrices side by side (one under another on a phone), one colour scale."""
    limit = max(float(np.abs(W).max()) for W in weights) or 1.0
    columns = st.columns([W.shape[1] + 1 for W in weights])
    for k, (column, W) in enumerate(zip(columns, weights, strict=True)):
        with column:
            figure = mlp_plots.weight_heatmap(W, k + 1, limit, compact=on_a_phone())
            st.plotly_chart(figure, key=f"{key}{k + 1}", theme=None, config=MATRIX_TOOLBAR)


def numbers_ui(stepper: Stepper, net: MLP) -> None:
    """One step by the numbers: the step just taken, or the next one before any click."""
    step = stepper.last
    if step is None:
        X, y = training_set()
        step = net.step(X, y, stepper.settings.learning_rate)
        st.subheader(f"The next step by the numbers (iteration {stepper.iteration:,})")
    else:
        st.subheader(f"The step just taken by the numbers (iteration {stepper.iteration - 1:,})")
    st.caption(
        "Examples are the columns of INPUT (the ten colours); each line is the formula, then "
        "the numbers it gives. Scroll sideways on a phone."
    )
    step_latex(step, stepper.settings.activation)
    with st.expander("The NumPy reference code of this step (core/mlp/network.py)"):
        st.code(inspect.getsource(MLP.step), language="python")


def step_latex(step: Step, activation: str) -> None:
    """Forward pass, deltas, gradients and new weights, each beside its formula."""
    L, m = len(step.W), latex_matrix
    st.latex(r"INPUT = " + m(step.INPUT) + r"\qquad y = " + m(step.y, 0))
    for k in range(L):
        f = mlp_activation(OUTPUT if k == L - 1 else activation).latex
        below = "INPUT" if k == 0 else f"A_{k}"
        st.latex(rf"W_{k + 1} = " + m(step.W[k]))
        st.latex(
            rf"Z_{k + 1} = W_{k + 1}\cdot\begin{{bmatrix}}{below}\\ 1\end{{bmatrix}} = "
            + m(step.Z[k])
        )
        st.latex(rf"A_{k + 1} = {f}(Z_{k + 1}) = " + m(step.A[k]))
    st.latex(error_latex(L) + f" = {from_sum(step.error):.6f}")
    st.markdown(
        "**Backward pass**: the deltas, from the output back to the first layer. The output's "
        "delta is the gradient of this error with respect to $Z$."
    )
    st.latex(output_delta_latex(L) + " = " + m(step.delta[-1], 6))
    for k in reversed(range(L - 1)):
        st.latex(
            rf"\delta_{k + 1} = (W_{k + 2}^{{\,T}}\,\delta_{k + 2})_{{\text{{no bias}}}}"
            rf"\odot f'(Z_{k + 1}) = " + m(step.delta[k], 6)
        )
    st.markdown(
        f"**Gradients and the update** $W_{{new}} = W_{{old}} - {step.learning_rate:g} \\cdot "
        "\\partial Error_{total} / \\partial W$."
    )
    for k in range(L):
        below = "INPUT" if k == 0 else f"A_{k}"
        st.latex(
            rf"\frac{{\partial Error_{{total}}}}{{\partial W_{k + 1}}} = \delta_{k + 1}\cdot"
            rf"\begin{{bmatrix}}{below}\\ 1\end{{bmatrix}}^T = " + m(step.gradients[k], 6)
        )
        st.latex(rf"W_{k + 1}^{{new}} = " + m(step.W_new[k], 6))


def step_position(settings: TrainingSettings) -> int | None:
    """The iteration stepping stands at for these settings (None at 0), for the URL.

    A step=N link not yet opened in the step tab is kept as it came.
    """
    stepper = state.stepper(settings)
    if stepper is not None:
        return stepper.iteration or None
    return state.step_from_url()
