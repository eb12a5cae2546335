"""core.mlp.diagnosis: a run's facts, measured against hand-made curves and closed forms."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from core.mlp import TrainResult
from core.mlp.data import training_set
from core.mlp.diagnosis import error_trend, measure, run_sentences

X, Y = training_set()
LAYERS = (3, 5, 2, 1)


def weights(output_bias: float = 0.0, scale: float = 0.0, seed: int = 0) -> list[np.ndarray]:
    """The lesson's shapes: random weights of ``scale``, and the output's bias."""
    rng = np.random.default_rng(seed)
    Ws = [scale * rng.normal(size=(n_out, n_in + 1)) for n_in, n_out in itertools.pairwise(LAYERS)]
    Ws[-1][0, -1] = output_bias
    return Ws


def run(errors, final=None, initial=None, activation="sigmoid") -> TrainResult:
    """A run whose Error_total curve is ``errors``: the loop records twice that (no 1/2)."""
    losses = 2 * np.asarray(errors, dtype=np.float64)
    final = weights(seed=1, scale=1.0) if final is None else final
    initial = weights(seed=2, scale=0.15) if initial is None else initial
    return TrainResult(
        losses=losses,
        weights=final,
        initial_weights=initial,
        snapshot_iterations=np.array([0, len(losses)]),
        snapshots=[np.stack([a, b]) for a, b in zip(initial, final, strict=True)],
        layers=LAYERS,
        activation=activation,
        learning_rate=0.2,
    )


def output(Ws: list[np.ndarray]) -> np.ndarray:
    """P(white) of the lesson's sigmoid network, written out here as a reference."""
    A = X.T
    for W in Ws:
        A = 1 / (1 + np.exp(-(W @ np.vstack([A, np.ones((1, A.shape[1]))]))))
    return A[0]


def loss(Ws: list[np.ndarray]) -> float:
    """E = sum((output - y)^2)."""
    return float(np.sum((output(Ws) - Y.reshape(-1)) ** 2))


def test_the_curve_facts_of_a_hand_made_curve():
    # 2.5 for 300 steps, a bump to 3.0 and a fall to 0.002
    losses = np.concatenate([np.full(300, 2.5), [2.6, 3.0, 2.0], np.geomspace(1.9, 0.002, 697)])
    facts = measure(run(losses), X, Y)
    assert (facts.start, facts.end, facts.iterations) == (2.5, pytest.approx(0.002), 1000)
    assert facts.fall == pytest.approx(0.002 / 2.5)
    assert (facts.peak, facts.peak_iteration) == (3.0, 301)
    assert facts.jumped and facts.rises == 2 and facts.last_rise == 301
    assert facts.plateau == 302  # the first error at or under 90% of 2.5
    flat = measure(run(np.linspace(2.5, 2.4, 50)), X, Y)
    assert flat.plateau is None and flat.rises == 0 and flat.last_rise is None


@pytest.mark.parametrize(
    "end, says",
    [
        (2.5e-3, "The error falls a thousandfold or more (1,000-fold), from 2.50 to 0.00250"),
        (2.6e-3, "The error falls 962-fold, from 2.50 to 0.00260"),
        (0.5, "The error falls 5.0-fold"),
        (1.25, "The error falls 2.0-fold"),
        (1.26, "The error barely falls, from 2.50 to 1.26"),
        (2.5, "The error barely falls"),
        (4.0, "The error ends higher than it started, from 2.50 to 4.00 in 2 iterations"),
    ],
)
def test_the_trend_names_the_fall_it_measured(end, says):
    assert error_trend(measure(run([2.5, end]), X, Y)).startswith(says)


def test_an_output_stuck_at_one_answer_has_not_learned():
    # All weights 0 but the output's bias: P(white) = sigmoid(-8) for every colour.
    facts = measure(run([2.5, 4.0], final=weights(output_bias=-8.0)), X, Y)
    p = 1 / (1 + np.exp(8.0))
    assert facts.p_low == pytest.approx(p) and facts.p_high == pytest.approx(p)
    assert facts.white == 0 and facts.same_answer and facts.right == 6 and not facts.learned
    assert facts.output_saturated and facts.sure  # slope p(1-p) = 3.4e-4 < 0.01
    assert facts.hidden_saturated == 0  # hidden neurons at sigmoid(0): slope 0.25
    said = " ".join(run_sentences(facts))
    assert "every one gets black text (P(white) 0.00)" in said
    assert "Its output neuron is saturated" in said and "it has not learned them" in said


@pytest.mark.parametrize("seed", range(6))
def test_answers_are_counted_as_a_separate_forward_pass_counts_them(seed):
    final = weights(seed=seed, scale=3.0)
    facts = measure(run([2.5, 1.0], final=final), X, Y)
    p_white = output(final)
    assert facts.white == int((p_white >= 0.5).sum())
    assert facts.right == int(((p_white >= 0.5) == (Y.reshape(-1) == 1)).sum())
    assert (facts.p_low, facts.p_high) == (
        pytest.approx(p_white.min()),
        pytest.approx(p_white.max()),
    )
    assert facts.learned == (facts.right > 5 and 0 < facts.white < 10)


def test_the_gradient_fall_matches_finite_differences():
    initial, final = weights(seed=3, scale=0.5), weights(seed=4, scale=2.0)
    facts = measure(run([2.5, 2.4], final=final, initial=initial), X, Y)

    def norm(Ws):
        # E in the network is sum((A - y)^2) / 2 in its gradient: the backprop convention.
        total = 0.0
        for W in Ws:
            for index in np.ndindex(W.shape):
                h = 1e-6
                W[index] += h
                up = loss(Ws)
                W[index] -= 2 * h
                down = loss(Ws)
                W[index] += h
                total += ((up - down) / (2 * h) / 2) ** 2
        return np.sqrt(total)

    assert facts.gradient_fall == pytest.approx(norm(final) / norm(initial), rel=1e-5)


@pytest.mark.parametrize(
    "losses, y, error",
    [
        ([], Y, "non-empty"),
        ([2.5, np.nan], Y, "finite"),
        ([[2.5]], Y, "1-D"),
        ([2.5, 2.4], Y[:5], "labels"),
    ],
)
def test_bad_runs_are_refused(losses, y, error):
    with pytest.raises(ValueError, match=error):
        measure(run(losses if len(losses) else np.empty(0)), X, y)
