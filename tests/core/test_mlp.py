"""The NumPy network against independent references: finite differences, TensorFlow, Keras."""

import warnings

import numpy as np
import pytest

from core.mlp import (
    MLP,
    activate,
    even_frames,
    frame_indices,
    log_frames,
    sigmoid,
    snapshot_schedule,
    train,
)
from core.mlp.data import training_set

X_DOC, Y_DOC = training_set()
ARCHITECTURES = [
    ((3, 5, 2, 1), "sigmoid"),
    ((3, 4, 4, 2), "sigmoid"),
    ((3, 6, 3), "tanh"),
    ((3, 5, 2, 1), "tanh"),
    ((3, 4, 1), "relu"),
    ((3, 8, 8, 8, 1), "sigmoid"),
    ((3, 1, 1), "tanh"),
    ((3, 7, 3, 1), "relu"),
]


def error_total(net: MLP, X: np.ndarray, y: np.ndarray) -> float:
    """E = 1/2 * sum((output - y)^2), written out independently of MLP.step."""
    return 0.5 * float(np.sum((net.forward(X) - y.reshape(len(X), -1)) ** 2))


def targets(n_out: int) -> np.ndarray:
    """The lesson's labels, and for more outputs their complement and so on (n, n_out)."""
    columns = [Y_DOC[:, 0] if k % 2 == 0 else 1 - Y_DOC[:, 0] for k in range(n_out)]
    return np.column_stack(columns)


@pytest.mark.parametrize("layers, activation", ARCHITECTURES)
def test_gradients_match_central_finite_differences(layers, activation):
    net = MLP(layers, seed=3, init_scale=0.8, activation=activation)
    Y = targets(layers[-1])
    analytic = net.gradients(X_DOC, Y)
    h = 1e-6
    for W, G in zip(net.weights, analytic, strict=True):
        numeric = np.zeros_like(W)
        for index in np.ndindex(W.shape):
            original = W[index]
            W[index] = original + h
            plus = error_total(net, X_DOC, Y)
            W[index] = original - h
            minus = error_total(net, X_DOC, Y)
            W[index] = original
            numeric[index] = (plus - minus) / (2 * h)
        relative = np.linalg.norm(G - numeric) / max(np.linalg.norm(G), np.linalg.norm(numeric))
        assert relative < 1e-6, (layers, activation, relative)


@pytest.mark.parametrize("layers, activation", ARCHITECTURES[:3])
def test_gradients_match_tensorflow_autodiff(layers, activation):
    import tensorflow as tf

    net = MLP(layers, seed=1, init_scale=0.5, activation=activation)
    weights = [tf.Variable(W) for W in net.weights]
    functions = {"sigmoid": tf.math.sigmoid, "tanh": tf.math.tanh, "relu": tf.nn.relu}
    with tf.GradientTape() as tape:
        A = tf.constant(X_DOC.T)
        for i, W in enumerate(weights):
            Z = W[:, :-1] @ A + W[:, -1:]
            last = i == len(weights) - 1
            A = tf.math.sigmoid(Z) if last else functions[activation](Z)
        E = 0.5 * tf.reduce_sum((A - targets(layers[-1]).T) ** 2)
    expected = tape.gradient(E, weights)
    for G, T in zip(net.gradients(X_DOC, targets(layers[-1])), expected, strict=True):
        np.testing.assert_allclose(G, T.numpy(), rtol=1e-10, atol=1e-14)


def test_forward_matches_keras_with_the_same_weights():
    import keras

    net = MLP((3, 5, 2, 1), seed=7, init_scale=1.0)
    model = keras.Sequential(
        [keras.Input((3,))] + [keras.layers.Dense(n, activation="sigmoid") for n in net.layers[1:]]
    )
    for layer, W in zip(model.layers, net.weights, strict=True):
        layer.set_weights([W[:, :-1].T, W[:, -1]])  # bias in the last column
    expected = model.predict(X_DOC, verbose=0)
    np.testing.assert_allclose(net.forward(X_DOC), expected, rtol=1e-5)


def test_initial_weights_are_default_rng_normals_with_bias_last():
    net = MLP((3, 5, 2, 1), seed=42, init_scale=0.15)
    rng = np.random.default_rng(42)
    expected = [rng.normal(scale=0.15, size=shape) for shape in [(5, 4), (2, 6), (1, 3)]]
    for W, E in zip(net.weights, expected, strict=True):
        np.testing.assert_array_equal(W, E)


