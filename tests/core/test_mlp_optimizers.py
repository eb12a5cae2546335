"""Optimisers, losses and mini-batches: against Keras, finite differences and the lesson's run."""

import hashlib
from dataclasses import replace

import numpy as np
import pytest

from core.mlp import MLP, TrainingSettings, train
from core.mlp.batches import batches
from core.mlp.data import training_set
from core.mlp.engine import sweep_learning_rates
from core.mlp.losses import LOSSES
from core.mlp.optimizers import OPTIMIZERS
from tests.support.keras_twin import float64_keras, keras_settings, keras_twin, lesson_weights

X_DOC, Y_DOC = training_set()
ENGINES = ("numpy", "xla")
# A rate per optimiser at which 1,000 steps travel well away from the start.
RATES = {"gd": 0.5, "momentum": 0.05, "nesterov": 0.05, "rmsprop": 0.05, "adam": 0.05}


def digest(arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a, dtype=np.float64).tobytes())
    return h.hexdigest()[:16]


# Recorded on main before optimisers existed (a055b71): the lesson's default run, each engine.
LESSON_RUN = {
    "numpy": {
        "weights": "f1ead88e77d76362",
        "losses": "ff64451f1d4a67a6",
        "snapshots": "fb842de4be2b834c",
        "errors": (2.529210980597057, 0.6298479096138098, 0.0014822387811555203),
        "final": 0.001320649435556178,
    },
    "xla": {
        "weights": "b8ab0c5cde5681fe",
        "losses": "6c10c9d8a755c90d",
        "snapshots": "6e683141ec80c964",
        "errors": (2.529210980597057, 0.6298479096138152, 0.001482238781155524),
        "final": 0.0013206494355561768,
    },
}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_lessons_run_gives_the_same_numbers_as_before_bit_for_bit(engine):
    result = train(X_DOC, Y_DOC, engine=engine)
    recorded = LESSON_RUN[engine]
    assert tuple(result.losses[[0, 1000, 9066]]) == recorded["errors"]
    assert result.final_loss == recorded["final"]
    assert result.best_iteration == 9999
    assert digest(result.weights) == recorded["weights"]
    assert digest([result.losses]) == recorded["losses"]
    assert digest(result.snapshots) == recorded["snapshots"]


def differences_to_keras(settings: TrainingSettings) -> dict[str, float]:
    """Per engine, the largest weight difference between ``train`` and Keras after the steps."""
    settings = keras_settings(settings)
    with float64_keras():
        _, fit = keras_twin(settings, X_DOC, Y_DOC)
        theirs = lesson_weights(fit())
    differences = {}
    for engine in ENGINES:
        ours = train(X_DOC, Y_DOC, settings, engine=engine)
        pairs = zip(ours.weights, theirs, strict=True)
        differences[engine] = max(float(np.max(np.abs(a - b))) for a, b in pairs)
    return differences


@pytest.mark.slow
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_full_batch_training_matches_keras_after_1000_steps_on_both_engines(optimizer, loss):
    settings = TrainingSettings(
        optimizer=optimizer, loss=loss, learning_rate=RATES[optimizer], iterations=1000, seed=3
    )
    trained, start = train(X_DOC, Y_DOC, settings), MLP(seed=3).weights
    travel = [np.max(np.abs(W - S)) for W, S in zip(trained.weights, start, strict=True)]
    assert max(travel) > 0.1  # the runs go somewhere, so agreeing says something
    for engine, difference in differences_to_keras(settings).items():
        assert difference <= 1e-9, (engine, difference)


def test_keras_takes_the_cross_entropy_from_the_logits_as_the_lesson_does():
    """Four colours start saturated the wrong way, their output within 1e-7 of 0 or 1: there
    Keras's clipping at 1e-7 would stop their gradient, and the two runs would part."""
    settings = TrainingSettings(
        loss="cross_entropy", learning_rate=0.05, iterations=20, seed=9, init_scale=10.0
    )
    start = MLP(seed=9, init_scale=10.0).forward(X_DOC)
    assert np.sum(np.abs(start - Y_DOC) > 1 - 1e-7) == 4
    for engine, difference in differences_to_keras(settings).items():
        assert difference <= 1e-10, (engine, difference)


