"""The training page's session state, with one owner: every key, its records, and how they change.

Other modules of ``ui/train`` read and change the page's state only through these functions,
and take their widgets' keys from here, so that no key is spelt twice. What is kept:

- the pinned runs (``PinnedRun``), as a tuple that is replaced, never mutated;
- where stepping stands (``Stepper``) and a link's ``step=N`` not yet opened;
- the landscape's picked point (``Pick``), which also fills the α and β inputs;
- the tab shown, and the widgets whose values other code sets (a reset, a preset, a pick).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from core.mlp import Step, TrainingSettings

# What the page keeps between reruns (no widget has these keys).
STEPPER = "train_stepper"
STEP_FROM_URL = "train_step_from_url"
PINNED = "train_pinned"
LAST_PICK = "train_landscape_last_pick"

# Widgets whose values code sets or reads outside the widget call.
TAB = "train_tab"
DEPTH = "train_depth"
STEP_FRAME = "train_step_frame"  # the Step tab's iteration slider
PICKS = ("train_landscape_alpha", "train_landscape_beta")
LEARNING_RATE = "lr"  # bound to the URL: the key is the parameter's name


def hidden_key(layer: int) -> str:
    """The key of the slider of hidden layer ``layer`` (0-based)."""
    return f"train_hidden_{layer}"


@dataclass(frozen=True)
class PinnedRun:
    """A pinned run: its settings, and its error curve (None until a link's run is trained)."""

    settings: TrainingSettings
    losses: np.ndarray | None = field(default=None, compare=False)


@dataclass(frozen=True, eq=False)
class Stepper:
    """Where stepping stands: the weights after ``iteration`` steps, and the last step taken."""

    settings: TrainingSettings
    iteration: int
    weights: list[np.ndarray]
    last: Step | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Pick:
    """A point of the landscape's plane, clicked on the map."""

    alpha: float
    beta: float


# --- widgets -------------------------------------------------------------------------------


def widget_value(key: str, default=None):
    """A widget's value as the session holds it (``default`` before it is first drawn)."""
    return st.session_state.get(key, default)


def set_widgets(values: dict[str, object]) -> None:
    """Set widgets' values before they are drawn (in a callback, or above the widgets)."""
    st.session_state.update(values)


def default_widgets(values: dict[str, object]) -> None:
    """Give widgets a first value where the session has none yet."""
    for key, value in values.items():
        st.session_state.setdefault(key, value)


def open_tab(label: str) -> None:
    """Show the tab ``label`` on the next run (in a callback)."""
    st.session_state[TAB] = label


# --- pinned runs ---------------------------------------------------------------------------


def pinned() -> tuple[PinnedRun, ...]:
    """The pinned runs, in the order they were pinned."""
    return st.session_state.get(PINNED, ())


def set_pinned(runs: tuple[PinnedRun, ...]) -> None:
    st.session_state[PINNED] = tuple(runs)


def pin(run: PinnedRun) -> None:
    set_pinned((*pinned(), run))


def unpin(index: int) -> None:
    runs = pinned()
    set_pinned(runs[:index] + runs[index + 1 :])


# --- stepping ------------------------------------------------------------------------------


def stepper(settings: TrainingSettings) -> Stepper | None:
    """This session's stepper, if it steps the run of ``settings``."""
    kept = st.session_state.get(STEPPER)
    return kept if kept is not None and kept.settings == settings else None


def set_stepper(kept: Stepper) -> None:
    st.session_state[STEPPER] = kept


def set_step_from_url(step: int | None) -> None:
    """Keep a link's ``step=N`` until the Step tab opens (None: forget it)."""
    if step:
        st.session_state[STEP_FROM_URL] = step
    else:
        st.session_state.pop(STEP_FROM_URL, None)


def step_from_url() -> int | None:
    """A link's ``step=N`` not yet opened in the Step tab."""
    return st.session_state.get(STEP_FROM_URL)


def take_step_from_url() -> int | None:
    """A link's ``step=N``, once: the Step tab starts there."""
    return st.session_state.pop(STEP_FROM_URL, None)


# --- the landscape -------------------------------------------------------------------------


def take_pick(pick: Pick) -> None:
    """A new click on the map fills α and β (the same click again leaves typed values alone)."""
    if st.session_state.get(LAST_PICK) != pick:
        st.session_state[LAST_PICK] = pick
        set_widgets(dict(zip(PICKS, (pick.alpha, pick.beta), strict=True)))
