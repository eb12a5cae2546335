"""Streamlit glue shared by the pages: cached training and the session's trained network."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import numpy as np
import streamlit as st

from core.mlp import ProgressCallback, TrainResult, train
from core.mlp.data import training_set

# st.session_state key under which "Train the MLP" leaves its latest trained network.
TRAINED_KEY = "trained_network"


@dataclass(frozen=True)
class TrainingSettings:
    """Everything that decides a training run; the lesson's run is the default."""

    learning_rate: float = 0.2
    iterations: int = 10_000
    seed: int = 0
    init_scale: float = 0.15
    hidden: tuple[int, ...] = (5, 2)
    activation: str = "sigmoid"

    @property
    def layers(self) -> tuple[int, ...]:
        return (3, *self.hidden, 1)

    def describe(self) -> str:
        hidden = "-".join(str(n) for n in self.hidden)
        return (
            f"3-{hidden}-1 {self.activation}, learning rate {self.learning_rate:g}, "
            f"{self.iterations:,} iterations, seed {self.seed}, init scale {self.init_scale:g}"
        )

    def as_dict(self) -> dict:
        return asdict(self)

    def train(
        self, X: np.ndarray, y: np.ndarray, progress: ProgressCallback | None = None
    ) -> TrainResult:
        """Train on (X, y) with these settings and the compiled engine (no caching)."""
        return train(
            X,
            y,
            self.layers,
            self.learning_rate,
            self.iterations,
            self.seed,
            self.init_scale,
            self.activation,
            engine="xla",
            progress=progress,
        )


class Once:
    """A computation that runs at most once, however many sessions ask for it at the same time.

    ``st.cache_data`` cannot drive a progress bar that lives outside the cached function, so
    cached *jobs* are kept instead: the first caller computes (reporting progress), the
    others wait on the lock and then read the stored result.
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


@st.cache_resource(show_spinner=False, max_entries=32)
def _training_job(settings: TrainingSettings, X: np.ndarray | None, y: np.ndarray | None) -> Once:
    if X is None or y is None:
        X, y = training_set()
    return Once(lambda progress: settings.train(X, y, progress))


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


# Slider stops: a 1-1.5-2-3-5-7 series per decade reads well on a log scale.
LEARNING_RATES: tuple[float, ...] = (
    *(round(m * 10.0**e, 6) for e in range(-3, 1) for m in (1, 1.5, 2, 3, 5, 7)),
    10.0,
)
ITERATIONS: tuple[int, ...] = (
    100,
    200,
    500,
    1_000,
    2_000,
    5_000,
    10_000,
    20_000,
    50_000,
    100_000,
    200_000,
)
INIT_SCALES: tuple[float, ...] = (0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0)
ACTIVATION_NAMES: tuple[str, ...] = ("sigmoid", "tanh", "relu")
MAX_SEED = 9_999


def nearest(options: tuple[float, ...], value: float, log: bool = True) -> float:
    """The option closest to value (on a log scale when `log`)."""
    if log:
        return min(options, key=lambda o: abs(np.log(o) - np.log(value)))
    return min(options, key=lambda o: abs(o - value))


def settings_to_query(settings: TrainingSettings) -> dict[str, str]:
    """The URL form of the settings, e.g. lr=0.2&iterations=10000&hidden=5-2."""
    return {
        "lr": f"{settings.learning_rate:g}",
        "iterations": str(settings.iterations),
        "seed": str(settings.seed),
        "init": f"{settings.init_scale:g}",
        "hidden": "-".join(str(n) for n in settings.hidden),
        "activation": settings.activation,
    }


def settings_from_query(params: dict[str, str]) -> tuple[TrainingSettings, list[str]]:
    """Read settings from URL parameters; anything unreadable falls back to the default.

    Returns:
        The settings and one plain-language message per parameter that could not be used.
    """
    default = TrainingSettings()
    values = default.as_dict()
    problems: list[str] = []

    def number(name: str, cast, low, high):
        text = params.get(name)
        if text is None:
            return None
        try:
            value = cast(text)
        except (TypeError, ValueError):
            problems.append(f"`{name}={text}` is not a number")
            return None
        if not (np.isfinite(value) and low <= value <= high):
            problems.append(f"`{name}={text}` is outside {low:g} to {high:g}")
            return None
        return value

    if (lr := number("lr", float, LEARNING_RATES[0], LEARNING_RATES[-1])) is not None:
        values["learning_rate"] = nearest(LEARNING_RATES, lr)
    if (iterations := number("iterations", int, ITERATIONS[0], ITERATIONS[-1])) is not None:
        values["iterations"] = int(nearest(ITERATIONS, iterations))
    if (seed := number("seed", int, 0, MAX_SEED)) is not None:
        values["seed"] = seed
    if (scale := number("init", float, INIT_SCALES[0], INIT_SCALES[-1])) is not None:
        values["init_scale"] = nearest(INIT_SCALES, scale)
    if (hidden := params.get("hidden")) is not None:
        try:
            sizes = tuple(int(n) for n in hidden.split("-"))
        except ValueError:
            sizes = ()
        if 1 <= len(sizes) <= 3 and all(1 <= n <= 8 for n in sizes):
            values["hidden"] = sizes
        else:
            problems.append(f"`hidden={hidden}` should be 1-3 layer sizes of 1-8, such as 5-2")
    if (activation := params.get("activation")) is not None:
        if activation in ACTIVATION_NAMES:
            values["activation"] = activation
        else:
            problems.append(
                f"`activation={activation}` should be one of {', '.join(ACTIVATION_NAMES)}"
            )
    return TrainingSettings(**values), problems


# Heavy renders (VGG16 grids) run one at a time per process: twenty different grids at once
# would multiply the memory and starve every other session of both CPU cores.
HEAVY_WORK = threading.BoundedSemaphore(1)


@contextmanager
def one_at_a_time(waiting: Callable[[], None] | None = None):
    """Hold the process-wide slot for heavy work; call ``waiting()`` if it must queue first."""
    if not HEAVY_WORK.acquire(blocking=False):
        if waiting is not None:
            waiting()
        HEAVY_WORK.acquire()
    try:
        yield
    finally:
        HEAVY_WORK.release()


_FIGURES: OrderedDict[tuple, object] = OrderedDict()
_FIGURES_LOCK = threading.Lock()
MAX_FIGURES = 256


def cached_figure(key: tuple, build: Callable[[], object]):
    """A figure (or any drawing) built once per key for every session of the process.

    Building Plotly figures costs real CPU at every rerun; when a lecture hall opens the same
    run, each session would rebuild the same figures. Figures are shared, so callers must not
    modify what they get back.
    """
    with _FIGURES_LOCK:
        if key in _FIGURES:
            _FIGURES.move_to_end(key)
            return _FIGURES[key]
    figure = build()
    with _FIGURES_LOCK:
        _FIGURES[key] = figure
        while len(_FIGURES) > MAX_FIGURES:
            _FIGURES.popitem(last=False)
    return figure
