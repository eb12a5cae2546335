"""Training shared by two pages: the cached run, and the network this session trained.

"Train the MLP" trains through ``train_cached`` and leaves its network in the session;
"Text over a colour" asks ``session_network`` for it (or the document's run), and retrains on a
person's labels through the same cache, so a lecture hall asking for one run trains it once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import streamlit as st

from core.mlp import ACTIVATIONS, ProgressCallback, TrainingSettings, TrainResult, train
from core.mlp.data import training_set
from core.mlp.settings import LIMITS, MAX_HIDDEN_LAYERS, MAX_NEURONS
from ui.cache import BY_VALUE
from ui.link import Param, exact, number, one_of, whole

# st.session_state key under which "Train the MLP" leaves its latest trained network.
TRAINED_KEY = "trained_network"


class Once:
    """A computation that runs at most once, however many sessions ask for it at the same time.

    ``st.cache_data`` cannot drive a progress bar that lives outside the cached function, so
    the page caches the *job* (``st.cache_resource``): the first caller computes (reporting
    progress), the others wait on the lock and then read the stored result.
    """

    def __init__(self, compute: Callable[[ProgressCallback | None], object]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self._result = None

    def get(self, progress: ProgressCallback | None = None):
        with self._lock:
            if self._result is None:
                self._result = self._compute(progress)
        return self._result


@st.cache_resource(show_spinner=False, max_entries=32, hash_funcs=BY_VALUE)
def _training_job(settings: TrainingSettings, X: np.ndarray | None, y: np.ndarray | None) -> Once:
    if X is None or y is None:
        X, y = training_set()
    return Once(lambda progress: train(X, y, settings, engine="xla", progress=progress))


def train_cached(
    settings: TrainingSettings,
    X: np.ndarray | None = None,
    y: np.ndarray | None = None,
    progress: ProgressCallback | None = None,
) -> TrainResult:
    """Train with the compiled engine; the result is shared by every session that asks.

    X and y default to the document's ten colours. ``progress(done, total)`` is called while
    a new run trains; a session asking for a run already under way waits for it.
    """
    return _training_job(settings, X, y).get(progress)


def remember_trained(result: TrainResult, settings: TrainingSettings) -> None:
    """Leave the network "Train the MLP" shows in the session, for "Text over a colour"."""
    st.session_state[TRAINED_KEY] = {"result": result, "settings": settings}


def session_network() -> tuple[TrainResult, TrainingSettings, bool]:
    """The network trained on "Train the MLP" in this session, else the document's default run.

    Returns:
        The result, its settings, and whether it came from this session.
    """
    stored = st.session_state.get(TRAINED_KEY)
    if stored is not None:
        return stored["result"], stored["settings"], True
    settings = TrainingSettings()
    return train_cached(settings), settings, False


def _hidden(text: str) -> tuple[int, ...]:
    """Hidden-layer sizes as a link writes them: "5-2"."""
    sizes = text.strip().split("-")
    read = whole(1, MAX_NEURONS)
    try:
        hidden = tuple(read(size) for size in sizes)
    except ValueError:
        hidden = ()
    if not 1 <= len(hidden) <= MAX_HIDDEN_LAYERS or len(hidden) != len(sizes):
        raise ValueError(
            f"should be 1-{MAX_HIDDEN_LAYERS} layer sizes of 1-{MAX_NEURONS}, such as 5-2"
        )
    return hidden


LESSON = TrainingSettings()
# The training settings in a URL, the same names on both pages that train ("lr=0.2&...").
TRAINING_PARAMS: tuple[Param, ...] = (
    Param("lr", number(*LIMITS["learning_rate"]), LESSON.learning_rate, exact),
    Param("iterations", whole(*LIMITS["iterations"]), LESSON.iterations),
    Param("seed", whole(*LIMITS["seed"]), LESSON.seed),
    Param("init", number(*LIMITS["init_scale"]), LESSON.init_scale, exact),
    Param("hidden", _hidden, LESSON.hidden, lambda sizes: "-".join(map(str, sizes))),
    Param("activation", one_of(ACTIVATIONS), LESSON.activation),
)
# Which setting each parameter holds.
FIELDS = {
    "lr": "learning_rate",
    "iterations": "iterations",
    "seed": "seed",
    "init": "init_scale",
    "hidden": "hidden",
    "activation": "activation",
}


def settings_of(values: dict[str, object]) -> TrainingSettings:
    """The training settings a link's values describe (the lesson's for what they leave out)."""
    return TrainingSettings(**{FIELDS[name]: values[name] for name in FIELDS if name in values})


def values_of(settings: TrainingSettings) -> dict[str, object]:
    """The URL values of training settings (``settings_of``'s inverse)."""
    return {name: getattr(settings, field) for name, field in FIELDS.items()}
