"""Weight space: a network's weights as one vector, and the training error of many at once.

All the weights of a network are one vector ``theta`` of P numbers (35 for 3-5-2-1): ``W1``,
``W2``, ... flattened row by row, bias last in each row, as the lesson writes them.
``TrainingError`` runs the lesson's forward pass with N such vectors batched on a leading axis,
each activation taken from ``core.mlp.activations`` (its batched form), for the landscape's
grid of millions of weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.mlp.activations import OUTPUT, activation
from core.mlp.network import check_activation, check_data, check_layers, with_bias_row

OUTPUTS = ("sigmoid", "linear")
MAX_BATCH_VALUES = 4_000_000  # Z values per chunk of the batched pass: about 32 MB


def weight_count(layers: Sequence[int]) -> int:
    """P, the number of weights (biases included) of a network with these layer sizes."""
    layers = check_layers(layers)
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(layers[:-1], layers[1:], strict=True))


def flatten(weights: Sequence[np.ndarray]) -> np.ndarray:
    """One vector from the weight matrices, row by row: ``W1`` first, bias last in each row.

    Args:
        weights: one array per layer, shape (..., n_out, n_in + 1); leading axes (snapshots)
            are kept.

    Returns:
        Array of shape (..., P).
    """
    if len(weights) == 0:
        raise ValueError("expected at least one weight matrix, got none")
    lead = np.shape(weights[0])[:-2]
    if any(np.ndim(W) < 2 or np.shape(W)[:-2] != lead for W in weights):
        raise ValueError(
            f"expected matrices with the same leading axes {lead}, got "
            f"{[np.shape(W) for W in weights]}"
        )
    return np.concatenate([np.reshape(W, (*lead, -1)) for W in weights], axis=-1).astype(float)


def unflatten(theta: np.ndarray, layers: Sequence[int]) -> list[np.ndarray]:
    """The weight matrices of a vector (or of a batch of vectors), the inverse of ``flatten``.

    Args:
        theta: shape (..., P).
        layers: layer sizes, e.g. (3, 5, 2, 1).

    Returns:
        One array per layer, shape (..., n_out, n_in + 1).
    """
    layers = check_layers(layers)
    theta = np.asarray(theta, dtype=np.float64)
    if theta.ndim < 1 or theta.shape[-1] != weight_count(layers):
        raise ValueError(
            f"expected theta of shape (..., {weight_count(layers)}) for layers "
            f"{layers}, got {theta.shape}"
        )
    weights, start = [], 0
    for n_in, n_out in zip(layers[:-1], layers[1:], strict=True):
        size = n_out * (n_in + 1)
        weights.append(theta[..., start : start + size].reshape(*theta.shape[:-1], n_out, n_in + 1))
        start += size
    return weights


@dataclass(frozen=True, eq=False)
class TrainingError:
    """``Error_total = 1/2 sum((A_L - y)^2)`` on (X, y), for many weight vectors at once.

    Calling it with ``theta`` of shape (N, P) runs the lesson's forward pass with the weights
    batched on a leading axis, ``Z_k = W_k[:, :, :-1] @ A_{k-1} + W_k[:, :, -1:]``, and returns
    the N errors. ``output="linear"`` drops the output sigmoid (a planted quadratic in tests).
    """

    layers: tuple[int, ...]
    activation: str
    X: np.ndarray
    y: np.ndarray
    output: str = "sigmoid"

    def __post_init__(self) -> None:
        layers = check_layers(self.layers)
        check_activation(self.activation)
        if self.output not in OUTPUTS:
            raise ValueError(f"expected output one of {OUTPUTS}, got {self.output!r}")
        X, y = check_data(self.X, self.y, layers[0], layers[-1])
        object.__setattr__(self, "layers", layers)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float64)
        flat = theta.reshape(-1, theta.shape[-1]) if theta.ndim > 0 else theta
        if flat.ndim != 2 or flat.shape[1] != weight_count(self.layers):
            raise ValueError(
                f"expected theta of shape (..., {weight_count(self.layers)}), got {theta.shape}"
            )
        chunk = max(1, MAX_BATCH_VALUES // (len(self.X) * max(self.layers)))
        errors = [self._errors(flat[i : i + chunk]) for i in range(0, len(flat), chunk)]
        return np.concatenate(errors).reshape(theta.shape[:-1])

    def _errors(self, theta: np.ndarray) -> np.ndarray:
        """Errors of a batch (N, P): the forward pass, one matrix product per layer."""
        weights = unflatten(theta, self.layers)
        W1 = weights[0]  # (N, n_out, n_in + 1)
        # Z1 = W1 . [INPUT; 1], [INPUT; 1] shared by the batch. A stack of small products: one
        # large one would go to multi-threaded BLAS, 20x slower when the cores are busy.
        Z = W1 @ with_bias_row(self.X.T)
        hidden = activation(self.activation).batch
        for W in weights[1:]:
            A = hidden(Z)
            Z = W[:, :, :-1] @ A + W[:, :, -1:]  # Z_k = W_k . [A_{k-1}; 1], (N, n_out, n)
        A_L = Z if self.output == "linear" else activation(OUTPUT).batch(Z)
        return 0.5 * np.sum((A_L - self.y.T) ** 2, axis=(1, 2))  # core.mlp.error's definition
