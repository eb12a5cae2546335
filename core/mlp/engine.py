"""The training loop of ``core.mlp``, compiled: K networks, K learning rates, one XLA program.

The math is the reference's, step for step (float64; the deltas of ``core.mlp.losses`` and the
updates of ``core.mlp.optimizers``, the very same functions); only the layout changes so that
XLA can run the whole loop without returning to Python:

- every array carries the K networks in its last axis, so K learning rates train side by side;
- the bias column is kept apart from the weights (``W[:, :-1]`` and ``b = W[:, -1]``);
- a mini-batch is a row of 1s and 0s over the colours (``core.mlp.batches``) that masks the
  output delta: the forward pass sees every colour, so each step's error is the error on all;
- the loop (a ``tf.while_loop`` under ``tf.function(jit_compile=True)``) writes each step's
  error and, at the snapshot iterations, the weights into preallocated buffers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402

from core.mlp.activations import OUTPUT  # noqa: E402
from core.mlp.batches import batch_masks, check_batch_size  # noqa: E402
from core.mlp.frames import MIN_SNAPSHOTS, snapshot_schedule  # noqa: E402
from core.mlp.losses import check_loss, output_delta  # noqa: E402
from core.mlp.network import (  # noqa: E402
    ProgressCallback,
    TrainResult,
    check_activation,
    check_data,
    check_iterations,
    check_layers,
    check_learning_rate,
    initial_weights,
)
from core.mlp.optimizers import Optimizer  # noqa: E402
from core.mlp.settings import TrainingSettings, resolve_settings  # noqa: E402

# Steps per compiled call: long runs come back to Python now and then to report progress.
CHUNK = 20_000
# Sweeps this large run as two halves on two cores.
PARALLEL_MIN_RATES = 8
SNAPSHOT_SLOTS = 4 * MIN_SNAPSHOTS + 4  # even and log frames, at most 201 each


# The activations of ``core.mlp.activations``, written on tensors: (f(z), f'(z, a)) by name.
# The same functions (tests check them against the table); the sigmoid in its tanh form, which
# never overflows and compiles to one fused operation.
TENSOR_FORMS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (lambda z: 0.5 * tf.math.tanh(0.5 * z) + 0.5, lambda z, a: a * (1.0 - a)),
    "tanh": (tf.math.tanh, lambda z, a: 1.0 - a * a),
    "relu": (tf.nn.relu, lambda z, a: tf.cast(z > 0, z.dtype)),
}


def _activate(z: tf.Tensor, activation: str) -> tf.Tensor:
    return TENSOR_FORMS[activation][0](z)


def _derivative(z: tf.Tensor, a: tf.Tensor, activation: str) -> tf.Tensor:
    return TENSOR_FORMS[activation][1](z, a)


def _gradients(W, b, X, Y, mask, activation, loss):
    """dE/dW and dE/db for K networks at once, and the lesson's error on all the colours.

    Shapes: W[l] (n_out, n_in, K), b[l] (n_out, K), X (n_inputs, n, 1), Y (n_outputs, n, 1),
    mask (n,) marking this step's colours, or None for all. Returns dW, db and the error (K,).
    """
    last = len(W) - 1
    inputs, Z, A = [], [], []
    previous = X
    for l in range(len(W)):
        inputs.append(previous)
        Z.append(tf.reduce_sum(W[l][:, :, None, :] * previous[None], axis=1) + b[l][:, None, :])
        A.append(_activate(Z[l], OUTPUT if l == last else activation))
        previous = A[l]

    diff = A[last] - Y
    error = tf.reduce_sum(diff * diff, axis=[0, 1])
    delta = output_delta(A[last], Y, loss)
    if mask is not None:  # colours outside the batch send nothing back
        delta = delta * mask[None, :, None]
    dW, db = [None] * len(W), [None] * len(W)
    for l in reversed(range(len(W))):
        dW[l] = tf.reduce_sum(delta[:, None, :, :] * inputs[l][None], axis=2)
        db[l] = tf.reduce_sum(delta, axis=1)
        if l > 0:
            back = tf.reduce_sum(W[l][:, :, None, :] * delta[:, None, :, :], axis=0)
            delta = back * _derivative(Z[l - 1], A[l - 1], activation)
    return dW, db, error


@tf.function(jit_compile=True)
def _run(
    W,
    b,
    state_W,
    state_b,
    X,
    Y,
    masks,
    learning_rate,
    start,
    stop,
    slot_of,
    losses,
    snapshots_W,
    snapshots_b,
    activation,
    loss,
    rule_fields,
):
    """Steps start..stop-1; losses[i] and the snapshot slots are written in place.

    slot_of[i] is the first snapshot whose iteration is >= i: every step writes the weights
    there, and the last write to slot s is at i = schedule[s], the weights after that many steps.
    masks[i] marks step i's colours (None: all of them); ``rule_fields`` are the ``Optimizer``'s
    (plain values, so that equal settings find the compiled program again), and state_W,
    state_b its state, one tuple per layer.
    """
    rule = Optimizer(*rule_fields)

    def body(i, W, b, state_W, state_b, losses, snapshots_W, snapshots_b):
        if snapshots_W:  # Python-level: an empty list means "keep no snapshots"
            slot = slot_of[i]
            snapshots_W = [
                tf.tensor_scatter_nd_update(s, [[slot]], w[None])
                for s, w in zip(snapshots_W, W, strict=True)
            ]
            snapshots_b = [
                tf.tensor_scatter_nd_update(s, [[slot]], v[None])
                for s, v in zip(snapshots_b, b, strict=True)
            ]
        mask = None if masks is None else masks[i]
        dW, db, error = _gradients(W, b, X, Y, mask, activation, loss)
        t = tf.cast(i + 1, tf.float64)
        new_W = [
            rule.update(*args, t, learning_rate, tf.sqrt)
            for args in zip(W, dW, state_W, strict=True)
        ]
        new_b = [
            rule.update(*args, t, learning_rate, tf.sqrt)
            for args in zip(b, db, state_b, strict=True)
        ]
        W, state_W = [w for w, _ in new_W], [s for _, s in new_W]
        b, state_b = [v for v, _ in new_b], [s for _, s in new_b]
        losses = tf.tensor_scatter_nd_update(losses, [[i]], error[None])
        return i + 1, W, b, state_W, state_b, losses, snapshots_W, snapshots_b

    _, W, b, state_W, state_b, losses, snapshots_W, snapshots_b = tf.while_loop(
        lambda i, *_: i < stop,
        body,
        (start, W, b, state_W, state_b, losses, snapshots_W, snapshots_b),
    )
    return W, b, state_W, state_b, losses, snapshots_W, snapshots_b


def _bucket(iterations: int) -> int:
    """Buffer length for the losses: a power of two, so XLA compiles a few shapes, not many."""
    return max(128, 1 << (iterations - 1).bit_length())


@dataclass(frozen=True)
class Sweep:
    """K networks trained from the same start with K learning rates.

    Attributes:
        learning_rates: (K,).
        losses: (iterations, K), the error before each step.
        weights: final weights, one (n_out, n_in + 1, K) array per layer.
        snapshot_iterations: (S,) as in ``core.mlp.snapshot_schedule``.
        snapshots: one (S, n_out, n_in + 1, K) array per layer.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    weights: list[np.ndarray]
    initial_weights: list[np.ndarray]
    snapshot_iterations: np.ndarray
    snapshots: list[np.ndarray]
    layers: tuple[int, ...]
    activation: str

    @property
    def final_losses(self) -> np.ndarray:
        return self.losses[-1]

    @property
    def best_losses(self) -> np.ndarray:
        return self.losses.min(axis=0)

    def result(self, k: int) -> TrainResult:
        """Network k of the sweep as a TrainResult."""
        return TrainResult(
            losses=self.losses[:, k].copy(),
            weights=[W[..., k].copy() for W in self.weights],
            initial_weights=[W.copy() for W in self.initial_weights],
            snapshot_iterations=self.snapshot_iterations,
            snapshots=[s[..., k].copy() for s in self.snapshots],
            layers=self.layers,
            activation=self.activation,
            learning_rate=float(self.learning_rates[k]),
        )


