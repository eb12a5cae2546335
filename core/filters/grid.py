"""What VGG16's filters respond to: gradient ascent in input space, many filters at once.

The document's recipe, for one filter ``f`` of a convolutional layer:

    x_0  = 128 + 20 * (uniform - 0.5)                grey image with a little noise
    loss = mean over (i, j) of A[i, j, f](x)          mean activation of the filter
    g    = d loss / d x
    x    = x + step_size * g / (RMS(g) + eps)          normalised gradient ascent, 20 steps

Filters whose loss is still <= 0 are dropped, the rest ranked by loss, the best n*n stitched
into a grid. Here every image in a batch climbs its own filter: the batch loss is the sum of the
per-image losses, so image b only receives the gradient of its own loss, and each gradient is
normalised on its own. One compiled step (filter indices are tensors) serves every filter.

Method ``"fourier"`` (``core.filters.fourier``) is the better-looking alternative.

Run ``python -m core.filters --help`` to pre-render grids before a lecture.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import keras

# The 13 convolutional layers of VGG16 and their number of filters.
CONV_LAYERS: dict[str, int] = {
    "block1_conv1": 64,
    "block1_conv2": 64,
    "block2_conv1": 128,
    "block2_conv2": 128,
    "block3_conv1": 256,
    "block3_conv2": 256,
    "block3_conv3": 256,
    "block4_conv1": 512,
    "block4_conv2": 512,
    "block4_conv3": 512,
    "block5_conv1": 512,
    "block5_conv2": 512,
    "block5_conv3": 512,
}
# The layers the document shows, shallow to deep.
DOCUMENT_LAYERS = ("block1_conv1", "block2_conv2", "block3_conv3", "block4_conv3", "block5_conv3")
METHODS = ("seed", "fourier")
WEIGHTS_ENV = "VGG16_WEIGHTS"
# Trained VGG16 conv weights for offline development and CI, when the repository sits beside
# shared/ (see shared/vgg16/README.md). Never committed; tests that need it skip without it.
SHARED_WEIGHTS = Path(__file__).resolve().parents[3] / "shared" / "vgg16" / "vgg16_notop.weights.h5"
EPSILON = 1e-7  # keras.backend.epsilon(), as in the document's normalisation
MAX_SIZE = 512
MAX_STEPS = 2048
# Activation memory one batch may use; keeps a 4x4 block5_conv3 grid well under 1.5 GB RSS.
BATCH_MEMORY_BYTES = 256 * 2**20
MAX_BATCH = 16


class WeightsError(ValueError):
    """A weights file that is missing, unreadable or made for another network."""


class WeightsDownloadError(RuntimeError):
    """Keras could not download the ImageNet weights (usually: no network)."""


# --------------------------------------------------------------------------- model


def default_weights() -> str:
    """The weights to use when none are named: ``$VGG16_WEIGHTS`` if set, else ImageNet."""
    return os.environ.get(WEIGHTS_ENV) or "imagenet"


def load_vgg16(weights: str | os.PathLike | None = "imagenet", seed: int = 0) -> keras.Model:
    """Build VGG16's convolutional base (``include_top=False``) with the given weights.

    Args:
        weights: ``"imagenet"`` (Keras downloads and caches the 58 MB file on first use), a
            path to a local Keras weights file (``.weights.h5`` or legacy ``.h5``), or None
            for the untrained network.
        seed: Seed of the untrained network's Glorot-uniform initialisation, so that the
            "untrained" pictures are reproducible and cacheable.

    Returns:
        A functional Keras model taking (batch, height, width, 3) images of any size.

    Raises:
        WeightsDownloadError: ImageNet weights requested but the download failed.
        FileNotFoundError: The local weights file does not exist.
        WeightsError: The file is not a readable weights file for VGG16's convolutional base.
    """
    keras = _keras()
    shape = (None, None, 3)
    if weights is None:
        model = keras.applications.VGG16(weights=None, include_top=False, input_shape=shape)
        _glorot_reinit(model, seed)
        return model
    if str(weights) == "imagenet":
        try:
            return keras.applications.VGG16(
                weights="imagenet", include_top=False, input_shape=shape
            )
        except Exception as error:  # Keras raises a bare Exception on a failed fetch.
            raise WeightsDownloadError(
                f"could not download the ImageNet weights for VGG16 ({error})"
            ) from error
    path = Path(weights).expanduser()
    _check_weights_file(path)
    model = keras.applications.VGG16(weights=None, include_top=False, input_shape=shape)
    before = [layer.get_weights()[0][..., 0].copy() for layer in _conv_layers(model)]
    try:
        model.load_weights(str(path))
    except Exception as error:
        raise WeightsError(
            f"{path.name} does not hold weights for VGG16's convolutional base: {_short(error)}"
        ) from error
    after = [layer.get_weights()[0][..., 0] for layer in _conv_layers(model)]
    unchanged = [
        layer.name
        for layer, b, a in zip(_conv_layers(model), before, after, strict=True)
        if np.array_equal(b, a)
    ]
    if unchanged:
        raise WeightsError(
            f"{path.name} left {len(unchanged)} of 13 VGG16 layers without weights "
            f"({', '.join(unchanged[:3])}...): it is made for another network"
        )
    return model


def _short(error: BaseException, limit: int = 160) -> str:
    """The first line of an error, cut to ``limit`` characters (Keras quotes whole tensors)."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _check_weights_file(path: Path) -> None:
    """Raise a clear error for a missing, oddly named or corrupt weights file."""
    if not path.is_file():
        raise FileNotFoundError(f"weights file not found: {path}")
    if not path.name.endswith(".h5"):
        raise WeightsError(f"expected a Keras weights file ending in .h5, got {path.name}")
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            handle.keys()
    except OSError as error:
        raise WeightsError(
            f"{path.name} is not a readable HDF5 weights file: {_short(error)}"
        ) from error


