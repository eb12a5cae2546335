"""The activations, each defined once: its function, its derivative, its name in a formula.

Adding an activation is one ``Activation`` in ``TABLE``: the NumPy reference
(``core.mlp.network``), the landscape's batched pass (``core.mlp.landscape``), the exported
script (``core.mlp.export``, generated from these functions' source) and the page's formulas
take it from here. The compiled engine writes the same functions on tensors
(``core.mlp.engine.TENSOR_FORMS``, one per name of this table, checked against it in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def sigmoid(z):
    """Logistic function 1 / (1 + exp(-z)), written so exp never overflows."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z, a):
    return a * (1.0 - a)


def sigmoid_batch(z):
    """sigmoid(z) = (1 + tanh(z / 2)) / 2: never overflows, and one pass is 10x cheaper than
    ``sigmoid`` on a large batch (outputs below 1e-17 round to 0, which no error sees)."""
    return 0.5 * np.tanh(0.5 * z) + 0.5


def tanh(z):
    return np.tanh(z)


def tanh_derivative(z, a):
    return 1.0 - a**2


def relu(z):
    return np.maximum(z, 0.0)


def relu_derivative(z, a):
    return (z > 0).astype(z.dtype)


@dataclass(frozen=True)
class Activation:
    """One activation function.

    Attributes:
        name: as settings and links write it.
        function: f(z) on NumPy arrays, the reference.
        derivative: f'(z) from the pre-activation z and a = f(z).
        latex: its symbol in the page's formulas.
        batch: the form the landscape uses on millions of values (the same function).
        low, high: the range of its outputs (high None: no top), for a neuron's colour scale.
        flat: what a neuron is called where its slope f'(z) is all but 0.
    """

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray, np.ndarray], np.ndarray]
    latex: str
    batch: Callable[[np.ndarray], np.ndarray]
    low: float
    high: float | None
    flat: str = "saturated"


TABLE: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", sigmoid, sigmoid_derivative, r"\sigma", sigmoid_batch, 0.0, 1.0),
        Activation("tanh", tanh, tanh_derivative, r"\tanh", tanh, -1.0, 1.0),
        Activation(
            "relu", relu, relu_derivative, r"\mathrm{relu}", relu, 0.0, None, "saturated or dead"
        ),
    )
}
ACTIVATIONS = tuple(TABLE)
OUTPUT = "sigmoid"  # the output neuron's activation, whatever the hidden layers use


def activation(name: str) -> Activation:
    """The activation called ``name``; a ValueError names the ones there are."""
    if name not in TABLE:
        raise ValueError(f"unknown activation {name!r}, expected one of {ACTIVATIONS}")
    return TABLE[name]


def activate(z: np.ndarray, name: str) -> np.ndarray:
    """Apply the activation ``name``."""
    return activation(name).function(z)


def activation_derivative(z: np.ndarray, a: np.ndarray, name: str) -> np.ndarray:
    """d a / d z, from the pre-activation z and the activation a = f(z)."""
    return activation(name).derivative(z, a)
