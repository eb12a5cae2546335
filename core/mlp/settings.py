"""Everything that decides a training run, in one object; the lesson's run is the default.

``train``, ``sweep_learning_rates`` and ``numpy_script`` take a ``TrainingSettings`` or the same
values as keyword arguments (``layers=(3, 5, 2, 1), learning_rate=0.2, ...``);
``resolve_settings`` turns either form into settings, checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from core.mlp.batches import is_whole_and_positive
from core.mlp.losses import LOSSES
from core.mlp.network import (
    ACTIVATIONS,
    MAX_ITERATIONS,
    MAX_LEARNING_RATE,
)
from core.mlp.optimizers import Optimizer

MAX_SEED = 9_999
MAX_HIDDEN_LAYERS, MAX_NEURONS = 3, 8
# What a link or a caller may ask for: (lowest, highest) of each number.
LIMITS = {
    "learning_rate": (1e-4, MAX_LEARNING_RATE),
    "iterations": (1, MAX_ITERATIONS),
    "seed": (0, MAX_SEED),
    "init_scale": (1e-3, 10.0),
}


@dataclass(frozen=True)
class TrainingSettings:
    """A training run: the lesson's 3-5-2-1 sigmoid network at learning rate 0.2 by default.

    The lesson's run is plain gradient descent on the squared error, all colours every step;
    the optimiser's settings carry Keras's names and defaults and matter only to their own
    optimiser (``core.mlp.optimizers``).

    Attributes:
        learning_rate: Step size (eta) of the update rule.
        iterations: Steps (one step = one update of the weights).
        seed: Decides the initial weights and, with mini-batches, the order of the colours.
        init_scale: Standard deviation of the normal initial weights.
        hidden: Neurons per hidden layer.
        activation: Hidden activation (the output is always sigmoid).
        optimizer: "gd" (the lesson's), "momentum", "nesterov", "rmsprop" or "adam".
        momentum: momentum and nesterov's decay of the velocity, in [0, 1).
        rho: rmsprop's decay of the mean square, in [0, 1).
        beta_1, beta_2: adam's decays of the mean and of the mean square, in [0, 1).
        epsilon: rmsprop's and adam's guard against dividing by zero, > 0.
        batch_size: colours per step: None for all of them (the lesson's), or 1 to their number.
        loss: "squared_error" (the lesson's, 1/2 sum of squares) or "cross_entropy".
    """

    learning_rate: float = 0.2
    iterations: int = 10_000
    seed: int = 0
    init_scale: float = 0.15
    hidden: tuple[int, ...] = (5, 2)
    activation: str = "sigmoid"
    optimizer: str = Optimizer.name  # the optimiser's settings: Keras's names and defaults
    momentum: float = Optimizer.momentum
    rho: float = Optimizer.rho
    beta_1: float = Optimizer.beta_1
    beta_2: float = Optimizer.beta_2
    epsilon: float = Optimizer.epsilon
    batch_size: int | None = None
    loss: str = "squared_error"

    @property
    def update_rule(self) -> Optimizer:
        """The optimiser with these settings (raises ValueError naming a bad one)."""
        return Optimizer(
            self.optimizer, self.momentum, self.rho, self.beta_1, self.beta_2, self.epsilon
        )

    @property
    def layers(self) -> tuple[int, ...]:
        """Layer sizes for the lesson's data: 3 inputs (RGB), the hidden layers, 1 output."""
        return self.layers_for(3, 1)

    def layers_for(self, n_inputs: int, n_outputs: int) -> tuple[int, ...]:
        """Layer sizes for data with ``n_inputs`` features and ``n_outputs`` targets."""
        return (n_inputs, *self.hidden, n_outputs)

    @property
    def network_name(self) -> str:
        """E.g. "3-5-2-1 sigmoid": the layer sizes and the hidden activation."""
        return "-".join(str(n) for n in self.layers) + f" {self.activation}"

    def describe(self) -> str:
        """The run in words; what the lesson's run leaves at its default is not named."""
        extra = ""
        if self.optimizer != "gd":
            extra += f", {self.optimizer}"
        if self.batch_size is not None:
            extra += f", batches of {self.batch_size}"
        if self.loss != "squared_error":
            extra += f", {self.loss.replace('_', '-')} loss"
        return (
            f"{self.network_name}, learning rate {self.learning_rate:g}, "
            f"{self.iterations:,} iterations, seed {self.seed}, init scale {self.init_scale:g}"
            f"{extra}"
        )

    def as_dict(self) -> dict:
        return asdict(self)

    def problem(self) -> str:
        """Why these settings cannot train, in words a person can act on; "" when they can."""
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if not low <= value <= high:
                return f"{name} must be between {low:g} and {high:g}, not {value:g}"
        if not 1 <= len(self.hidden) <= MAX_HIDDEN_LAYERS or not all(
            1 <= n <= MAX_NEURONS for n in self.hidden
        ):
            return (
                f"hidden must be 1 to {MAX_HIDDEN_LAYERS} layers of 1 to {MAX_NEURONS} neurons, "
                f"not {self.hidden}"
            )
        if self.activation not in ACTIVATIONS:
            return f"activation must be one of {', '.join(ACTIVATIONS)}, not {self.activation!r}"
        if self.loss not in LOSSES:
            return f"loss must be one of {', '.join(LOSSES)}, not {self.loss!r}"
        if self.batch_size is not None and not is_whole_and_positive(self.batch_size):
            return f"batch_size must be None (all colours) or 1 or more, not {self.batch_size}"
        try:
            _ = self.update_rule  # the optimiser checks its own settings
        except ValueError as error:
            return str(error)
        return ""


def resolve_settings(
    settings: TrainingSettings | None,
    X: np.ndarray,
    y: np.ndarray,
    *,
    layers: Sequence[int] | None = None,
    **values,
) -> tuple[TrainingSettings, tuple[int, ...]]:
    """Settings from a ``TrainingSettings`` or keyword arguments, and the layer sizes for (X, y).

    Args:
        settings: The run's settings; None builds them from the keyword arguments.
        X, y: The data: its widths give the input and output layers when ``layers`` is not given.
        layers: Layer sizes, input and output included (its hidden part becomes ``hidden``).
        **values: Any other ``TrainingSettings`` field (``learning_rate=0.5``).

    Returns:
        The settings and the layer sizes (unchecked: ``check_layers`` and ``check_data`` say
        what is wrong with them).

    Raises:
        ValueError: Both a settings object and keyword arguments, or an unknown argument.
    """
    if settings is not None and (layers is not None or values):
        raise ValueError("pass a TrainingSettings or keyword arguments, not both")
    if settings is None:
        unknown = set(values) - set(TrainingSettings.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown training setting(s): {', '.join(sorted(unknown))}")
        settings = TrainingSettings(**values)
        if layers is not None:
            layers = tuple(layers)
            settings = replace(settings, hidden=tuple(layers[1:-1]))
    if layers is None:
        n_inputs = np.shape(X)[1] if np.ndim(X) == 2 else 3
        n_outputs = np.shape(y)[1] if np.ndim(y) == 2 else 1
        layers = settings.layers_for(n_inputs, n_outputs)
    return settings, layers
