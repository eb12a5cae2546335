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
        return (
            f"{self.network_name}, learning rate {self.learning_rate:g}, "
            f"{self.iterations:,} iterations, seed {self.seed}, init scale {self.init_scale:g}"
        )

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def network_name(self) -> str:
        """E.g. "3-5-2-1 sigmoid": the layer sizes and the hidden activation."""
        return "-".join(str(n) for n in self.layers) + f" {self.activation}"

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


# Slider stops: a 1-1.5-2-3-5-7 series per decade reads well on a log scale. Up to 100, where
# the core is still stable, so that a rate too large to learn can be shown.
LEARNING_RATES: tuple[float, ...] = (
    *(round(m * 10.0**e, 6) for e in range(-3, 2) for m in (1, 1.5, 2, 3, 5, 7)),
    100.0,
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
MAX_HIDDEN_LAYERS, MAX_NEURONS = 3, 8


@dataclass(frozen=True)
class Preset:
    """A learning rate worth showing, and what to watch for (at the lesson's seed and network)."""

    name: str
    learning_rate: float
    watch: str


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Too small",
        0.01,
        "the error barely falls in 10,000 iterations and the boundary hardly moves: the steps "
        "are too short to leave the plateau.",
    ),
    Preset(
        "Lesson's",
        0.2,
        "the error rests on a plateau for about 1,000 iterations, then falls a thousandfold as "
        "the boundary swings into place.",
    ),
    Preset(
        "On the edge",
        5.0,
        "the error jumps up before it falls: the steps overshoot the valley and bounce "
        "(oscillation) until they settle.",
    ),
    Preset(
        "Too large",
        20.0,
        "the first steps throw the error up to 4 and it stays there: the neurons saturate, "
        "their gradients vanish, and training diverges to a network sure of wrong answers.",
    ),
)


def with_value(options: tuple, value) -> tuple:
    """The slider's stops, with ``value`` added in order when it lies between two of them."""
    return tuple(sorted({*options, value}))


def exact(value: float) -> str:
    """A float as short URL text that reads back as the same float ("0.2", "1", "0.33")."""
    short = f"{value:.15g}"
    return short if float(short) == value else repr(float(value))


def settings_to_query(settings: TrainingSettings) -> dict[str, str]:
    """The URL form of the settings, e.g. lr=0.2&iterations=10000&hidden=5-2."""
    return {
        "lr": exact(settings.learning_rate),
        "iterations": str(settings.iterations),
        "seed": str(settings.seed),
        "init": exact(settings.init_scale),
        "hidden": "-".join(str(n) for n in settings.hidden),
        "activation": settings.activation,
    }


@dataclass(frozen=True)
class UrlNote:
    """A URL parameter that could not be used as written: which setting, what it became, why.

    The page shows it while that setting still holds ``value``, and drops it once changed.
    """

    field: str
    value: object
    text: str


def _number(text: str, whole: bool) -> float | None:
    """A finite number from URL text ("0.33", "1e6", "12345"), or None; whole numbers only
    when ``whole``."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    if not np.isfinite(value) or (whole and value != int(value)):
        return None
    return int(value) if whole else value


NUMERIC_PARAMETERS = {  # URL name: (setting, whole number, lowest, highest)
    "lr": ("learning_rate", False, 1e-4, 100.0),
    "iterations": ("iterations", True, 1, 200_000),
    "seed": ("seed", True, 0, MAX_SEED),
    "init": ("init_scale", False, 1e-3, 10.0),
}


def settings_from_query(params: dict[str, str]) -> tuple[TrainingSettings, list[UrlNote]]:
    """Read settings from URL parameters: any valid value is used as written.

    Anything unreadable or out of range falls back to the lesson's value, with a note saying
    what the parameter became and why.

    Returns:
        The settings and one ``UrlNote`` per parameter that could not be used.
    """
    default = TrainingSettings()
    values = default.as_dict()
    notes: list[UrlNote] = []
    for name, (field, whole, low, high) in NUMERIC_PARAMETERS.items():
        if (text := params.get(name)) is None:
            continue
        value = _number(text, whole)
        if value is not None and low <= value <= high:
            values[field] = value
            continue
        kind = "a whole number" if whole else "a number"
        reason = f"is not {kind}" if value is None else f"is outside {low:,g} to {high:,g}"
        notes.append(
            UrlNote(field, values[field], f"`{name}={text}` {reason}; using {values[field]:,g}")
        )
    if (hidden := params.get("hidden")) is not None:
        sizes = tuple(_number(n, True) for n in hidden.split("-"))
        if 1 <= len(sizes) <= MAX_HIDDEN_LAYERS and all(
            n is not None and 1 <= n <= MAX_NEURONS for n in sizes
        ):
            values["hidden"] = tuple(int(n) for n in sizes)
        else:
            notes.append(
                UrlNote(
                    "hidden",
                    default.hidden,
                    f"`hidden={hidden}` should be 1-{MAX_HIDDEN_LAYERS} layer sizes of "
                    f"1-{MAX_NEURONS}, such as 5-2; using 5-2",
                )
            )
    if (activation := params.get("activation")) is not None:
        if activation in ACTIVATION_NAMES:
            values["activation"] = activation
        else:
            notes.append(
                UrlNote(
                    "activation",
                    default.activation,
                    f"`activation={activation}` should be one of {', '.join(ACTIVATION_NAMES)}; "
                    f"using {default.activation}",
                )
            )
    return TrainingSettings(**values), notes


def notes_still_true(notes: list[UrlNote], settings: TrainingSettings) -> list[UrlNote]:
    """The notes whose setting still holds the value the note announced."""
    return [note for note in notes if getattr(settings, note.field) == note.value]


PHONE_HINTS = ("Mobi", "Android", "iPhone")


def on_a_phone() -> bool:
    """Whether the browser says it is a phone (its User-Agent), to lay charts out for it."""
    try:
        agent = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # no request behind this run (a test): a wide screen
        return False
    return any(hint in agent for hint in PHONE_HINTS)


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
