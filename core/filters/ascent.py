"""Gradient ascent in input space, many filters at once: the document's step, batched.

The document's recipe, for one filter ``f`` of a convolutional layer:

    x_0  = 128 + 20 * (uniform - 0.5)                grey image with a little noise
    loss = mean over (i, j) of A[i, j, f](x)          mean activation of the filter
    g    = d loss / d x
    x    = x + step_size * g / (RMS(g) + eps)          normalised gradient ascent, 20 steps

Here every image in a batch climbs its own filter: the batch loss is the sum of the per-image
losses, so image b only receives the gradient of its own loss, and each gradient is normalised
on its own. One compiled step (filter indices are tensors) serves every filter. The Fourier
method (``core.filters.fourier``) shares the ``AscentMethod`` interface and the batch loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from core.filters.compute import ACTIVATION_BYTES, MAX_BATCH, check_dtype
from core.filters.fourier import FourierAscent
from core.filters.methods import METHODS
from core.filters.model import filter_count
from core.filters.visualizer import Visualizer, as_visualizer

if TYPE_CHECKING:
    import keras


EPSILON = 1e-7  # keras.backend.epsilon(), as in the document's normalisation
MAX_SIZE = 512
MAX_STEPS = 2048
# Activation memory one batch may use: what a render adds to the server's memory while it runs.
# Batches twice as big were at most 8% faster on a 2-core CPU (bench/bench_filters.py).
BATCH_MEMORY_BYTES = 128 * 2**20


class AscentStep:
    """The document's gradient-ascent step, compiled once and shared by every filter.

    Calling it with a batch of images and one filter index per image returns each image's
    loss (mean activation of its filter) and the images after one normalised step. The filter
    indices and the step size are tensors, so new filters never retrace the function.
    """

    def __init__(
        self, feature_model: keras.Model, compute_dtype: str = "float32", jit: bool = False
    ) -> None:
        import tensorflow as tf

        self.feature_model = feature_model  # computing in compute_dtype, float32 in and out
        self.compute_dtype = check_dtype(compute_dtype)
        self.traces = 0
        spec = (
            tf.TensorSpec([None, None, None, 3], tf.float32),
            tf.TensorSpec([None], tf.int32),
            tf.TensorSpec([], tf.float32),
        )
        # Off by default: on a 2-core CPU, oneDNN's convolutions at batch 4 beat XLA's by ~25%.
        jit = jit and compute_dtype == "float32"
        self._step = tf.function(self._ascent_step, input_signature=spec, jit_compile=jit)

    def _ascent_step(self, images, filter_indices, step_size):
        import tensorflow as tf

        self.traces += 1  # runs only while tracing
        with tf.GradientTape() as tape:
            tape.watch(images)
            A = self.feature_model(images, training=False)
            A_f = tf.gather(A, filter_indices, axis=3, batch_dims=1)  # A[b, :, :, f_b]
            losses = tf.reduce_mean(tf.cast(A_f, tf.float32), axis=[1, 2])
        g = tape.gradient(losses, images)  # of sum(losses): image b gets d loss_b / d x_b
        rms = tf.sqrt(tf.reduce_mean(tf.square(g), axis=[1, 2, 3], keepdims=True))
        return losses, images + step_size * g / (rms + EPSILON)

    def __call__(
        self, images: np.ndarray, filter_indices: np.ndarray, step_size: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """One step for a batch.

        Args:
            images: (batch, h, w, 3) float32 pixel-space images.
            filter_indices: (batch,) int, the filter each image climbs.
            step_size: Length of the normalised step.

        Returns:
            (batch,) losses before the step and the (batch, h, w, 3) updated images.
        """
        losses, images = self._step(
            np.asarray(images, np.float32),
            np.asarray(filter_indices, np.int32),
            np.float32(step_size),
        )
        return losses.numpy(), images.numpy()


@dataclass
class FilterImages:
    """Pictures of some filters of one layer.

    Attributes:
        images: (k, size, size, 3) uint8 deprocessed pictures.
        losses: (k,) final mean activation of each filter (the document's ``loss_value``).
        filter_indices: (k,) the filters, in the order asked for.
        loss_history: (k, steps) loss at the start of every step.
        alive: (k,) False for filters whose loss was ever <= 0 (the document drops them).
    """

    images: np.ndarray
    losses: np.ndarray
    filter_indices: np.ndarray
    loss_history: np.ndarray
    alive: np.ndarray


@dataclass
class Progress:
    """Reported after every batch.

    Attributes:
        done: Image-steps finished.
        total: Image-steps planned (may shrink when screening drops filters).
        stage: ``"screening"`` or ``"ascent"``.
        finished: Pictures of the filters finished so far (None until the first batch).
    """

    done: int
    total: int
    stage: str
    finished: FilterImages | None = None


ProgressCallback = Callable[[Progress], None]
# Called after every step of every batch, with no arguments; raising from it stops the work
# within one step (the page gives up a render nobody waits for any more).
StepCallback = Callable[[], None]


def initial_image(filter_index: int, size: int, seed: int) -> np.ndarray:
    """The document's start: grey 128 with uniform noise of amplitude 20, one per filter.

    The noise depends only on (seed, filter_index), so a filter gets the same picture whether it
    runs alone or inside any batch.
    """
    rng = np.random.default_rng([seed, filter_index])
    return ((rng.random((size, size, 3)) - 0.5) * 20 + 128).astype(np.float32)


def deprocess(x: np.ndarray) -> np.ndarray:
    """Turn a pixel-space picture into uint8 as the document does.

    Centre on 0, scale to standard deviation 0.1, shift to 0.5, clip to [0, 1], times 255.

    Args:
        x: (h, w, 3) or (k, h, w, 3) float array; a batch is deprocessed image by image.

    Returns:
        uint8 array of the same shape.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 4:
        return np.stack([deprocess(image) for image in x]) if len(x) else x.astype(np.uint8)
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ValueError(f"expected an image of shape (h, w, 3), got {x.shape}")
    x = (x - x.mean()) / (x.std() + EPSILON) * 0.1 + 0.5
    return (np.clip(x, 0, 1) * 255).astype(np.uint8)


def default_batch_size(
    feature_model: keras.Model, size: int, compute_dtype: str = "float32"
) -> int:
    """The largest batch whose activations (with their gradients) fit ``BATCH_MEMORY_BYTES``.

    bfloat16 activations take half the bytes, so its batches can be twice as big, up to the
    type's ``compute.MAX_BATCH``.
    """
    side, floats = float(size), 0.0
    for layer in feature_model.layers:
        if "pool" in layer.name.lower():
            side /= 2
        shape = layer.output.shape
        if len(shape) == 4 and shape[3] is not None:
            floats += side * side * int(shape[3])
    # activation, its gradient and the ReLU mask
    per_image = 3 * ACTIVATION_BYTES[compute_dtype] * floats
    return int(np.clip(BATCH_MEMORY_BYTES // max(per_image, 1), 1, MAX_BATCH[compute_dtype]))


def ascent_problem(size: int, steps: int, step_size: float, method: str) -> str:
    """Why these ascent settings cannot make pictures, in words a person can act on; "" if
    they can. The one check of them: ``visualize_filters`` and ``GridSettings`` both use it."""
    if method not in METHODS:
        return f"Unknown method {method!r}: choose one of {', '.join(METHODS)}."
    if not 1 <= steps <= MAX_STEPS:
        return f"Steps must be between 1 and {MAX_STEPS}, not {steps}."
    if not (np.isfinite(step_size) and step_size > 0):
        return f"The step size must be a positive number, not {step_size}."
    if not 8 <= size <= MAX_SIZE:
        return f"The image size must be between 8 and {MAX_SIZE} px, not {size}."
    return ""


def check_indices(filter_indices: Sequence[int], count: int, layer_name: str) -> np.ndarray:
    """The filter indices as an array; ValueError when empty or out of the layer's range."""
    indices = np.asarray(list(filter_indices), dtype=np.int64).reshape(-1)
    if indices.size == 0:
        raise ValueError("expected at least one filter index")
    bad = indices[(indices < 0) | (indices >= count)]
    if bad.size:
        raise ValueError(
            f"filter index {int(bad[0])} out of range: {layer_name} has filters 0..{count - 1}"
        )
    return indices


class AscentMethod(Protocol):
    """What every gradient-ascent method provides; ``advance`` is the one batch loop.

    A state is a dict of arrays whose first axis runs over the filters (the seed method keeps
    the images, the Fourier method the spectra and Adam's moments).
    """

    batch_size: int
    compute_dtype: str  # "float32" or "bfloat16": the network's arithmetic

    def start(self, indices: np.ndarray) -> State:
        """The starting state of each filter in ``indices``."""

    def step(self, batch: State, filter_indices: np.ndarray, t: int) -> tuple[np.ndarray, State]:
        """Step number ``t`` (from 0) for one batch: its losses before the step, new state."""

    def pictures(self, state: State) -> np.ndarray:
        """(k, size, size, 3) uint8 pictures of a state."""


State = dict[str, np.ndarray]
BatchCallback = Callable[[np.ndarray, np.ndarray, np.ndarray], None]


def advance(
    method: AscentMethod,
    state: State,
    indices: np.ndarray,
    first_step: int,
    steps: int,
    on_batch: BatchCallback | None = None,
    on_step: StepCallback | None = None,
) -> tuple[State, np.ndarray]:
    """Run ``steps`` more steps (numbered from ``first_step``) on every filter, batch by batch.

    Every batch has the same shape (the last one is padded by repeating rows), so the compiled
    step never traces again. ``on_batch`` is called after each batch, ``on_step`` after each
    step (an exception raised there stops the run).

    Returns:
        The new state and the (k, steps) losses at the start of each step.
    """
    k, B = len(indices), method.batch_size
    new = {key: value.copy() for key, value in state.items()}
    history = np.zeros((k, steps), np.float32)
    for start in range(0, k, B):
        rows = np.arange(start, min(start + B, k))
        pad = np.resize(rows, B)
        batch, f = {key: value[pad] for key, value in new.items()}, indices[pad]
        for t in range(steps):
            losses, batch = method.step(batch, f, first_step + t)
            history[rows, t] = losses[: len(rows)]
            if on_step is not None:
                on_step()
        for key, value in batch.items():
            new[key][rows] = value[: len(rows)]
        if on_batch is not None:
            on_batch(rows, method.pictures({key: v[rows] for key, v in new.items()}), history[rows])
    return new, history


class SeedAscent:
    """The document's method: each state is a pixel-space image, started from grey noise."""

    def __init__(
        self, ascent_step: AscentStep, size: int, step_size: float, seed: int, batch_size: int
    ) -> None:
        self.ascent_step = ascent_step
        self.compute_dtype = ascent_step.compute_dtype
        self.size, self.step_size, self.seed, self.batch_size = size, step_size, seed, batch_size

    def start(self, indices: np.ndarray) -> State:
        return {"x": np.stack([initial_image(int(i), self.size, self.seed) for i in indices])}

    def step(self, batch: State, filter_indices: np.ndarray, t: int) -> tuple[np.ndarray, State]:
        losses, x = self.ascent_step(batch["x"], filter_indices, self.step_size)
        return losses, {"x": x}

    def pictures(self, state: State) -> np.ndarray:
        return deprocess(state["x"])


def make_ascent(
    visualizer: Visualizer,
    layer_name: str,
    method: str,
    size: int,
    step_size: float | None,
    seed: int,
    batch_size: int | None,
    compute_dtype: str | None = None,
) -> AscentMethod:
    """The ascent method for a layer; its compiled step is the visualizer's, built once.

    ``compute_dtype`` None uses the visualizer's (measured once where it was not given).
    """
    dtype = compute_dtype or visualizer.compute_dtype
    feature_model = visualizer.features(layer_name, dtype)
    B = batch_size or default_batch_size(feature_model, size, dtype)
    if step_size is None:
        step_size = METHODS[method].step_size_on(layer_name)
    if method == "seed":
        step = visualizer.piece(
            ("seed", layer_name, dtype), lambda: AscentStep(feature_model, dtype)
        )
        return SeedAscent(step, size, step_size, seed, B)
    # Its compiled step bakes in the size and learning rate, so they belong to the key.
    return visualizer.piece(
        ("fourier", layer_name, size, step_size, seed, B, dtype),
        lambda: FourierAscent(feature_model, size, step_size, seed, B, dtype),
    )


class _Tracker:
    """Collects finished batches and reports ``Progress`` with the pictures so far."""

    def __init__(self, total: int, on_progress: ProgressCallback | None) -> None:
        self.done, self.total, self.on_progress = 0, total, on_progress
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def callback(self, stage: str, indices: np.ndarray, report_pictures: bool) -> BatchCallback:
        def on_batch(rows: np.ndarray, pictures: np.ndarray, history: np.ndarray) -> None:
            self.done += history.size
            if report_pictures:
                self.parts.append((indices[rows], pictures, history))
            if self.on_progress is not None:
                self.on_progress(Progress(self.done, self.total, stage, self.finished()))

        return on_batch

    def finished(self) -> FilterImages | None:
        if not self.parts:
            return None
        idx, pics, hist = (np.concatenate(p) for p in zip(*self.parts, strict=True))
        return FilterImages(pics, hist[:, -1], idx, hist, (hist > 0).all(axis=1))


def visualize_filters(
    model: keras.Model | Visualizer,
    layer_name: str,
    filter_indices: Sequence[int],
    size: int = 128,
    steps: int = 20,
    step_size: float | None = None,
    seed: int = 0,
    method: str = "seed",
    batch_size: int | None = None,
    on_progress: ProgressCallback | None = None,
    compute_dtype: str | None = None,
    on_step: StepCallback | None = None,
) -> FilterImages:
    """Picture what each filter responds to by gradient ascent from its own starting image.

    Args:
        model: Any Keras functional model with a layer called ``layer_name``, or a
            ``Visualizer`` holding one (whose compiled steps are then reused).
        layer_name: The convolutional layer; the model is cut right after it.
        filter_indices: Filters (output channels) to picture.
        size: Side of the square pictures in pixels.
        steps: Gradient-ascent steps per filter.
        step_size: Step length (``"seed"``) or Adam learning rate (``"fourier"``);
            None picks the method's default.
        seed: Seed of the starting images (and of the Fourier method's jitter).
        method: ``"seed"`` (the document) or ``"fourier"`` (decorrelated Fourier image).
        batch_size: Filters optimised together; None sizes batches to ``BATCH_MEMORY_BYTES``.
        on_progress: Called with a ``Progress`` after every batch.
        compute_dtype: ``"float32"`` or ``"bfloat16"`` for the network's arithmetic; None
            uses the visualizer's.
        on_step: Called after every step of every batch; raise from it to stop.

    Returns:
        ``FilterImages`` with k = len(filter_indices) pictures, losses and loss curves.

    Raises:
        ValueError: Unknown layer, filter index out of range, or a bad setting.
    """
    problem = ascent_problem(size, steps, 1.0 if step_size is None else step_size, method)
    if problem:
        raise ValueError(problem)
    visualizer = as_visualizer(model)
    count = filter_count(visualizer.model, layer_name)
    indices = check_indices(filter_indices, count, layer_name)
    runner = make_ascent(
        visualizer, layer_name, method, size, step_size, seed, batch_size, compute_dtype
    )
    tracker = _Tracker(len(indices) * steps, on_progress)
    state, history = advance(
        runner,
        runner.start(indices),
        indices,
        0,
        steps,
        tracker.callback("ascent", indices, True),
        on_step,
    )
    return FilterImages(
        runner.pictures(state), history[:, -1], indices, history, (history > 0).all(axis=1)
    )
