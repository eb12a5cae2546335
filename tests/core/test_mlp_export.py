"""Exports: Keras loads the model and predicts as core.mlp does; the script repeats the run."""

import json
import re
import subprocess
import sys

import keras
import numpy as np
import pytest

from core.mlp import MLP, train
from core.mlp.data import training_set
from core.mlp.export import (
    keras_bytes,
    keras_model,
    numpy_script,
    weights_json,
)

X_DOC, Y_DOC = training_set()
ANY_INPUT = np.random.default_rng(0).uniform(-3, 3, size=(200, 3))  # also far off the colours


@pytest.mark.parametrize(
    "layers, activation",
    [((3, 5, 2, 1), "sigmoid"), ((3, 8, 8, 8, 1), "tanh"), ((3, 4, 2), "relu")],
)
def test_the_keras_file_predicts_what_core_mlp_predicts(tmp_path, layers, activation):
    net = MLP(layers, seed=4, init_scale=1.5, activation=activation)
    path = tmp_path / "model.keras"
    path.write_bytes(keras_bytes(layers, net.weights, activation))
    model = keras.models.load_model(path)
    assert [layer.__class__.__name__ for layer in model.layers] == ["Dense"] * (len(layers) - 1)
    assert model.layers[-1].activation.__name__ == "sigmoid"
    np.testing.assert_allclose(
        model.predict(ANY_INPUT, verbose=0), net.forward(ANY_INPUT), atol=1e-6
    )


def test_the_keras_model_refuses_weights_of_another_shape():
    with pytest.raises(ValueError, match="weight shapes"):
        keras_model((3, 5, 1), [np.zeros((5, 3)), np.zeros((1, 6))], "sigmoid")


@pytest.mark.parametrize(
    "layers, learning_rate, iterations, seed, init_scale, activation",
    [((3, 5, 2, 1), 0.2, 3_000, 0, 0.15, "sigmoid"), ((3, 4, 3, 1), 1.5, 700, 9, 0.5, "tanh")],
)
def test_the_script_prints_the_final_error_of_the_run(
    tmp_path, layers, learning_rate, iterations, seed, init_scale, activation
):
    values = dict(
        layers=layers,
        learning_rate=learning_rate,
        iterations=iterations,
        seed=seed,
        init_scale=init_scale,
        activation=activation,
    )
    run = train(X_DOC, Y_DOC, engine="xla", **values)
    script = numpy_script(X_DOC, Y_DOC, **values)
    assert set(re.findall(r"^(?:from|import) (\w+)", script, re.M)) == {"numpy"}
    path = tmp_path / "run.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    printed = float(re.search(r"final error (\S+)", done.stdout).group(1))
    assert printed == pytest.approx(run.final_loss / 2, rel=1e-9)  # Error_total: half the sum


def test_the_json_holds_the_weights_and_reads_back():
    run = train(X_DOC, Y_DOC, iterations=50, seed=1)
    text = weights_json(run, {"learning_rate": 0.2})
    document = json.loads(text)
    assert document["layers"] == [3, 5, 2, 1] and document["final_error"] == run.final_loss / 2
    assert document["best_error"] == run.best_loss / 2
    assert document["error"] == "½·Σ(output − expected)²"
    weights = document["weights"]
    assert list(weights) == ["W1", "W2", "W3"]
    for k, W in enumerate(run.weights):
        np.testing.assert_array_equal(np.asarray(weights[f"W{k + 1}"]), W)
