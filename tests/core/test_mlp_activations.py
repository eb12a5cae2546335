"""Each activation is defined once (core/mlp/activations.py) and every forward pass uses it.

The NumPy reference, the landscape's batched pass and the exported script take the functions
from the table; the compiled engine's tensor forms are checked against it, value for value.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from core.mlp import MLP, activations, engine, export
from core.mlp.activations import ACTIVATIONS, OUTPUT, TABLE
from core.mlp.data import training_set
from core.mlp.weight_space import TrainingError, flatten

ROOT = Path(__file__).resolve().parents[2]
Z = np.concatenate([np.linspace(-40, 40, 801), [-745.0, -1e-300, 0.0, 1e-300, 745.0]])
REFERENCE = {  # independent of the table: the textbook formulas
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: (z > 0) * 1.0),
}


def test_the_table_names_every_activation_once_and_the_output_is_sigmoid():
    assert ACTIVATIONS == ("sigmoid", "tanh", "relu") == tuple(TABLE)
    assert [a.name for a in TABLE.values()] == list(ACTIVATIONS)
    assert OUTPUT == "sigmoid"
    with pytest.raises(ValueError, match="expected one of"):
        activations.activation("swish")


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_each_function_and_derivative_is_the_textbook_one(name):
    f, f_prime = REFERENCE[name]
    entry = TABLE[name]
    with np.errstate(over="ignore", invalid="ignore"):
        a = entry.function(Z)
        np.testing.assert_allclose(a, f(Z), rtol=1e-12, atol=1e-300)
        inner = np.abs(Z) < 30  # where the textbook derivative does not overflow
        np.testing.assert_allclose(
            entry.derivative(Z, a)[inner], f_prime(Z)[inner], rtol=1e-9, atol=1e-15
        )
        np.testing.assert_allclose(entry.batch(Z), a, rtol=1e-12, atol=1e-15)  # tiny: 0


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_the_engines_tensor_forms_are_the_tables_functions(name):
    assert set(engine.TENSOR_FORMS) == set(ACTIVATIONS)
    f, f_prime = engine.TENSOR_FORMS[name]
    z = tf.constant(Z, dtype=tf.float64)
    a = f(z)
    entry = TABLE[name]
    np.testing.assert_allclose(a.numpy(), entry.function(Z), rtol=1e-12, atol=1e-15)
    same = a.numpy()  # the derivative from the same a, so only the formulas are compared
    np.testing.assert_allclose(f_prime(z, a).numpy(), entry.derivative(Z, same), rtol=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_the_landscapes_batched_pass_is_the_networks_forward_pass(name):
    X, y = training_set()
    nets = [MLP((3, 4, 2, 1), activation=name, seed=s, init_scale=1.0) for s in range(3)]
    theta = np.stack([flatten(net.weights) for net in nets])
    errors = TrainingError((3, 4, 2, 1), name, X, y)(theta)
    expected = [0.5 * np.sum((net.forward(X) - y) ** 2) for net in nets]
    np.testing.assert_allclose(errors, expected, rtol=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_the_exported_script_defines_the_tables_functions_line_for_line(name):
    X, y = training_set()
    script = export.numpy_script(X, y, iterations=1, activation=name)
    for used in dict.fromkeys((name, OUTPUT)):
        for fn in (TABLE[used].function, TABLE[used].derivative):
            assert inspect.getsource(fn) in script
    names = {node.name for node in ast.walk(ast.parse(script)) if isinstance(node, ast.FunctionDef)}
    assert names == {name, f"{name}_derivative", OUTPUT, f"{OUTPUT}_derivative"} | {
        "f",
        "f_prime",
        "with_ones",
    }
