"""The compiled engine against the NumPy reference loop, step for step."""

import numpy as np
import pytest

from core.mlp import MLP, train
from core.mlp.data import training_set
from core.mlp.engine import CHUNK, sweep_learning_rates, train_many

X_DOC, Y_DOC = training_set()


@pytest.mark.parametrize(
    "layers, activation, learning_rate, iterations",
    [
        ((3, 5, 2, 1), "sigmoid", 0.2, 10_000),
        ((3, 8, 8, 8, 1), "tanh", 0.5, 777),
        ((3, 4, 1), "relu", 1.0, 199),
        ((3, 5, 2, 1), "sigmoid", 2.0, 300),
    ],
)
def test_compiled_training_equals_the_reference(layers, activation, learning_rate, iterations):
    values = dict(
        layers=layers,
        learning_rate=learning_rate,
        iterations=iterations,
        seed=4,
        activation=activation,
    )
    reference = train(X_DOC, Y_DOC, **values)
    fast = train(X_DOC, Y_DOC, engine="xla", **values)
    np.testing.assert_allclose(fast.losses, reference.losses, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(fast.snapshot_iterations, reference.snapshot_iterations)
    for a, b in zip(fast.snapshots, reference.snapshots, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)
    for a, b in zip(fast.weights, reference.weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)
    assert fast.best_iteration == reference.best_iteration


def test_each_network_of_a_sweep_equals_its_own_reference_run():
    rates = [0.05, 0.2, 1.0, 3.0]
    sweep = sweep_learning_rates(X_DOC, Y_DOC, rates, iterations=400, seed=1)
    assert sweep.losses.shape == (400, 4)
    for k, rate in enumerate(rates):
        reference = train(X_DOC, Y_DOC, learning_rate=rate, iterations=400, seed=1)
        np.testing.assert_allclose(sweep.losses[:, k], reference.losses, rtol=0, atol=1e-9)
        assert sweep.result(k).learning_rate == rate
    np.testing.assert_array_equal(sweep.final_losses, sweep.losses[-1])


def test_long_runs_cross_chunk_boundaries_and_report_progress():
    calls = []
    start = MLP(seed=0).weights
    sweep = train_many(X_DOC, Y_DOC, start, [0.2], 45_000, progress=lambda d, t: calls.append(d))
    assert calls == [20_000, 40_000, 45_000]
    reference = train(X_DOC, Y_DOC, iterations=45_000, engine="xla")
    np.testing.assert_array_equal(sweep.losses[:, 0], reference.losses)
    assert np.all(np.isfinite(sweep.losses))
    assert sweep.snapshot_iterations[-1] == 45_000
    np.testing.assert_array_equal(sweep.snapshots[0][-1, :, :, 0], sweep.weights[0][:, :, 0])


def test_the_longest_run_at_the_largest_rate_stays_finite():
    result = train(
        X_DOC,
        Y_DOC,
        layers=(3, 8, 8, 8, 1),
        learning_rate=100,
        iterations=200_000,
        init_scale=2.0,
        activation="relu",
        engine="xla",
    )
    assert np.all(np.isfinite(result.losses))
    assert all(np.all(np.isfinite(W)) for W in result.weights)


def test_a_sweep_refuses_bad_rates():
    with pytest.raises(ValueError, match="learning_rate"):
        sweep_learning_rates(X_DOC, Y_DOC, [0.1, -1.0], iterations=10)
    with pytest.raises(ValueError, match="at least one"):
        sweep_learning_rates(X_DOC, Y_DOC, [], iterations=10)


def test_a_run_longer_than_one_chunk_equals_the_numpy_backprop_loop():
    iterations = 50_000  # more than two CHUNKs of 20,000: the chunk seams must not show
    assert iterations > 2 * CHUNK
    fast = train(X_DOC, Y_DOC, iterations=iterations, seed=2, engine="xla")
    net = MLP(seed=2)
    losses = np.array([net.backprop(X_DOC, Y_DOC, 0.2) for _ in range(iterations)])
    np.testing.assert_allclose(fast.losses, losses, rtol=1e-9, atol=1e-12)
    for W, M in zip(fast.weights, net.weights, strict=True):
        np.testing.assert_allclose(W, M, rtol=1e-9, atol=1e-12)


def test_the_engine_trains_several_outputs_like_the_reference():
    Y = np.column_stack([Y_DOC[:, 0], 1 - Y_DOC[:, 0]])
    layers = (3, 4, 4, 2)
    reference = train(X_DOC, Y, layers=layers, learning_rate=0.5, iterations=600, seed=1)
    fast = train(X_DOC, Y, layers=layers, learning_rate=0.5, iterations=600, seed=1, engine="xla")
    np.testing.assert_allclose(fast.losses, reference.losses, rtol=0, atol=1e-9)
    for a, b in zip(fast.snapshots, reference.snapshots, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)
    with pytest.raises(ValueError, match=r"y of shape \(10, 2\)"):
        train(X_DOC, Y_DOC, layers=layers, iterations=5, engine="xla")