def _glorot_reinit(model: keras.Model, seed: int) -> None:
    """Give every conv layer seeded Glorot-uniform kernels and zero biases (Keras' defaults)."""
    rng = np.random.default_rng(seed)
    for layer in _conv_layers(model):
        kernel, bias = layer.get_weights()
        kh, kw, c_in, c_out = kernel.shape
        limit = np.sqrt(6.0 / (kh * kw * (c_in + c_out)))
        kernel = rng.uniform(-limit, limit, kernel.shape).astype(np.float32)
        layer.set_weights([kernel, np.zeros_like(bias)])


def _conv_layers(model: keras.Model) -> list:
    return [layer for layer in model.layers if len(layer.get_weights()) == 2]


def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras


def filter_count(model: keras.Model, layer_name: str) -> int:
    """Number of filters (output channels) of ``layer_name``.

    Raises:
        ValueError: The model has no such layer, or its output is not an image of channels.
    """
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        convs = [layer.name for layer in model.layers if len(layer.output.shape) == 4]
        raise ValueError(f"unknown layer {layer_name!r}; layers with filters: {', '.join(convs)}")
    shape = model.get_layer(layer_name).output.shape
    if len(shape) != 4:
        raise ValueError(f"layer {layer_name!r} has output shape {shape}, not (h, w, filters)")
    return int(shape[-1])


def truncate(model: keras.Model, layer_name: str) -> keras.Model:
    """The part of ``model`` from its input up to ``layer_name`` (nothing after it runs)."""
    filter_count(model, layer_name)
    keras = _keras()
    return keras.Model(model.inputs, model.get_layer(layer_name).output)


# --------------------------------------------------------------------------- the step


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

        self.feature_model = _with_dtype(feature_model, compute_dtype)
        self.compute_dtype = compute_dtype
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


def _with_dtype(model: keras.Model, compute_dtype: str) -> keras.Model:
    """``model`` itself for float32, else a clone computing in ``compute_dtype`` (float32 vars)."""
    if compute_dtype == "float32":
        return model
    if compute_dtype != "bfloat16":
        raise ValueError(f"compute_dtype must be 'float32' or 'bfloat16', got {compute_dtype!r}")
    keras = _keras()

    def clone(layer):
        config = layer.get_config()
        if not isinstance(layer, keras.layers.InputLayer):
            config["dtype"] = "mixed_bfloat16"
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(model, clone_function=clone)
    copy.set_weights(model.get_weights())
    return copy


