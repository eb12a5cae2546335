"""What a training run did, measured from its error curve and its answers.

A note on the page may claim only what these facts hold: the error at the start and at the end,
how many times smaller it got, how long it rested on a plateau, whether it jumped up first,
how many neurons ended saturated, and how many training colours the network gets right. The
sentences of ``run_sentences`` are built from the facts and nothing else, so a note can never
say "falls a thousandfold" over a chart that shows 2.40.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mlp.activations import activation, activation_derivative
from core.mlp.error import from_sum
from core.mlp.network import MLP, TrainResult, white_text

PLATEAU_EDGE = 0.9  # the plateau ends once the error is 10% under its start
JUMP = 1.1  # the error "jumps up" when it climbs 10% above its start
THOUSANDFOLD = 1e-3  # end / start at or under this: "falls a thousandfold"
BARELY = 0.5  # end / start above this (and not above 1): "barely falls"
SATURATED_SLOPE = 0.01  # a neuron whose slope f'(z) stays under this on every training colour
STALLED = 0.01  # the gradient at the end under this share of the start's: "all but stopped"
MIN_PLATEAU = 100  # a plateau shorter than this is not worth a sentence


@dataclass(frozen=True)
class RunFacts:
    """A run's error curve and answers, measured.

    Attributes:
        iterations: Steps taken.
        start: Error_total before the first step (half ``losses[0]``, the loop's sum).
        end: Error_total the page calls final (half ``losses[-1]``).
        peak: The highest error of the run, and ``peak_iteration`` where it was.
        plateau: Iterations before the error first falls 10% under its start (None: never).
        rises: Steps after which the error was higher than before them.
        last_rise: The iteration of the last such step (None: none).
        right: Training colours the final network answers right, of ``total``.
        white: Training colours it gives white text.
        p_low, p_high: Its lowest and highest P(white) over the training colours.
        hidden_saturated: Hidden neurons whose slope f'(z) is under ``SATURATED_SLOPE`` for
            every training colour, of ``hidden_neurons``.
        output_saturated: The output neuron's slope is under ``SATURATED_SLOPE`` for every one.
        gradient_fall: |dE/dW| at the final weights over |dE/dW| at the initial weights.
        activation: The hidden activation.
    """

    iterations: int
    start: float
    end: float
    peak: float
    peak_iteration: int
    plateau: int | None
    rises: int
    last_rise: int | None
    right: int
    total: int
    white: int
    p_low: float
    p_high: float
    hidden_saturated: int
    hidden_neurons: int
    output_saturated: bool
    gradient_fall: float
    activation: str

    @property
    def fall(self) -> float:
        """end / start: 1e-3 is a thousandfold fall, above 1 a rise."""
        return self.end / self.start if self.start > 0 else float("inf")

    @property
    def jumped(self) -> bool:
        """The error climbed 10% above its start at some point."""
        return self.peak > JUMP * self.start

    @property
    def same_answer(self) -> bool:
        """Every training colour gets the same text colour."""
        return self.white in (0, self.total)

    @property
    def sure(self) -> bool:
        """Every training colour's P(white) is under 0.01, or every one is over 0.99."""
        return self.p_high < 0.01 or self.p_low > 0.99

    @property
    def learned(self) -> bool:
        """More than half the training colours right, and not one answer for all of them."""
        return 2 * self.right > self.total and not self.same_answer


def measure(result: TrainResult, X: np.ndarray, y: np.ndarray) -> RunFacts:
    """Measure a run on the colours it trained on.

    Args:
        result: The run (its ``losses`` and final weights).
        X: (n, 3) the training colours, values in [0, 1].
        y: (n,) or (n, 1) their labels, 1 for white text.

    Returns:
        The run's facts.
    """
    losses = from_sum(np.asarray(result.losses, dtype=np.float64))  # Error_total, as shown
    if losses.ndim != 1 or losses.size == 0 or not np.all(np.isfinite(losses)):
        raise ValueError(f"expected a finite, non-empty 1-D error curve, got {losses.shape}")
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    net = result.network()
    Z, A = net.forward_pass(X)
    if y.shape != (A[-1].shape[1],):
        raise ValueError(f"expected {A[-1].shape[1]} labels, got y of shape {y.shape}")
    p_white = A[-1][0]
    answers = white_text(p_white)
    flat = [
        np.all(activation_derivative(z, a, net.layer_activation(i)) < SATURATED_SLOPE, axis=1)
        for i, (z, a) in enumerate(zip(Z, A, strict=True))
    ]
    start_net = MLP(result.layers, activation=result.activation, weights=result.initial_weights)
    below = np.flatnonzero(losses <= PLATEAU_EDGE * losses[0])
    rose = np.flatnonzero(np.diff(losses) > 0) + 1
    return RunFacts(
        iterations=int(losses.size),
        start=float(losses[0]),
        end=float(losses[-1]),
        peak=float(losses.max()),
        peak_iteration=int(losses.argmax()),
        plateau=int(below[0]) if below.size else None,
        rises=int(rose.size),
        last_rise=int(rose[-1]) if rose.size else None,
        right=int((answers == (y == 1)).sum()),
        total=int(y.size),
        white=int(answers.sum()),
        p_low=float(p_white.min()),
        p_high=float(p_white.max()),
        hidden_saturated=int(sum(f.sum() for f in flat[:-1])),
        hidden_neurons=sum(a.shape[0] for a in A[:-1]),
        output_saturated=bool(flat[-1].all()),
        gradient_fall=_gradient_norm(net, X, y) / _gradient_norm(start_net, X, y),
        activation=result.activation,
    )


def _gradient_norm(net: MLP, X: np.ndarray, y: np.ndarray) -> float:
    """|dE/dW| over every weight matrix together (the Frobenius norm)."""
    return float(np.sqrt(sum(np.sum(g**2) for g in net.gradients(X, y))))


def number(value: float) -> str:
    """An error as the note writes it: three significant figures ("2.40", "0.00132")."""
    return f"{value:#.3g}" if 1e-4 <= abs(value) < 1e4 else f"{value:.2e}"


def times(factor: float) -> str:
    """How many times smaller, in words a hall reads ("1,915", "more than a million")."""
    if factor >= 1e6:
        return "more than a million"
    return f"{factor:,.0f}" if factor >= 10 else f"{factor:.1f}"


def error_trend(facts: RunFacts) -> str:
    """One sentence: the error from start to end, and how many times smaller it got."""
    span = f"from {number(facts.start)} to {number(facts.end)} in {facts.iterations:,} iterations"
    if facts.fall <= THOUSANDFOLD:
        return f"The error falls a thousandfold or more ({times(1 / facts.fall)}-fold), {span}."
    if facts.fall <= BARELY:
        return f"The error falls {times(1 / facts.fall)}-fold, {span}."
    if facts.fall <= 1:
        return f"The error barely falls, {span}."
    return f"The error ends higher than it started, {span}."


def error_path(facts: RunFacts) -> str | None:
    """A jump above the start, or a plateau before the fall, where the run has one."""
    if facts.jumped:
        last = f", the last at iteration {facts.last_rise:,}" if facts.last_rise else ""
        return (
            f"On the way it jumps up, to {number(facts.peak)} at iteration "
            f"{facts.peak_iteration:,}, and rises on {facts.rises:,} of the "
            f"{facts.iterations - 1:,} steps{last}."
        )
    if facts.plateau is not None and facts.plateau >= MIN_PLATEAU and facts.fall <= PLATEAU_EDGE:
        return (
            f"It rests on a plateau, within 10% of its start, for the first "
            f"{facts.plateau:,} iterations before it falls."
        )
    return None


def stalled_sentences(facts: RunFacts) -> list[str]:
    """Saturated (or, for relu, dead) neurons and a vanished gradient, where the run has them."""
    parts = ["its output neuron"] if facts.output_saturated else []
    hidden = facts.hidden_saturated
    if hidden:
        whole = (
            f"all {hidden}"
            if hidden == facts.hidden_neurons
            else f"{hidden} of the {facts.hidden_neurons}"
        )
        parts.append(f"{whole} hidden neurons")
    sentences = []
    if parts:
        verb = "is" if facts.output_saturated + hidden == 1 else "are"
        state = activation(facts.activation).flat if hidden else "saturated"
        sentences.append(
            f"{' and '.join(parts).capitalize()} {verb} {state}: slope f′(z) under "
            f"{SATURATED_SLOPE:g} for every training colour."
        )
    if facts.gradient_fall <= STALLED:
        sentences.append(
            f"The gradient at the final weights is {times(1 / facts.gradient_fall)} times "
            "smaller than at the start: the steps have all but stopped."
        )
    return sentences


def one_answer(facts: RunFacts) -> str:
    """The answer a network gives every training colour, e.g. "white text (P(white) 0.52 to
    0.55)"; meaningful when ``facts.same_answer``."""
    text = "white" if facts.white else "black"
    low, high = f"{facts.p_low:.2f}", f"{facts.p_high:.2f}"
    return f"{text} text (P(white) {low if low == high else f'{low} to {high}'})"


def answers_sentence(facts: RunFacts) -> str:
    """The training colours right, one answer for all of them, and whether it learned."""
    right = f"{facts.right} of {facts.total} training colours right"
    if facts.same_answer:
        right += f", and every one gets {one_answer(facts)}"
    return f"{right}{'' if facts.learned else ': it has not learned them'}."


def run_sentences(facts: RunFacts) -> list[str]:
    """What the run did, each sentence a fact of ``facts`` in words.

    Args:
        facts: A run's facts (``measure``).

    Returns:
        Sentences: the trend, a jump or a plateau where there was one, saturated neurons and
        a stalled gradient when the network did not learn, and the training colours it gets
        right.
    """
    path = error_path(facts)
    stalled = [] if facts.learned else stalled_sentences(facts)
    return [error_trend(facts), *([path] if path else []), *stalled, answers_sentence(facts)]
