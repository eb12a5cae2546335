"""The lesson's fully connected network in NumPy: forward pass, backward pass, training loop.

Layout follows the document: each weight matrix ``W`` has shape (n_out, n_in + 1) with the bias
in the last column, and a layer's values are columns, one per example:

    Z1 = W1 . [INPUT^T; 1]      A1 = f(Z1)
    Z2 = W2 . [A1; 1]           A2 = f(Z2)
    Z3 = W3 . [A2; 1]           A3 = sigmoid(Z3)

Error_total = 1/2 * sum((A3 - y)^2), and backpropagation walks the same equations in reverse:

    delta3 = (A3 - y) * sigmoid'(Z3)        (A3 - y for the cross-entropy: ``core.mlp.losses``)
    delta2 = (W3[:, :-1]^T . delta3) * f'(Z2)
    dE/dW  = delta . [A_previous; 1]^T
    W_new  = W_old - learning_rate * dE/dW   (or another rule: ``core.mlp.optimizers``)

This module is the readable reference; ``core.mlp.engine`` runs the same math compiled, and
``core.mlp.training.train`` switches between the two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.mlp.activations import ACTIVATIONS, OUTPUT, activate, activation_derivative
from core.mlp.losses import check_loss, output_delta

MAX_ITERATIONS = 200_000
MAX_LEARNING_RATE = 100.0
# The output is P(white text): white at or above this, black below (the lesson: 1 white, 0 black).
DECISION_THRESHOLD = 0.5


def with_bias_row(A: np.ndarray) -> np.ndarray:
    """[A; 1]: append a row of ones so the last weight column acts as the bias."""
    return np.vstack([A, np.ones((1, A.shape[1]))])


def check_layers(layers: Sequence[int]) -> tuple[int, ...]:
    """Validate layer sizes such as (3, 5, 2, 1) and return them as a tuple."""
    try:
        sizes = tuple(int(n) for n in layers)
    except (TypeError, ValueError):
        raise ValueError(f"expected layer sizes as integers, got {layers!r}") from None
    if len(sizes) < 2 or any(n < 1 for n in sizes) or sizes != tuple(layers):
        raise ValueError(f"expected at least two positive integer layer sizes, got {layers!r}")
    return sizes


def check_activation(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}, expected one of {ACTIVATIONS}")
    return activation


def check_data(
    X: np.ndarray, y: np.ndarray | None, n_inputs: int, n_outputs: int = 1
) -> tuple[np.ndarray, ...]:
    """Return X as (n, n_inputs) float64 and y as (n, n_outputs), raising ValueError on a mismatch.

    With one output, y may also be flat, shape (n,).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != n_inputs or X.shape[0] == 0:
        raise ValueError(f"expected X of shape (n, {n_inputs}) with n >= 1, got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains values that are not finite")
    if y is None:
        return (X,)
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1 and n_outputs == 1:
        y = y.reshape(-1, 1)
    if y.shape != (X.shape[0], n_outputs):
        flat = f"({X.shape[0]},) or " if n_outputs == 1 else ""
        raise ValueError(
            f"expected y of shape {flat}({X.shape[0]}, {n_outputs}) for {n_outputs} output"
            f"{'s' * (n_outputs != 1)}, got {y.shape}"
        )
    if not np.all(np.isfinite(y)):
        raise ValueError("y contains values that are not finite")
    return X, y


def check_learning_rate(learning_rate: float) -> float:
    if not (np.isfinite(learning_rate) and 0 < learning_rate <= MAX_LEARNING_RATE):
        raise ValueError(
            f"expected learning_rate in (0, {MAX_LEARNING_RATE:g}], got {learning_rate}"
        )
    return float(learning_rate)


def check_iterations(iterations: int) -> int:
    if isinstance(iterations, bool) or int(iterations) != iterations:
        raise ValueError(f"expected a whole number of iterations, got {iterations!r}")
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise ValueError(f"expected iterations in 1..{MAX_ITERATIONS}, got {iterations}")
    return int(iterations)