def test_backprop_returns_error_before_step_and_moves_against_gradient():
    net = MLP(seed=0)
    before = [W.copy() for W in net.weights]
    gradients = net.gradients(X_DOC, Y_DOC)
    expected_error = float(np.sum((net.forward(X_DOC) - Y_DOC) ** 2))
    error = net.backprop(X_DOC, Y_DOC, learning_rate=0.5)
    assert error == pytest.approx(expected_error, rel=1e-12)
    for W, W0, G in zip(net.weights, before, gradients, strict=True):
        np.testing.assert_allclose(W, W0 - 0.5 * G, rtol=1e-12)
    assert net.backprop(X_DOC, Y_DOC, 0.5) < error  # a small step lowers the error


def test_step_matches_the_documents_equations():
    net = MLP(seed=0)
    step = net.step(X_DOC[:3], Y_DOC[:3], learning_rate=0.2)
    INPUT = X_DOC[:3].T
    Z1 = net.weights[0] @ np.vstack([INPUT, np.ones((1, 3))])
    A1 = 1 / (1 + np.exp(-Z1))
    Z2 = net.weights[1] @ np.vstack([A1, np.ones((1, 3))])
    A2 = 1 / (1 + np.exp(-Z2))
    Z3 = net.weights[2] @ np.vstack([A2, np.ones((1, 3))])
    A3 = 1 / (1 + np.exp(-Z3))
    for got, want in zip(step.Z + step.A, [Z1, Z2, Z3, A1, A2, A3], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    delta3 = (A3 - Y_DOC[:3].T) * A3 * (1 - A3)
    np.testing.assert_allclose(step.delta[2], delta3, rtol=1e-12)
    np.testing.assert_allclose(step.gradients[2], delta3 @ np.vstack([A2, np.ones((1, 3))]).T)
    assert step.error == pytest.approx(float(np.sum((A3 - Y_DOC[:3].T) ** 2)))


def test_y_may_be_flat_or_a_column():
    a = MLP(seed=2).gradients(X_DOC, Y_DOC.ravel())
    b = MLP(seed=2).gradients(X_DOC, Y_DOC)
    for G, H in zip(a, b, strict=True):
        np.testing.assert_array_equal(G, H)


def test_training_at_the_documents_settings_separates_all_ten_colours():
    result = train(X_DOC, Y_DOC, layers=(3, 5, 2, 1), learning_rate=0.2, iterations=10_000)
    output = result.network().forward(X_DOC).ravel()
    assert np.all((output > 0.5) == (Y_DOC.ravel() == 1)), output
    assert result.losses.shape == (10_000,)
    assert result.best_loss == result.losses.min() < 0.01
    assert result.losses[result.best_iteration] == result.best_loss


def test_train_starts_from_the_mlp_with_the_same_seed_and_snapshots_follow_the_run():
    result = train(X_DOC, Y_DOC, iterations=250, seed=5, init_scale=0.3)
    for W, M in zip(result.initial_weights, MLP(seed=5, init_scale=0.3).weights, strict=True):
        np.testing.assert_array_equal(W, M)
    iterations = result.snapshot_iterations
    assert iterations[0] == 0 and iterations[-1] == 250 and np.all(np.diff(iterations) > 0)
    net = MLP(seed=5, init_scale=0.3)
    for done in range(251):  # every snapshot holds the weights after that many steps
        if done in iterations:
            index = int(np.searchsorted(iterations, done))
            np.testing.assert_allclose(
                result.snapshot_weights(index)[0], net.weights[0], rtol=1e-12
            )
        net.backprop(X_DOC, Y_DOC, 0.2)
    np.testing.assert_array_equal(result.snapshots[2][-1], result.weights[2])


def test_another_learning_rate_starts_from_the_same_weights():
    slow = train(X_DOC, Y_DOC, learning_rate=0.05, iterations=20, seed=11)
    fast = train(X_DOC, Y_DOC, learning_rate=2.0, iterations=20, seed=11)
    for a, b in zip(slow.initial_weights, fast.initial_weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(slow.weights[0], fast.weights[0])


@pytest.mark.parametrize("iterations", [1, 99, 100, 199, 10_000, 10_001, 200_000])
def test_replay_frames_are_enough_and_log_frames_crowd_the_start(iterations):
    even, log = even_frames(iterations), log_frames(iterations)
    wanted = min(iterations + 1, 101 if iterations <= 10_000 else 201)
    for frames in (even, log):
        assert frames[0] == 0 and frames[-1] == iterations
        assert len(frames) >= wanted and np.all(np.diff(frames) > 0)
    if iterations >= 1_000:  # log-spaced: most frames in the first tenth of the run
        assert np.mean(log <= iterations / 10) > 0.6
        assert np.mean(even <= iterations / 10) < 0.15
    schedule = snapshot_schedule(iterations)
    assert set(even) | set(log) == set(schedule)
    for spacing, frames in (("even", even), ("log", log)):
        np.testing.assert_array_equal(schedule[frame_indices(schedule, spacing)], frames)


def test_sigmoid_never_overflows_or_warns():
    z = np.array([-1e308, -1000.0, -40.0, -1.0, 0.0, 1.0, 40.0, 1000.0, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sigmoid(z)
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0 and s[4] == 0.5
    moderate = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(sigmoid(moderate), 1 / (1 + np.exp(-moderate)), rtol=1e-14)
    np.testing.assert_allclose(activate(moderate, "tanh"), np.tanh(moderate))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_extreme_learning_rate_stays_finite(activation):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(
            X_DOC,
            Y_DOC,
            layers=(3, 8, 8, 1),
            learning_rate=100,
            iterations=3_000,
            init_scale=2.0,
            activation=activation,
        )
    assert np.all(np.isfinite(result.losses))
    assert all(np.all(np.isfinite(W)) for W in result.weights)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"learning_rate": 0}, "learning_rate"),
        ({"learning_rate": -0.1}, "learning_rate"),
        ({"learning_rate": 100.5}, "learning_rate"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"iterations": 0}, "iterations"),
        ({"iterations": 200_001}, "iterations"),
        ({"iterations": 2.5}, "iterations"),
        ({"activation": "softmax"}, "softmax"),
        ({"layers": (3, 0, 1)}, "layer sizes"),
        ({"layers": (3,)}, "layer sizes"),
        ({"layers": (3, 2.5, 1)}, "layer sizes"),
        ({"layers": (4, 5, 1)}, "shape"),
        ({"init_scale": 0}, "init_scale"),
        ({"engine": "gpu"}, "engine"),
    ],
)
def test_bad_arguments_raise_value_errors_naming_the_value(kwargs, message):
    arguments = {"X": X_DOC, "y": Y_DOC, "iterations": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        train(**arguments)


def test_a_two_output_network_trains_and_learns_both_answers():
    Y = targets(2)  # white text, and its complement
    result = train(X_DOC, Y, layers=(3, 4, 4, 2), learning_rate=0.5, iterations=4_000)
    output = result.network().forward(X_DOC)
    assert output.shape == (10, 2) and result.final_loss < result.losses[0] / 10
    np.testing.assert_array_equal(output > 0.5, Y == 1)


@pytest.mark.parametrize(
    "layers, y, message",
    [
        ((3, 4, 2), Y_DOC.ravel(), r"y of shape \(10, 2\) for 2 outputs"),
        ((3, 4, 2), np.zeros((10, 3)), r"\(10, 2\)"),
        ((3, 4, 1), np.zeros((10, 2)), r"\(10,\) or \(10, 1\)"),
        ((3, 4, 2), np.full((10, 2), np.inf), "not finite"),
    ],
)
def test_targets_must_match_the_outputs(layers, y, message):
    with pytest.raises(ValueError, match=message):
        MLP(layers).gradients(X_DOC, y)


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.zeros((10, 2)), Y_DOC, r"X of shape \(n, 3\)"),
        (np.zeros((0, 3)), np.zeros(0), r"X of shape"),
        (X_DOC, np.zeros(9), r"y of shape"),
        (X_DOC, np.zeros((10, 2)), r"y of shape"),
        (np.full((10, 3), np.nan), Y_DOC, "not finite"),
    ],
)
def test_mismatched_shapes_raise(X, y, message):
    with pytest.raises(ValueError, match=message):
        MLP().gradients(X, y)


def test_weights_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match="weight shapes"):
        MLP((3, 5, 2, 1), weights=[np.zeros((5, 3)), np.zeros((2, 6)), np.zeros((1, 3))])