# --------------------------------------------------------------------------- results


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
class FilterGrid:
    """A stitched grid of the best (or chosen) filters of one layer.

    Attributes:
        image: (n*size + (n-1)*margin, same, 3) uint8 grid, row by row.
        filter_indices: (m,) filters shown, m <= n*n, best first when ranked.
        losses: (m,) their final losses.
        tiles: (m, size, size, 3) uint8 pictures.
        loss_history: (m, steps) loss curves.
        layer: Layer name.
        n: Grid side.
        image_steps: Forward+backward passes of one image spent (the cost of the grid).
        candidates: Filters that were considered.
    """

    image: np.ndarray
    filter_indices: np.ndarray
    losses: np.ndarray
    tiles: np.ndarray
    loss_history: np.ndarray
    layer: str
    n: int
    image_steps: int
    candidates: int
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def png_name(self) -> str:
        """The document's file name, e.g. ``block5_conv3_4x4.png``."""
        return f"{self.layer}_{self.n}x{self.n}.png"


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


# --------------------------------------------------------------------------- pictures


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


def stitch(images: np.ndarray, n: int = 4, margin: int = 5) -> np.ndarray:
    """Place up to n*n equal pictures row by row on a black canvas with ``margin`` px gaps.

    Args:
        images: (k, size, size, 3) uint8 with k <= n*n; missing tiles stay black.
        n: Tiles per row and column.
        margin: Black pixels between tiles.

    Returns:
        (n*size + (n-1)*margin, n*size + (n-1)*margin, 3) uint8.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"expected images of shape (k, h, w, 3), got {images.shape}")
    if n < 1 or margin < 0:
        raise ValueError(f"expected n >= 1 and margin >= 0, got n={n}, margin={margin}")
    if len(images) > n * n:
        raise ValueError(f"{len(images)} images do not fit a {n}x{n} grid")
    h, w = images.shape[1:3]
    canvas = np.zeros((n * h + (n - 1) * margin, n * w + (n - 1) * margin, 3), np.uint8)
    for k, image in enumerate(images):
        row, col = divmod(k, n)
        top, left = row * (h + margin), col * (w + margin)
        canvas[top : top + h, left : left + w] = image
    return canvas


# --------------------------------------------------------------------------- ascent


def default_batch_size(feature_model: keras.Model, size: int) -> int:
    """The largest batch whose activations (with their gradients) fit ``BATCH_MEMORY_BYTES``."""
    side, floats = float(size), 0.0
    for layer in feature_model.layers:
        if "pool" in layer.name.lower():
            side /= 2
        shape = layer.output.shape
        if len(shape) == 4 and shape[3] is not None:
            floats += side * side * int(shape[3])
    per_image = 3 * 4 * floats  # activation, its gradient and the ReLU mask, float32
    return int(np.clip(BATCH_MEMORY_BYTES // max(per_image, 1), 1, MAX_BATCH))


def _check_common(size: int, steps: int, step_size: float, method: str) -> None:
    if not 8 <= size <= MAX_SIZE:
        raise ValueError(f"size must be between 8 and {MAX_SIZE} pixels, got {size}")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be between 1 and {MAX_STEPS}, got {steps}")
    if not (np.isfinite(step_size) and step_size > 0):
        raise ValueError(f"step_size must be a positive number, got {step_size}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def _check_indices(filter_indices: Sequence[int], count: int, layer_name: str) -> np.ndarray:
    indices = np.asarray(list(filter_indices), dtype=np.int64).reshape(-1)
    if indices.size == 0:
        raise ValueError("expected at least one filter index")
    bad = indices[(indices < 0) | (indices >= count)]
    if bad.size:
        raise ValueError(
            f"filter index {int(bad[0])} out of range: {layer_name} has filters 0..{count - 1}"
        )
    return indices


BatchCallback = Callable[[np.ndarray, np.ndarray, np.ndarray], None]


class _SeedAscent:
    """The document's method, batched: a state is a batch of pixel-space images."""

    def __init__(
        self, step: AscentStep, size: int, step_size: float, seed: int, batch_size: int
    ) -> None:
        self.step = step
        self.size, self.step_size, self.seed, self.batch_size = size, step_size, seed, batch_size

    def start(self, indices: np.ndarray) -> dict[str, np.ndarray]:
        return {"x": np.stack([initial_image(int(i), self.size, self.seed) for i in indices])}

    def pictures(self, state: dict[str, np.ndarray]) -> np.ndarray:
        return deprocess(state["x"])

    def advance(
        self,
        state: dict[str, np.ndarray],
        indices: np.ndarray,
        first_step: int,
        steps: int,
        on_batch: BatchCallback | None = None,
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Run ``steps`` more steps on every image, batch after batch (the last one padded).

        Returns:
            The new state and the (k, steps) losses at the start of each step.
        """
        k, B = len(indices), self.batch_size
        images = state["x"].copy()
        history = np.zeros((k, steps), np.float32)
        for start in range(0, k, B):
            rows = np.arange(start, min(start + B, k))
            pad = np.resize(rows, B)  # fixed batch shape: repeat rows to fill the last batch
            x, f = images[pad], indices[pad]
            for t in range(steps):
                losses, x = self.step(x, f, self.step_size)
                history[rows, t] = losses[: len(rows)]
            images[rows] = x[: len(rows)]
            if on_batch is not None:
                on_batch(rows, self.pictures({"x": images[rows]}), history[rows])
        return {"x": images}, history


_SHARED_LOCK = threading.Lock()
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _shared(model: keras.Model, key: tuple, build: Callable[[], object]):
    """One truncated model or compiled step per (model, key) for the whole process.

    Every new ``tf.function`` traces again and keeps its graph: built per render, twenty
    sessions drawing grids would cost gigabytes and most of the CPU.
    """
    with _SHARED_LOCK:
        per_model = _SHARED.setdefault(model, {})
        if key not in per_model:
            per_model[key] = build()
        return per_model[key]


def _ascent(
    model: keras.Model,
    layer_name: str,
    method: str,
    size: int,
    step_size: float | None,
    seed: int,
    batch_size: int | None,
    compute_dtype: str,
):
    feature_model = _shared(model, ("features", layer_name), lambda: truncate(model, layer_name))
    B = batch_size or default_batch_size(feature_model, size)
    if step_size is None:
        step_size = default_step_size(method)
    if method == "seed":
        step = _shared(
            model, ("seed", layer_name, compute_dtype),
            lambda: AscentStep(feature_model, compute_dtype),
        )  # fmt: skip
        return _SeedAscent(step, size, step_size, seed, B)
    from core.filters.fourier import FourierAscent

    # Its compiled step bakes in the size and learning rate, so they belong to the key.
    return _shared(
        model, ("fourier", layer_name, size, step_size, seed, B),
        lambda: FourierAscent(feature_model, size, step_size, seed, B),
    )  # fmt: skip


def default_steps(method: str) -> int:
    """Steps each method needs for a good picture: 20 (the document), 96 for Fourier."""
    return 20 if method == "seed" else 96


def default_step_size(method: str) -> float:
    """The document's step of 1.0; Adam's learning rate 0.05 for the Fourier image."""
    return 1.0 if method == "seed" else 0.05


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
    model: keras.Model,
    layer_name: str,
    filter_indices: Sequence[int],
    size: int = 128,
    steps: int = 20,
    step_size: float | None = None,
    seed: int = 0,
    method: str = "seed",
    batch_size: int | None = None,
    on_progress: ProgressCallback | None = None,
    compute_dtype: str = "float32",
) -> FilterImages:
    """Picture what each filter responds to by gradient ascent from its own starting image.

    Args:
        model: Any Keras functional model with a layer called ``layer_name``.
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
        compute_dtype: ``"float32"`` or ``"bfloat16"`` for the network's arithmetic.

    Returns:
        ``FilterImages`` with k = len(filter_indices) pictures, losses and loss curves.

    Raises:
        ValueError: Unknown layer, filter index out of range, or a bad setting.
    """
    _check_common(size, steps, 1.0 if step_size is None else step_size, method)
    indices = _check_indices(filter_indices, filter_count(model, layer_name), layer_name)
    runner = _ascent(model, layer_name, method, size, step_size, seed, batch_size, compute_dtype)
    tracker = _Tracker(len(indices) * steps, on_progress)
    state, history = runner.advance(
        runner.start(indices), indices, 0, steps, tracker.callback("ascent", indices, True)
    )
    return FilterImages(
        runner.pictures(state), history[:, -1], indices, history, (history > 0).all(axis=1)
    )


def screening_plan(candidates: int, keep: int, steps: int) -> tuple[int, int]:
    """Steps to screen every candidate for, and how many to carry on to the end.

    Screening runs the candidates for about a sixth of the steps and continues the ``keep``
    best; it only pays off when there are clearly more candidates than survivors.

    Returns:
        (screen_steps, survivors); screen_steps == steps means no screening.
    """
    screen_steps = max(2, round(steps / 6))
    if candidates <= keep or screen_steps >= steps:
        return steps, candidates
    return screen_steps, keep


def _stages(candidates: int, keep: int, steps: int, screen: bool) -> list[tuple[str, int, int]]:
    """(stage name, steps, how many to keep after it) for ranking ``candidates`` filters.

    The first step alone finds the dead filters (mean activation 0 from the start, so their
    gradient is 0 and they never wake up); only live ones go on. With ``screen`` the live ones
    run a few more steps and only the ``keep`` best are finished.
    """
    if steps == 1:
        return [("ascent", 1, candidates)]
    screen_steps, survivors = screening_plan(candidates, keep, steps) if screen else (steps, 0)
    if screen_steps >= steps:
        return [("first step", 1, candidates), ("ascent", steps - 1, candidates)]
    return [
        ("first step", 1, candidates),
        ("screening", screen_steps - 1, survivors),
        ("ascent", steps - screen_steps, survivors),
    ]


def filter_grid(
    model: keras.Model,
    layer_name: str,
    n: int = 4,
    candidates: int = 200,
    method: str = "seed",
    seed: int = 0,
    *,
    filter_indices: Sequence[int] | None = None,
    size: int = 128,
    steps: int = 20,
    step_size: float | None = None,
    margin: int = 5,
    screen: bool = True,
    keep: int | None = None,
    batch_size: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> FilterGrid:
    """The document's grid: the n*n best filters of the first ``candidates`` of a layer.

    With ``filter_indices`` those filters are shown in that order instead (no ranking).
    With ``screen`` every candidate first runs a few steps and only the ``keep`` (default
    2*n*n) best continue to ``steps``; the others could not have made the grid anyway in
    practice, and the survivors' pictures are exactly what the full run would give.

    Args:
        model: Any Keras functional model with a layer called ``layer_name``.
        layer_name: The convolutional layer.
        n: Grid side (n*n tiles).
        candidates: Rank the filters 0..candidates-1.
        method: ``"seed"`` or ``"fourier"``.
        seed: Seed of the starting images.
        filter_indices: Explicit filters to show (at most n*n); skips the ranking.
        size: Tile side in pixels.
        steps: Gradient-ascent steps per filter.
        step_size: Step length or learning rate; None picks the method's default.
        margin: Black pixels between tiles.
        screen: Screen candidates with a short run first.
        keep: Survivors of the screening; default 2*n*n.
        batch_size: Filters per batch; None sizes batches to memory.
        on_progress: Called with a ``Progress`` after every batch.

    Returns:
        A ``FilterGrid``; fewer than n*n tiles (the rest black) when too few filters respond.

    Raises:
        ValueError: Unknown layer, a grid or candidate count larger than the layer, or a bad
            setting.
    """
    _check_common(size, steps, 1.0 if step_size is None else step_size, method)
    count = filter_count(model, layer_name)
    if not 1 <= n <= 8:
        raise ValueError(f"grid side n must be between 1 and 8, got {n}")
    if n * n > count:
        raise ValueError(f"a {n}x{n} grid needs {n * n} filters but {layer_name} has {count}")
    settings = {
        "layer": layer_name, "n": n, "method": method, "seed": seed, "size": size,
        "steps": steps, "step_size": step_size, "margin": margin,
    }  # fmt: skip
    if filter_indices is not None:
        indices = _check_indices(filter_indices, count, layer_name)
        if len(indices) > n * n:
            raise ValueError(f"{len(indices)} filters do not fit a {n}x{n} grid")
        res = visualize_filters(
            model, layer_name, indices, size, steps, step_size, seed, method, batch_size,
            on_progress,
        )  # fmt: skip
        return FilterGrid(
            stitch(res.images, n, margin), res.filter_indices, res.losses, res.images,
            res.loss_history, layer_name, n, len(indices) * steps, len(indices),
            {**settings, "filter_indices": [int(i) for i in indices]},
        )  # fmt: skip
    if not n * n <= candidates <= count:
        raise ValueError(
            f"candidates must be between {n * n} and {count} ({layer_name}), got {candidates}"
        )
    keep = keep or 2 * n * n
    runner = _ascent(model, layer_name, method, size, step_size, seed, batch_size, "float32")
    indices = np.arange(candidates)
    state, history, image_steps = runner.start(indices), np.zeros((candidates, 0), np.float32), 0
    tracker = _Tracker(candidates * steps, on_progress)
    for stage, stage_steps, limit in _stages(candidates, keep, steps, screen):
        last = history.shape[1] + stage_steps == steps
        state, more = runner.advance(
            state, indices, history.shape[1], stage_steps,
            tracker.callback(stage, indices, last),
        )  # fmt: skip
        history = np.concatenate([history, more], axis=1)
        image_steps += len(indices) * stage_steps
        # The document's rule: a filter whose loss is <= 0 is dropped (its gradient is zero).
        alive = (history > 0).all(axis=1)
        rows = np.array([i for i in np.argsort(-history[:, -1], kind="stable") if alive[i]])
        rows = rows[:limit].astype(np.int64) if not last else np.arange(len(indices))
        state = {key: value[rows] for key, value in state.items()}
        history, indices = history[rows], indices[rows]
        tracker.total = image_steps + len(indices) * (steps - history.shape[1])
    losses = history[:, -1]
    alive = (history > 0).all(axis=1)
    best = [int(i) for i in np.argsort(-losses, kind="stable") if alive[i]][: n * n]
    tiles = runner.pictures({key: value[best] for key, value in state.items()})
    return FilterGrid(
        stitch(tiles, n, margin), indices[best], losses[best], tiles, history[best],
        layer_name, n, image_steps, candidates,
        {**settings, "candidates": candidates, "screen": bool(screen), "keep": keep},
    )  # fmt: skip


def sample_filters(count: int, k: int, seed: int) -> list[int]:
    """A seeded random sample of ``k`` distinct filters out of ``count``, sorted."""
    if not 1 <= k <= count:
        raise ValueError(f"cannot sample {k} of {count} filters")
    return sorted(int(i) for i in np.random.default_rng(seed).choice(count, k, replace=False))


def parse_indices(text: str) -> list[int]:
    """Read filter indices typed as ``"0, 5, 9"`` or ``"3-7"``.

    Raises:
        ValueError: Text that is not a list of non-negative integers or ranges.
    """
    indices: list[int] = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ValueError(f"{part!r} is not a filter index or a range like 3-7")
        a, b = int(low), int(high) if dash else int(low)
        if b < a:
            raise ValueError(f"range {part!r} runs backwards")
        indices.extend(range(a, b + 1))
    if not indices:
        raise ValueError("type at least one filter index, e.g. 0, 5, 9")
    return indices