def initial_weights(layers: Sequence[int], seed: int, init_scale: float) -> list[np.ndarray]:
    """Normal(0, init_scale) weights, one (n_out, n_in + 1) matrix per pair of layers."""
    layers = check_layers(layers)
    if not (np.isfinite(init_scale) and init_scale > 0):
        raise ValueError(f"expected init_scale > 0, got {init_scale}")
    rng = np.random.default_rng(seed)
    return [
        rng.normal(scale=init_scale, size=(n_out, n_in + 1))
        for n_in, n_out in zip(layers[:-1], layers[1:], strict=True)
    ]


@dataclass(frozen=True)
class Step:
    """Every intermediate value of one full-batch step, named as in the lesson.

    Lists are indexed by layer: ``Z[0]`` is Z1, ``delta[0]`` is delta1 and so on.
    """

    INPUT: np.ndarray  # (n_inputs, n): examples as columns
    y: np.ndarray  # (n_outputs, n)
    W: list[np.ndarray]
    Z: list[np.ndarray]
    A: list[np.ndarray]
    error: float  # sum((A_L - y)^2), as the document's training loop reports it
    delta: list[np.ndarray]
    gradients: list[np.ndarray]
    learning_rate: float
    W_new: list[np.ndarray]


class MLP:
    """A fully connected network with a sigmoid output, as in the lesson.

    Args:
        layers: neurons per layer, input first, e.g. (3, 5, 2, 1).
        seed: seed of ``numpy.random.default_rng`` for the initial weights.
        init_scale: standard deviation of the normal initial weights.
        activation: hidden-layer activation, "sigmoid", "tanh" or "relu"; the output is sigmoid.
        weights: start from these matrices instead of random ones.
    """

    def __init__(
        self,
        layers: Sequence[int] = (3, 5, 2, 1),
        seed: int = 0,
        init_scale: float = 0.15,
        activation: str = "sigmoid",
        weights: Sequence[np.ndarray] | None = None,
    ) -> None:
        self.layers = check_layers(layers)
        self.activation = check_activation(activation)
        if weights is None:
            self.weights = initial_weights(self.layers, seed, init_scale)
        else:
            expected = [
                (n_out, n_in + 1) for n_in, n_out in zip(self.layers, self.layers[1:], strict=False)
            ]
            shapes = [np.shape(W) for W in weights]
            if shapes != expected:
                raise ValueError(f"expected weight shapes {expected}, got {shapes}")
            self.weights = [np.array(W, dtype=np.float64) for W in weights]

    def layer_activation(self, index: int) -> str:
        """Activation of layer ``index`` (0-based over weight matrices): sigmoid at the output."""
        return OUTPUT if index == len(self.weights) - 1 else self.activation

    def forward_pass(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Run the network and keep every layer.

        Args:
            X: inputs of shape (n, n_inputs).

        Returns:
            Z and A, lists with one (n_neurons, n) array per layer after the input.
        """
        (X,) = check_data(X, None, self.layers[0])
        Z, A = [], []
        previous = X.T
        for i, W in enumerate(self.weights):
            Z.append(W @ with_bias_row(previous))
            A.append(activate(Z[-1], self.layer_activation(i)))
            previous = A[-1]
        return Z, A

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Probability of "white text" for each input.

        Args:
            X: inputs of shape (n, 3), values in [0, 1].

        Returns:
            Array of shape (n, n_outputs).
        """
        _, A = self.forward_pass(X)
        return A[-1].T

    def error(self, X: np.ndarray, y: np.ndarray) -> float:
        """The lesson's error sum((output - y)^2) on the colours X, whatever the loss trains."""
        X, y = check_data(X, y, self.layers[0], self.layers[-1])
        _, A = self.forward_pass(X)
        return float(np.sum((A[-1] - y.T) ** 2))

    def step(
        self,
        X: np.ndarray,
        y: np.ndarray,
        learning_rate: float = 0.2,
        loss: str = "squared_error",
    ) -> Step:
        """Compute one gradient step on the colours X without applying it, keeping every value.

        Args:
            X: inputs (n, n_inputs); y: targets (n, n_outputs), or (n,) for one output.
            learning_rate: the step size of ``W_new = W - learning_rate * dE/dW``.
            loss: "squared_error" (the lesson's) or "cross_entropy": decides delta3
                (``core.mlp.losses``).
        """
        learning_rate = check_learning_rate(learning_rate)
        loss = check_loss(loss)
        X, y = check_data(X, y, self.layers[0], self.layers[-1])
        Z, A = self.forward_pass(X)
        inputs = [X.T, *A[:-1]]

        error = float(np.sum((A[-1] - y.T) ** 2))
        delta = [output_delta(A[-1], y.T, loss)]
        for i in reversed(range(len(self.weights) - 1)):
            back = self.weights[i + 1][:, :-1].T @ delta[0]  # the bias column sends nothing back
            delta.insert(0, back * activation_derivative(Z[i], A[i], self.layer_activation(i)))
        gradients = [d @ with_bias_row(a).T for d, a in zip(delta, inputs, strict=True)]
        W_new = [W - learning_rate * g for W, g in zip(self.weights, gradients, strict=True)]
        return Step(
            X.T,
            y.T,
            [W.copy() for W in self.weights],
            Z,
            A,
            error,
            delta,
            gradients,
            learning_rate,
            W_new,
        )

    def gradients(
        self, X: np.ndarray, y: np.ndarray, loss: str = "squared_error"
    ) -> list[np.ndarray]:
        """dE/dW, one array per weight matrix, for E = 1/2 * sum((output - y)^2) by default.

        ``loss="cross_entropy"``: E = -sum(y log(output) + (1 - y) log(1 - output)).
        """
        return self.step(X, y, loss=loss).gradients

    def backprop(self, X: np.ndarray, y: np.ndarray, learning_rate: float = 0.2) -> float:
        """One full-batch gradient-descent step, W -= learning_rate * dE/dW.

        Returns:
            sum((output - y)^2), measured before the step.
        """
        step = self.step(X, y, learning_rate)
        self.weights = step.W_new
        return step.error


@dataclass(frozen=True)
class TrainResult:
    """What a training run produced.

    Attributes:
        losses: (iterations,) error before each step; losses[i] belongs to the weights after
            i steps.
        weights: final weights, after every step.
        initial_weights: the weights training started from.
        snapshot_iterations: (S,) iterations at which weights were recorded, 0 and the last
            included: ``frames.snapshot_schedule(iterations)``, even and log-spaced frames.
        snapshots: one array per weight matrix, shape (S, n_out, n_in + 1).
        best_iteration: index of the smallest loss.
        best_loss: the smallest loss.
    """

    losses: np.ndarray
    weights: list[np.ndarray]
    initial_weights: list[np.ndarray]
    snapshot_iterations: np.ndarray
    snapshots: list[np.ndarray]
    layers: tuple[int, ...]
    activation: str
    learning_rate: float

    @property
    def best_iteration(self) -> int:
        return int(np.argmin(self.losses))

    @property
    def best_loss(self) -> float:
        return float(np.min(self.losses))

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    @property
    def iterations(self) -> int:
        return len(self.losses)

    def network(self) -> MLP:
        """The trained network, ready for ``forward``."""
        return MLP(self.layers, activation=self.activation, weights=self.weights)

    def snapshot_weights(self, index: int) -> list[np.ndarray]:
        """The weights kept at ``snapshot_iterations[index]``, one matrix per layer."""
        if not -len(self.snapshot_iterations) <= index < len(self.snapshot_iterations):
            raise ValueError(f"expected a snapshot index below {len(self.snapshot_iterations)}")
        return [store[index].copy() for store in self.snapshots]


ProgressCallback = Callable[[int, int], None]


def white_text(probability: np.ndarray | float) -> np.ndarray:
    """The network's choice for each output: True for white text, False for black."""
    return np.asarray(probability) >= DECISION_THRESHOLD