MINI_BATCHES = [
    ("gd", "cross_entropy", 1),
    ("momentum", "squared_error", 3),
    ("nesterov", "cross_entropy", 4),
    ("rmsprop", "squared_error", 7),
    ("adam", "cross_entropy", 3),
]


@pytest.mark.slow
@pytest.mark.parametrize("optimizer, loss, batch_size", MINI_BATCHES)
def test_mini_batches_match_a_keras_fit_fed_the_same_batches(optimizer, loss, batch_size):
    settings = TrainingSettings(
        optimizer=optimizer,
        loss=loss,
        batch_size=batch_size,
        learning_rate=RATES[optimizer],
        iterations=1000,
        seed=5,
    )
    for engine, difference in differences_to_keras(settings).items():
        assert difference <= 1e-9, (engine, difference)


def test_adam_on_mini_batches_matches_keras_fit():
    """The fast lane's Keras check: 200 steps, both engines."""
    settings = TrainingSettings(
        optimizer="adam", loss="cross_entropy", batch_size=4, learning_rate=0.05, iterations=200
    )
    for engine, difference in differences_to_keras(settings).items():
        assert difference <= 1e-10, (engine, difference)


def test_without_float32_rounding_keras_sgd_momentum_would_differ():
    """Why ``keras_settings`` rounds SGD's momentum: Keras runs at float32(0.9), not 0.9."""
    settings = TrainingSettings(optimizer="momentum", learning_rate=0.05, iterations=200)
    exact = train(X_DOC, Y_DOC, settings)
    rounded = train(X_DOC, Y_DOC, keras_settings(settings))
    gap = max(np.max(np.abs(a - b)) for a, b in zip(exact.weights, rounded.weights, strict=True))
    assert 1e-9 < gap < 1e-5


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("colours", [slice(None), [7, 2, 9]])
def test_gradients_match_finite_differences(loss, colours):
    net = MLP(seed=11, init_scale=1.0)
    X, y = X_DOC[colours], Y_DOC[colours]

    def total(weights):
        _, A = MLP(weights=weights).forward_pass(X)
        output, expected = A[-1], y.T
        if loss == "squared_error":  # the textbook formulas, written apart from core.mlp.losses
            return 0.5 * np.sum((output - expected) ** 2)
        return -np.sum(expected * np.log(output) + (1 - expected) * np.log(1 - output))

    h = 1e-6
    for layer, gradient in enumerate(net.gradients(X, y, loss)):
        numeric = np.zeros_like(gradient)
        for index in np.ndindex(gradient.shape):
            plus = [W.copy() for W in net.weights]
            minus = [W.copy() for W in net.weights]
            plus[layer][index] += h
            minus[layer][index] -= h
            numeric[index] = (total(plus) - total(minus)) / (2 * h)
        np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-9)


def test_the_cross_entropy_delta_is_the_output_minus_the_target():
    step = MLP(seed=2).step(X_DOC, Y_DOC, loss="cross_entropy")
    np.testing.assert_array_equal(step.delta[-1], step.A[-1] - Y_DOC.T)
    lesson = MLP(seed=2).step(X_DOC, Y_DOC)
    A = lesson.A[-1]
    np.testing.assert_allclose(lesson.delta[-1], (A - Y_DOC.T) * A * (1 - A), rtol=1e-15)


def test_batches_deal_every_colour_once_per_epoch_in_an_order_the_seed_decides():
    dealt = list(batches(10, 3, 9, seed=4))
    assert [len(b) for b in dealt] == [3, 3, 3, 1, 3, 3, 3, 1, 3]  # the last of an epoch: 1
    for epoch in (dealt[0:4], dealt[4:8]):
        assert sorted(np.concatenate(epoch)) == list(range(10))
    again = list(batches(10, 3, 9, seed=4))
    assert all(np.array_equal(a, b) for a, b in zip(dealt, again, strict=True))
    other = list(batches(10, 3, 9, seed=5))
    assert not all(np.array_equal(a, b) for a, b in zip(dealt, other, strict=True))
    assert [list(b) for b in batches(10, None, 2, seed=4)] == [list(range(10))] * 2
    assert [list(b) for b in batches(10, 10, 2, seed=4)] == [list(range(10))] * 2