def train_many(
    X: np.ndarray,
    y: np.ndarray,
    weights: Sequence[np.ndarray],
    learning_rates: Sequence[float],
    iterations: int,
    activation: str = "sigmoid",
    progress: ProgressCallback | None = None,
    snapshots: bool = True,
    *,
    optimizer: Optimizer | None = None,
    loss: str = "squared_error",
    batch_size: int | None = None,
    seed: int = 0,
) -> Sweep:
    """Train K copies of a network, each with its own learning rate, in one compiled loop.

    Large sweeps are split in two halves that run at once on two CPU cores.

    Args:
        X: inputs (n, n_inputs); y: targets (n, n_outputs), or (n,) for one output.
        weights: the starting weights, one (n_out, n_in + 1) matrix per layer.
        learning_rates: K learning rates, each in (0, 100].
        iterations: steps, 1..200,000.
        activation: hidden activation, as in ``core.mlp``.
        progress: called as progress(done, iterations) after each compiled chunk, from the
            calling thread.
        snapshots: record the weights at the snapshot schedule (a sweep may skip them).
        optimizer: the update rule (``core.mlp.optimizers``); None is the lesson's gradient
            descent.
        loss: "squared_error" or "cross_entropy" (``core.mlp.losses``).
        batch_size: colours per step, None for all (``core.mlp.batches``); every network of
            the sweep sees the same batches.
        seed: decides the order of the colours in the mini-batches.

    Returns:
        A Sweep; without snapshots, its snapshot fields are empty.
    """
    layers = check_layers([weights[0].shape[1] - 1, *(W.shape[0] for W in weights)])
    activation = check_activation(activation)
    X, y = check_data(X, y, layers[0], layers[-1])
    rates = np.array([check_learning_rate(r) for r in learning_rates], dtype=np.float64)
    if rates.size == 0:
        raise ValueError("expected at least one learning rate, got none")
    iterations = check_iterations(iterations)
    rule = Optimizer() if optimizer is None else optimizer
    loss = check_loss(loss)
    batch_size = check_batch_size(batch_size, len(X))
    masks = None
    if batch_size is not None:  # bucketed, like the losses
        masks = batch_masks(len(X), batch_size, iterations, seed, _bucket(iterations))
    start_weights = [np.array(W, dtype=np.float64) for W in weights]

    def run(group: np.ndarray, report: ProgressCallback | None):
        return _train_group(
            X, y, start_weights, group, iterations, activation, report, snapshots,
            rule, loss, masks,
        )  # fmt: skip

    if rates.size >= PARALLEL_MIN_RATES and (os.cpu_count() or 1) >= 2:
        first, second = np.array_split(rates, 2)
        with ThreadPoolExecutor(max_workers=1) as pool:
            other = pool.submit(run, second, None)
            parts = [run(first, progress), other.result()]
    else:
        parts = [run(rates, progress)]
    losses = np.concatenate([p[0] for p in parts], axis=1)
    final = [np.concatenate(layer, axis=-1) for layer in zip(*(p[1] for p in parts), strict=True)]
    kept = [np.concatenate(layer, axis=-1) for layer in zip(*(p[2] for p in parts), strict=True)]
    schedule = snapshot_schedule(iterations) if snapshots else np.empty(0, dtype=int)
    return Sweep(rates, losses, final, start_weights, schedule, kept, layers, activation)


