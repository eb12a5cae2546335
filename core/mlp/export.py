"""A trained network leaves the app: as JSON, as a Keras model, as a NumPy-only script.

The JSON keeps the lesson's layout (bias in the last column); the Keras model holds the same
numbers as ``Dense`` layers (kernel = W[:, :-1]^T, bias = W[:, -1]); the script repeats the run
from its settings with nothing but NumPy, so a student can read and rerun it anywhere.
"""

from __future__ import annotations

import inspect
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.mlp.activations import OUTPUT, TABLE
from core.mlp.error import ERROR_TEXT, from_sum
from core.mlp.network import TrainResult, check_activation, check_layers
from core.mlp.settings import TrainingSettings, resolve_settings

JSON_LAYOUT = "each W has shape (n_out, n_in + 1), bias in the last column"


def weights_json(result: TrainResult, settings: dict) -> str:
    """The run as JSON: its settings, the final weights, and the best and final Error_total.

    Args:
        result: the run.
        settings: what decided it (learning rate, iterations, seed, ...), plain values.

    Returns:
        Indented JSON text.
    """
    document = {
        "settings": settings,
        "layers": list(result.layers),
        "activation": result.activation,
        "layout": JSON_LAYOUT,
        "weights": {f"W{k + 1}": W.tolist() for k, W in enumerate(result.weights)},
        "best_iteration": result.best_iteration,
        "error": ERROR_TEXT,
        "best_error": from_sum(result.best_loss),
        "final_error": from_sum(result.final_loss),
    }
    return json.dumps(document, indent=2)


def keras_model(layers: Sequence[int], weights: Sequence[np.ndarray], activation: str):
    """A ``keras.Sequential`` of float64 ``Dense`` layers holding these weights.

    Args:
        layers: neurons per layer, input first, e.g. (3, 5, 2, 1).
        weights: one (n_out, n_in + 1) matrix per layer, bias in the last column.
        activation: the hidden activation; the output layer is sigmoid, as in ``core.mlp``.

    Returns:
        The model, whose ``predict`` equals ``MLP.forward``.
    """
    import keras  # TensorFlow loads only when a model is asked for

    layers = check_layers(layers)
    activation = check_activation(activation)
    expected = [(n_out, n_in + 1) for n_in, n_out in zip(layers, layers[1:], strict=False)]
    shapes = [np.shape(W) for W in weights]
    if shapes != expected:
        raise ValueError(f"expected weight shapes {expected}, got {shapes}")
    last = len(weights) - 1
    model = keras.Sequential(
        [keras.Input((layers[0],), dtype="float64")]
        + [
            keras.layers.Dense(
                n,
                activation=OUTPUT if k == last else activation,
                dtype="float64",
                name=f"layer_{k + 1}",
            )
            for k, n in enumerate(layers[1:])
        ],
        name="mlp_" + "_".join(str(n) for n in layers),
    )
    for layer, W in zip(model.layers, weights, strict=True):
        layer.set_weights([np.asarray(W[:, :-1]).T, np.asarray(W[:, -1])])
    return model


def keras_bytes(layers: Sequence[int], weights: Sequence[np.ndarray], activation: str) -> bytes:
    """The ``keras_model`` saved as a ``.keras`` file, returned as bytes for a download."""
    model = keras_model(layers, weights, activation)
    handle, name = tempfile.mkstemp(suffix=".keras")
    os.close(handle)
    try:
        model.save(name)
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


