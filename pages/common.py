"""Streamlit glue shared by the pages: cached training and the session's trained network."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import streamlit as st

from core.data import training_set
from core.mlp import TrainResult, train

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


@st.cache_data(show_spinner=False, max_entries=64)
def train_cached(
    settings: TrainingSettings, X: np.ndarray | None = None, y: np.ndarray | None = None
) -> TrainResult:
    """Train with the compiled engine; the result is shared by every session that asks.

    X and y default to the document's ten colours.
    """
    if X is None or y is None:
        X, y = training_set()
    return train(X, y, settings.layers, settings.learning_rate, settings.iterations,
                 settings.seed, settings.init_scale, settings.activation, engine="xla")  # fmt: skip


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