def _train_group(
    X, y, start_weights, rates, iterations, activation, progress, snapshots, rule, loss, masks
):
    """Run the compiled loop for one group of rates; returns losses, weights, snapshots."""
    K = rates.size
    schedule = snapshot_schedule(iterations)
    slot_of = np.zeros(_bucket(iterations), np.int32)  # bucketed, like the losses
    slot_of[:iterations] = np.searchsorted(schedule, np.arange(iterations))
    W = [tf.constant(np.repeat(M[:, :-1, None], K, axis=2)) for M in start_weights]
    b = [tf.constant(np.repeat(M[:, -1, None], K, axis=1)) for M in start_weights]
    state_W = [tuple(tf.zeros_like(w) for _ in range(rule.slots)) for w in W]
    state_b = [tuple(tf.zeros_like(v) for _ in range(rule.slots)) for v in b]
    losses = tf.zeros((_bucket(iterations), K), tf.float64)
    # Without snapshots the buffers are empty lists, and the loop writes nothing.
    snapshots_W = [tf.zeros((SNAPSHOT_SLOTS, *w.shape), tf.float64) for w in W] if snapshots else []
    snapshots_b = [tf.zeros((SNAPSHOT_SLOTS, *v.shape), tf.float64) for v in b] if snapshots else []
    X_in = tf.constant(X.T[:, :, None])
    Y_in = tf.constant(y.T[:, :, None])
    masks_in = None if masks is None else tf.constant(masks)
    rates_in = tf.constant(rates)

    done = 0
    while done < iterations:
        stop = min(done + CHUNK, iterations)
        W, b, state_W, state_b, losses, snapshots_W, snapshots_b = _run(
            W,
            b,
            state_W,
            state_b,
            X_in,
            Y_in,
            masks_in,
            rates_in,
            tf.constant(done),
            tf.constant(stop),
            tf.constant(slot_of),
            losses,
            snapshots_W,
            snapshots_b,
            activation,
            loss,
            astuple(rule),
        )
        done = stop
        if progress is not None:
            progress(done, iterations)

    final = [
        np.concatenate([w.numpy(), v.numpy()[:, None, :]], axis=1)
        for w, v in zip(W, b, strict=True)
    ]
    kept = []
    for sW, sb, last in zip(snapshots_W, snapshots_b, final, strict=False):  # empty: none kept
        joined = np.concatenate([sW.numpy(), sb.numpy()[:, :, None, :]], axis=2)[: len(schedule)]
        joined[-1] = last
        kept.append(joined)
    return losses.numpy()[:iterations], final, kept


def sweep_learning_rates(
    X: np.ndarray,
    y: np.ndarray,
    learning_rates: Sequence[float],
    settings: TrainingSettings | None = None,
    *,
    progress: ProgressCallback | None = None,
    **values,
) -> Sweep:
    """Train the settings' network once per learning rate, all in one compiled run.

    The settings (or keyword arguments, as in ``core.mlp.train``) give the network, its start,
    the iterations, the optimiser, the loss and the batches; their learning rate is ignored.
    Only the losses and final weights are kept (no snapshots): what a sweep plot needs.
    """
    settings, layers = resolve_settings(settings, X, y, **values)
    start = initial_weights(layers, settings.seed, settings.init_scale)
    return train_many(
        X,
        y,
        start,
        learning_rates,
        settings.iterations,
        settings.activation,
        progress,
        snapshots=False,
        optimizer=settings.update_rule,
        loss=settings.loss,
        batch_size=settings.batch_size,
        seed=settings.seed,
    )