SCRIPT = '''"""Reproduce a "Train the MLP" run with NumPy only: {describe}.

Run it with `python {file_name}`; it prints the final error, which the page shows too:
Error_total = 1/2 * sum((output - expected)^2), whose gradient the deltas below are.
"""

import numpy as np

LAYERS = {layers}
LEARNING_RATE = {learning_rate!r}
ITERATIONS = {iterations}
SEED = {seed}
INIT_SCALE = {init_scale!r}
ACTIVATION = "{activation}"  # hidden layers; the output neuron is sigmoid

# Inputs (rows, values in [0, 1]) and expected outputs, 1 = white text.
X = np.array({X})
y = np.array({y})


{functions}

def f(z, name):
    return FUNCTIONS[name][0](z)


def f_prime(z, a, name):
    return FUNCTIONS[name][1](z, a)


def with_ones(A):
    return np.vstack([A, np.ones((1, A.shape[1]))])


# Normal(0, INIT_SCALE) weights, one (n_out, n_in + 1) matrix per layer, bias last.
rng = np.random.default_rng(SEED)
W = [
    rng.normal(scale=INIT_SCALE, size=(n_out, n_in + 1))
    for n_in, n_out in zip(LAYERS, LAYERS[1:])
]
names = [ACTIVATION] * (len(W) - 1) + ["{output}"]

for iteration in range(ITERATIONS):
    Z, A = [], [X.T]
    for W_l, name in zip(W, names):
        Z.append(W_l @ with_ones(A[-1]))
        A.append(f(Z[-1], name))
    error = 0.5 * float(np.sum((A[-1] - y.T) ** 2))  # Error_total, before the step
    delta = (A[-1] - y.T) * f_prime(Z[-1], A[-1], names[-1])
    gradients = [None] * len(W)
    for l in reversed(range(len(W))):
        gradients[l] = delta @ with_ones(A[l]).T
        if l > 0:
            delta = (W[l][:, :-1].T @ delta) * f_prime(Z[l - 1], A[l], names[l - 1])
    W = [W_l - LEARNING_RATE * g for W_l, g in zip(W, gradients)]

print(f"final error {{error:.12e}}")
'''


def script_functions(activation: str) -> str:
    """The source of the run's activations and derivatives, as ``core.mlp.activations`` has it,
    and ``FUNCTIONS``, name -> (f, f')."""
    used = [TABLE[name] for name in dict.fromkeys((activation, OUTPUT))]
    sources = [inspect.getsource(fn) for a in used for fn in (a.function, a.derivative)]
    table = ", ".join(f'"{a.name}": ({a.function.__name__}, {a.derivative.__name__})' for a in used)
    return "\n\n".join(sources) + "\n\nFUNCTIONS = {" + table + "}\n"


def numpy_script(
    X: np.ndarray,
    y: np.ndarray,
    settings: TrainingSettings | None = None,
    *,
    file_name: str = "train_mlp_run.py",
    **values,
) -> str:
    """A standalone Python script (NumPy only) that repeats this run and prints its final error.

    The final error is the one the page reports, Error_total before the last step.

    Args:
        X: inputs (n, n_inputs); y: targets (n, n_outputs) or (n,).
        settings: The run, or its values as keyword arguments (as in ``core.mlp.train``).
        file_name: the name the script gives itself in its docstring.

    Returns:
        The script's source text.
    """
    settings, layers = resolve_settings(settings, X, y, **values)
    layers = check_layers(layers)
    activation = check_activation(settings.activation)
    learning_rate, iterations = settings.learning_rate, settings.iterations
    seed, init_scale = settings.seed, settings.init_scale
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(len(X), -1)
    hidden = "-".join(str(n) for n in layers)
    describe = (
        f"{hidden} {activation}, learning rate {learning_rate:g}, {iterations:,} iterations, "
        f"seed {seed}, init scale {init_scale:g}"
    )
    return SCRIPT.format(
        describe=describe,
        file_name=file_name,
        layers=tuple(layers),
        learning_rate=float(learning_rate),
        iterations=int(iterations),
        seed=int(seed),
        init_scale=float(init_scale),
        activation=activation,
        output=OUTPUT,
        functions=script_functions(activation),
        X=rows(X),
        y=rows(y),
    )


def rows(M: np.ndarray) -> str:
    """A matrix as a Python list literal, one row per line, every float exact (repr)."""
    return "[\n    " + ",\n    ".join(repr(row) for row in M.tolist()) + ",\n]"
