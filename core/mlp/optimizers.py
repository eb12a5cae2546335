"""How a step turns the gradient into new weights: gradient descent and four refinements.

For each weight matrix W, with g = dE/dW on this step's colours, eta the learning rate and
t = 1, 2, ... the step (the state v, s, m starts at zero):

    gd        W = W - eta * g                                            (the lesson's)
    momentum  v = momentum * v - eta * g;     W = W + v
    nesterov  v = momentum * v - eta * g;     W = W + momentum * v - eta * g
    rmsprop   s = rho * s + (1 - rho) * g^2;  W = W - eta * g / sqrt(s + epsilon)
    adam      m = beta_1 * m + (1 - beta_1) * g;  v = beta_2 * v + (1 - beta_2) * g^2
              W = W - eta * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)

These are Keras's own updates, term for term (``keras.optimizers.SGD`` with ``momentum`` and
``nesterov``, ``RMSprop``, ``Adam``; Keras 3.15), with Keras's names and defaults, and written
in Keras's order of operations so that both give the same numbers: RMSprop adds epsilon under
the square root, and Adam folds the bias corrections into the step size with epsilon outside.

``Optimizer.update`` uses arithmetic and the ``sqrt`` it is given only: the NumPy reference
passes ``np.sqrt``, the compiled engine ``tf.sqrt``; one home for each formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OPTIMIZERS = ("gd", "momentum", "nesterov", "rmsprop", "adam")
# How many state arrays each optimiser keeps per weight matrix (v; s; m and v).
SLOTS = {"gd": 0, "momentum": 1, "nesterov": 1, "rmsprop": 1, "adam": 2}


def _in_unit_interval(name: str, value: float) -> None:
    if not (np.isfinite(value) and 0 <= value < 1):
        raise ValueError(f"expected {name} in [0, 1), got {value}")


@dataclass(frozen=True)
class Optimizer:
    """An update rule and its settings (the learning rate is given to each step).

    Attributes:
        name: "gd", "momentum", "nesterov", "rmsprop" or "adam".
        momentum: momentum and nesterov's decay of the velocity v, in [0, 1).
        rho: rmsprop's decay of the mean square s, in [0, 1).
        beta_1, beta_2: adam's decays of the mean m and of the mean square v, in [0, 1).
        epsilon: rmsprop's and adam's guard against dividing by zero, > 0.
    """

    name: str = "gd"
    momentum: float = 0.9
    rho: float = 0.9
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7

    def __post_init__(self) -> None:
        if self.name not in OPTIMIZERS:
            raise ValueError(
                f"unknown optimizer {self.name!r}, expected one of {', '.join(OPTIMIZERS)}"
            )
        for name in ("momentum", "rho", "beta_1", "beta_2"):
            _in_unit_interval(name, getattr(self, name))
        if not (np.isfinite(self.epsilon) and self.epsilon > 0):
            raise ValueError(f"expected epsilon > 0, got {self.epsilon}")

    @property
    def slots(self) -> int:
        """The number of state arrays kept per weight matrix."""
        return SLOTS[self.name]

    def start(self, W: np.ndarray) -> tuple[np.ndarray, ...]:
        """The state before the first step: zeros shaped like W, ``slots`` of them."""
        return tuple(np.zeros_like(W) for _ in range(self.slots))

    def update(self, W, g, state: tuple, t, learning_rate, sqrt=np.sqrt):
        """One step of the rule for one weight matrix.

        Args:
            W: the weights; g: dE/dW, the same shape.
            state: ``start(W)`` before the first step, then what the previous step returned.
            t: the step, 1 for the first (adam's bias corrections use it).
            learning_rate: eta, a number or one per network (broadcast against W).
            sqrt: the square root for W's kind of array (``tf.sqrt`` for tensors).

        Returns:
            The new W and the new state.
        """
        eta = learning_rate
        if self.name == "gd":
            return W - eta * g, state
        if self.name in ("momentum", "nesterov"):
            (v,) = state
            v = v * self.momentum - g * eta
            if self.name == "momentum":
                return W + v, (v,)
            return W + (v * self.momentum - g * eta), (v,)
        if self.name == "rmsprop":
            (s,) = state
            s = self.rho * s + (1 - self.rho) * (g * g)
            return W - (eta * g) / sqrt(s + self.epsilon), (s,)
        m, v = state
        step_size = eta * sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m = m + (g - m) * (1 - self.beta_1)  # = beta_1 * m + (1 - beta_1) * g
        v = v + (g * g - v) * (1 - self.beta_2)  # = beta_2 * v + (1 - beta_2) * g^2
        return W - (m * step_size) / (sqrt(v) + self.epsilon), (m, v)