def test_the_error_curve_is_the_lessons_error_on_all_colours_whatever_the_batch():
    settings = TrainingSettings(optimizer="adam", batch_size=2, learning_rate=0.05, iterations=50)
    result = train(X_DOC, Y_DOC, settings)
    for i, iteration in enumerate(result.snapshot_iterations[:-1]):
        net = MLP(weights=result.snapshot_weights(i))
        assert result.losses[iteration] == pytest.approx(net.error(X_DOC, Y_DOC), abs=1e-15)
    assert result.network().error(X_DOC, Y_DOC) < result.losses[0]


def test_a_sweep_of_adam_rates_equals_each_rates_own_run():
    rates = [0.01, 0.05, 0.2]
    values = dict(optimizer="adam", loss="cross_entropy", batch_size=3, iterations=300, seed=1)
    sweep = sweep_learning_rates(X_DOC, Y_DOC, rates, **values)
    for k, rate in enumerate(rates):
        reference = train(X_DOC, Y_DOC, learning_rate=rate, **values)
        np.testing.assert_allclose(sweep.losses[:, k], reference.losses, rtol=0, atol=1e-12)
        for a, b in zip(sweep.result(k).weights, reference.weights, strict=True):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"optimizer": "sgd"}, "unknown optimizer 'sgd', expected one of gd, momentum, nesterov"),
        ({"optimizer": "Adam"}, "expected one of gd, momentum, nesterov, rmsprop, adam"),
        ({"loss": "mse"}, "unknown loss 'mse', expected one of squared_error, cross_entropy"),
        ({"beta_1": 1.0}, r"expected beta_1 in \[0, 1\), got 1.0"),
        ({"beta_1": -0.1}, r"expected beta_1 in \[0, 1\), got -0.1"),
        ({"beta_2": 1.5}, r"expected beta_2 in \[0, 1\), got 1.5"),
        ({"momentum": 1.0}, r"expected momentum in \[0, 1\)"),
        ({"rho": float("nan")}, r"expected rho in \[0, 1\), got nan"),
        ({"epsilon": 0.0}, "expected epsilon > 0, got 0.0"),
        ({"epsilon": -1e-7}, "expected epsilon > 0, got -1e-07"),
        ({"batch_size": 11}, "batch_size None .all colours. or a whole number from 1 to 10"),
        ({"batch_size": 0}, "from 1 to 10 .the number of colours., got 0"),
        ({"batch_size": 2.5}, "got 2.5"),
        ({"batch_size": True}, "got True"),
        ({"batch_size": "four"}, "from 1 to 10 .the number of colours., got 'four'"),
    ],
)
@pytest.mark.parametrize("engine", ENGINES)
def test_bad_values_are_a_value_error_that_says_what_is_allowed(values, message, engine):
    with pytest.raises(ValueError, match=message):
        train(X_DOC, Y_DOC, iterations=5, engine=engine, **values)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"optimizer": "sgd"}, "unknown optimizer 'sgd'"),
        ({"loss": "hinge"}, "loss must be one of squared_error, cross_entropy, not 'hinge'"),
        ({"beta_2": 1.0}, "expected beta_2 in [0, 1), got 1.0"),
        ({"epsilon": 0.0}, "expected epsilon > 0"),
        ({"batch_size": 0}, "batch_size must be None (all colours) or 1 or more, not 0"),
        ({"batch_size": "4"}, "batch_size must be None (all colours) or 1 or more, not 4"),
        ({"batch_size": 2.5}, "batch_size must be None (all colours) or 1 or more, not 2.5"),
    ],
)
def test_settings_name_their_problem(change, words):
    assert words in replace(TrainingSettings(), **change).problem()


def test_the_lessons_settings_are_unchanged_and_new_ones_are_described():
    lesson = TrainingSettings()
    assert lesson.problem() == ""
    assert (lesson.optimizer, lesson.loss, lesson.batch_size) == ("gd", "squared_error", None)
    assert (lesson.momentum, lesson.rho, lesson.beta_1, lesson.beta_2, lesson.epsilon) == (
        0.9,
        0.9,
        0.9,
        0.999,
        1e-7,
    )
    assert lesson.describe() == (
        "3-5-2-1 sigmoid, learning rate 0.2, 10,000 iterations, seed 0, init scale 0.15"
    )
    other = replace(lesson, optimizer="adam", batch_size=4, loss="cross_entropy")
    assert other.describe().endswith(", adam, batches of 4, cross-entropy loss")
