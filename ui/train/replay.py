"""The replay tab: training as a film, played by the browser, and one neuron shown large."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from core.mlp import MLP, TrainingSettings, TrainResult, frame_indices
from core.mlp import plots as mlp_plots
from core.mlp.data import training_set
from core.mlp.drawing import CHANNELS, Slice
from core.mlp.replay import replay_parts
from core.mlp.replay_frames import replay_frames
from core.mlp.replay_layout import FILM_HEIGHT, FILM_MIN
from core.plot_style import NARROW_BELOW
from ui.training import train_cached


class PreparedFigure(go.Figure):
    """A large figure whose plain, JSON-ready dict is made once.

    Streamlit calls ``to_dict()`` on every draw, for every session: for the replay that is a
    deep copy of a hundred frames of NumPy arrays (about 0.5 s each time). Here it is done once
    when the figure is cached; each draw then only writes the JSON text. ``frames``, plain
    dicts, replace the figure's own frames without ever becoming Plotly objects.
    """

    def __init__(self, figure: go.Figure, frames: list[dict] | None = None) -> None:
        super().__init__()
        self._prepared = json.loads(figure.to_json())
        if frames is not None:
            self._prepared["frames"] = json.loads(pio.json.to_json_plotly(frames))

    def to_dict(self) -> dict:
        return self._prepared


SPACINGS = {"log": "Log-spaced (most change is early)", "even": "Evenly spaced"}

# Plotly's Play / Pause buttons and scrubber start an animation whose promise Plotly rejects,
# with no reason, when the next press interrupts it, and they never catch it: the browser then
# reports an "undefined" page error. This catches exactly those: a rejection with no reason
# within moments of a press on a Plotly button or scrubber (checked with plotly.js 3 in
# Streamlit 1.67 and plotly.js 4.1; tests/e2e/test_replay_film.py fails without it).
CATCH_INTERRUPTED_ANIMATIONS = """<script>
(() => {
  if (window.replayCatchesInterruptions) return;
  window.replayCatchesInterruptions = true;
  let pressed = -Infinity;
  const note = e => {
    const on = e.target.closest && e.target.closest('.updatemenu-container, .slider-container');
    if (on && (e.type === 'pointerdown' || e.buttons)) pressed = performance.now();
  };
  document.addEventListener('pointerdown', note, true);
  document.addEventListener('pointermove', note, true);
  window.addEventListener('unhandledrejection', e => {
    if (e.reason === undefined && performance.now() - pressed < 2000) e.preventDefault();
  });
})();
</script>"""


def plane_ui(prefix: str) -> Slice:
    """Which RGB plane the maps show: one channel held at a value."""
    a, b = st.columns(2)
    name = a.radio("Hold fixed", CHANNELS, index=2, horizontal=True, key=f"{prefix}_channel")
    value = b.slider(f"{name} value", 0, 255, 128, key=f"{prefix}_value")
    return Slice(CHANNELS.index(name), value / 255)


# The film fills the window's height (less Streamlit's header and a line above it), from
# FILM_MIN up to its designed height: at 150 % zoom on a 1920x1080 screen (720 CSS px) the map
# and Play show together. Stacked (narrow windows, the figure's "narrow" arrangement, chosen by
# ui/app.py's script at the same width) it keeps its full height and the page scrolls.
FILM_CSS = f"""<style>
div.st-key-train_replay_film {{
  --film: clamp({FILM_MIN}px, calc(100vh - 5.5rem), {FILM_HEIGHT[False]}px);
  height: var(--film); min-height: var(--film); max-height: var(--film); flex: 0 0 auto;
}}
@media (max-width: {NARROW_BELOW - 0.02}px) {{
  div.st-key-train_replay_film {{ --film: {FILM_HEIGHT[True]}px; }}
}}
.st-key-train_replay_film [data-testid="stElementContainer"],
.st-key-train_replay_film [data-testid="stFullScreenFrame"],
.st-key-train_replay_film [data-testid="stPlotlyChart"] {{ height: 100%; flex: 1 1 auto; }}
</style>"""


@st.cache_resource(show_spinner=False, max_entries=4)
def prepared_replay(settings: TrainingSettings, plane: Slice, spacing: str) -> PreparedFigure:
    """The replay of the run of ``settings``, built once for every session that opens it.

    Keyed by values only: the run comes from ``train_cached(settings)``, the one training cache.
    """
    X, y = training_set()
    result = train_cached(settings)
    frames = replay_frames(result, X, y, plane, spacing)
    return PreparedFigure(*replay_parts(frames, result, X, y, plane, spacing))


def replay_ui(result: TrainResult, settings: TrainingSettings) -> None:
    """Controls, then the animated figure (built once per settings, plane and spacing)."""
    plane = plane_ui("train_map")
    spacing = st.radio(
        "Frames", list(SPACINGS), format_func=SPACINGS.get, horizontal=True, key="train_spacing"
    )
    with st.spinner("Preparing the frames…"):
        figure = prepared_replay(settings, plane, spacing)
    count = len(frame_indices(result.snapshot_iterations, spacing))
    st.caption(
        f"{count} frames from iteration 0 to {settings.iterations:,}, "
        f"{'log-spaced' if spacing == 'log' else 'evenly spaced'}; press ▶ Play or drag the "
        "scrubber. Black to white: the output (0 black text, 1 white text); a training colour "
        "drawn as a circle wants white text (1), as a square black text (0); each hidden neuron "
        "is drawn as a map of its own output over the same plane. The animation runs in your "
        "browser."
    )
    st.html(FILM_CSS)
    with st.container(key="train_replay_film"):
        config = {"scrollZoom": False, "responsive": True}
        st.plotly_chart(figure, key="train_replay", theme=None, height="stretch", config=config)
    st.html(CATCH_INTERRUPTED_ANIMATIONS, unsafe_allow_javascript=True)
    neuron_ui(result, plane, spacing)


def neuron_ui(result: TrainResult, plane: Slice, spacing: str) -> None:
    """One hidden neuron's map, large, at a chosen frame of the replay."""
    hidden = [(k, j) for k, n in enumerate(result.layers[1:-1]) for j in range(n)]
    with st.expander("One hidden neuron, large"):
        a, b = st.columns(2)
        k, j = a.selectbox(
            "Neuron",
            hidden,
            format_func=lambda kj: f"neuron {kj[1] + 1} of hidden layer {kj[0] + 1}",
            key="train_neuron",
        )
        index = frame_indices(result.snapshot_iterations, spacing)
        iterations = [int(result.snapshot_iterations[i]) for i in index]
        at = b.select_slider(
            "At iteration",
            iterations,
            value=iterations[-1],
            format_func=lambda i: f"{i:,}",
            key="train_neuron_frame",
        )
        s = int(np.searchsorted(result.snapshot_iterations, at))
        net = MLP(result.layers, activation=result.activation, weights=result.snapshot_weights(s))
        axis, colours = plane.colours(64)
        _, A = net.forward_pass(colours)
        outputs = A[k][j].reshape(64, 64)
        X, y = training_set()
        title = f"Neuron {j + 1} of hidden layer {k + 1}<br><sup>at iteration {at:,}</sup>"
        figure = mlp_plots.neuron_map(axis, outputs, plane.channel, X, y, result.activation, title)
        st.plotly_chart(figure, key="train_neuron_map", theme=None)
