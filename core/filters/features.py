"""What VGG16 does with a real picture: every layer's feature maps from one forward pass.

The picture goes in as VGG16 was trained (Caffe style: RGB to BGR, minus the ImageNet mean):

    x        = BGR(picture) - (103.939, 116.779, 123.68)
    A^l      = output of conv layer l, shape (h_l, w_l, C_l), for every l at once
    a^l_f    = mean over (i, j) of A^l[i, j, f]      how strongly filter f fires on the picture

``a^l_f`` is the document's loss, measured on the photo instead of climbed from noise. The
strongest filters are shown as heatmaps over the picture, next to what they look for (their
gradient-ascent pictures, read from the grid store or rendered once and stored).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.filters.ascent import ProgressCallback, StepCallback, visualize_filters
from core.filters.grid import FilterGrid
from core.filters.model import import_keras
from core.filters.settings import GridSettings, default_settings
from core.filters.store import load_grid, save_grid
from core.filters.visualizer import Visualizer, as_visualizer

if TYPE_CHECKING:
    import keras

IMAGENET_MEAN_BGR = np.array([103.939, 116.779, 123.68], np.float32)
# Viridis at nine stops (dark blue, teal, green, yellow): ordered in lightness, colour-blind safe.
VIRIDIS = np.array(
    [
        [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
        [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
    ],
    np.float64,
)  # fmt: skip
SCALES = ("own", "shared")


def preprocess(pixels: np.ndarray) -> np.ndarray:
    """What VGG16 was trained with (``keras.applications.vgg16.preprocess_input``).

    Args:
        pixels: (h, w, 3) or (b, h, w, 3) RGB values in 0..255 (uint8 or float).

    Returns:
        float32 array of the same shape: BGR channels minus the ImageNet mean.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim not in (3, 4) or pixels.shape[-1] != 3:
        raise ValueError(f"expected RGB pixels of shape (h, w, 3), got {pixels.shape}")
    return pixels[..., ::-1].astype(np.float32) - IMAGENET_MEAN_BGR


def unpreprocess(x: np.ndarray) -> np.ndarray:
    """The inverse of ``preprocess``, clipped to 0..255: a network input seen as a photo.

    Args:
        x: (h, w, 3) or (b, h, w, 3) float BGR minus the ImageNet mean.

    Returns:
        uint8 RGB of the same shape.
    """
    x = np.asarray(x, np.float32)
    if x.ndim not in (3, 4) or x.shape[-1] != 3:
        raise ValueError(f"expected an input of shape (h, w, 3), got {x.shape}")
    return np.clip(np.rint((x + IMAGENET_MEAN_BGR)[..., ::-1]), 0, 255).astype(np.uint8)


def conv_layer_names(model: keras.Model) -> list[str]:
    """The model's convolutional layers, input to output."""
    keras = import_keras()
    return [layer.name for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


class MapsPass:
    """One forward pass that returns every conv layer's maps, compiled once for any size.

    The input's height and width are left open in the signature, so a new picture size
    does not trace again.
    """

    def __init__(self, model: keras.Model) -> None:
        import tensorflow as tf

        keras = import_keras()
        self.names = conv_layer_names(model)
        if not self.names:
            raise ValueError("the model has no convolutional layer")
        outputs = [model.get_layer(name).output for name in self.names]
        self.model = keras.Model(model.inputs[0], outputs)
        spec = [tf.TensorSpec([1, None, None, 3], tf.float32)]
        self._forward = tf.function(lambda x: self.model(x, training=False), input_signature=spec)

    def __call__(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """(1, h, w, 3) preprocessed input to {layer: (h_l, w_l, C_l) maps}."""
        outputs = self._forward(np.asarray(x, np.float32))
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        return {name: A.numpy()[0] for name, A in zip(self.names, outputs, strict=True)}


def maps_pass(model: keras.Model | Visualizer) -> MapsPass:
    """The network's ``MapsPass``, built once per visualizer."""
    visualizer = as_visualizer(model)
    return visualizer.piece(("all_maps",), lambda: MapsPass(visualizer.model))


def feature_maps(model: keras.Model | Visualizer, pixels: np.ndarray) -> dict[str, np.ndarray]:
    """Every conv layer's feature maps of one picture, from a single forward pass.

    Args:
        model: VGG16 (or any Keras model with Conv2D layers) taking preprocessed images, or a
            ``Visualizer`` holding it (whose compiled pass is then reused).
        pixels: (h, w, 3) RGB picture in 0..255; ``preprocess`` is applied here.

    Returns:
        Layer name to its (h_l, w_l, C_l) float32 maps ``A``, input to output.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[-1] != 3:
        raise ValueError(f"expected one RGB picture of shape (h, w, 3), got {pixels.shape}")
    return maps_pass(model)(preprocess(pixels)[None])


def top_filters(A: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k filters that fire most on the picture, by mean activation, strongest first.

    Args:
        A: (h, w, C) maps of one layer.
        k: How many filters (at most C).

    Returns:
        (k,) filter indices and (k,) their mean activations; ties go to the lower index.
    """
    A = np.asarray(A)
    if A.ndim != 3:
        raise ValueError(f"expected maps of shape (h, w, filters), got {A.shape}")
    if not 1 <= k <= A.shape[2]:
        raise ValueError(f"k must be between 1 and {A.shape[2]} (the filters), got {k}")
    means = A.mean(axis=(0, 1), dtype=np.float64)
    order = np.argsort(-means, kind="stable")[:k]
    return order, means[order]


def colour_map(values: np.ndarray) -> np.ndarray:
    """Viridis colours of values in 0..1, as uint8 RGB with one more axis of 3."""
    v = np.clip(np.nan_to_num(np.asarray(values, np.float64)), 0, 1) * (len(VIRIDIS) - 1)
    low = np.floor(v).astype(int).clip(0, len(VIRIDIS) - 2)
    t = (v - low)[..., None]
    return np.rint(VIRIDIS[low] * (1 - t) + VIRIDIS[low + 1] * t).astype(np.uint8)


def upsample(map_: np.ndarray, side: int) -> np.ndarray:
    """A (h, w) map stretched to (side, side) by repeating cells: its coarseness stays visible."""
    h, w = map_.shape
    rows = np.arange(side) * h // side
    cols = np.arange(side) * w // side
    return map_[rows][:, cols]


def heat_tiles(
    pixels: np.ndarray,
    A: np.ndarray,
    filter_indices: Sequence[int],
    side: int | None = None,
    scale: str = "own",
) -> np.ndarray:
    """Each chosen filter's map as a heatmap over the picture.

    The picture is shown in dimmed grey; where the filter fires it turns to Viridis colour,
    brighter and more opaque the stronger the activation.

    Args:
        pixels: (s, s, 3) uint8 picture the maps were computed from.
        A: (h, w, C) maps of one layer.
        filter_indices: Filters to draw.
        side: Tile side in pixels; None keeps the picture's.
        scale: ``"own"``: each map from 0 to its own maximum; ``"shared"``: all from 0 to the
            largest value among them, so weak filters look weak.

    Returns:
        (k, side, side, 3) uint8 tiles.
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")
    if np.ndim(A) != 3:
        raise ValueError(f"expected maps of shape (h, w, filters), got {np.shape(A)}")
    bad = [int(f) for f in filter_indices if not 0 <= int(f) < np.shape(A)[2]]
    if bad or not len(filter_indices):
        raise ValueError(f"filter indices must be in 0..{np.shape(A)[2] - 1}, got {bad or '[]'}")
    pixels = _resize(np.asarray(pixels, np.uint8), side)
    side = pixels.shape[0]
    grey = pixels.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    base = ((0.25 + 0.45 * grey / 255.0) * 255)[..., None]  # broadcasts over R, G, B
    A = np.nan_to_num(np.asarray(A, np.float32), posinf=np.finfo(np.float32).max)
    maps = np.stack([upsample(A[:, :, int(f)], side) for f in filter_indices])
    peak = maps.max(axis=(1, 2), keepdims=True) if scale == "own" else maps.max()
    v = maps / np.maximum(peak, 1e-12)
    alpha = v[..., None]
    tiles = base * (1 - alpha) + colour_map(v).astype(np.float32) * alpha
    return np.clip(np.rint(tiles), 0, 255).astype(np.uint8)


def _resize(pixels: np.ndarray, side: int | None) -> np.ndarray:
    if side is None or side == pixels.shape[0]:
        return pixels
    from PIL import Image

    return np.asarray(Image.fromarray(pixels).resize((side, side), Image.Resampling.LANCZOS))


def strongest_per_layer(
    maps: dict[str, np.ndarray], layers: Sequence[str], m: int
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """For each layer, its m most active filters on the picture ("through the network").

    Returns:
        (layer, filter indices, mean activations) per layer, in the order given.
    """
    missing = [name for name in layers if name not in maps]
    if missing:
        raise ValueError(f"no maps for layer {missing[0]!r}")
    return [(name, *top_filters(maps[name], min(m, maps[name].shape[2]))) for name in layers]


# What each filter looks for: the gradient-ascent pictures of the filter page's grid store.


def picture_settings(layer: str, filter_index: int) -> GridSettings:
    """The store settings of one filter's picture: the page's defaults, a 1x1 grid."""
    return replace(default_settings(layer, indices=(int(filter_index),)), n=1)


def find_filter_pictures(
    layer: str,
    filter_indices: Sequence[int],
    weights_key: str,
    directories: Sequence[Path],
    compute_dtype: str = "float32",
) -> dict[int, np.ndarray]:
    """Pictures already in the store: the layer's default grid, then one-filter grids.

    Args:
        layer, filter_indices: The filters wanted.
        weights_key, compute_dtype: The network's weights (``store.weights_id``) and
            arithmetic, which the grids' keys name.
        directories: Where to look, first first.

    Returns:
        Filter index to its (size, size, 3) uint8 picture, for those found.
    """
    wanted = {int(f) for f in filter_indices}
    found: dict[int, np.ndarray] = {}
    grid = load_grid(list(directories), default_settings(layer).key(weights_key, compute_dtype))
    if grid is not None:
        for f, tile in zip(grid.filter_indices, grid.tiles, strict=True):
            if int(f) in wanted:
                found[int(f)] = tile
    for f in sorted(wanted - found.keys()):
        key = picture_settings(layer, f).key(weights_key, compute_dtype)
        single = load_grid(list(directories), key)
        if single is not None and len(single.tiles):
            found[f] = single.tiles[0]
    return found


def render_filter_pictures(
    model: keras.Model | Visualizer,
    layer: str,
    filter_indices: Sequence[int],
    weights_key: str,
    directory: Path | None = None,
    on_progress: ProgressCallback | None = None,
    on_step: StepCallback | None = None,
) -> dict[int, np.ndarray]:
    """Render filters' pictures by the document's ascent, in one batch, and store each.

    Args:
        model: VGG16, or a ``Visualizer`` holding it.
        layer: Its conv layer.
        filter_indices: Filters to picture.
        weights_key: ``store.weights_id`` of the model.
        directory: Where to store each as a one-filter grid; None stores nothing.
        on_progress: Called after every batch.
        on_step: Called after every step; raise from it to stop.

    Returns:
        Filter index to its (size, size, 3) uint8 picture.
    """
    indices = sorted({int(f) for f in filter_indices})
    if not indices:
        return {}
    visualizer = as_visualizer(model)
    s = picture_settings(layer, indices[0])
    res = visualize_filters(
        visualizer,
        layer,
        indices,
        size=s.size,
        steps=s.steps,
        step_size=s.step_size,
        seed=s.seed,
        method=s.method,
        on_progress=on_progress,
        on_step=on_step,
    )
    for k, f in enumerate(indices):
        if directory is not None:
            key = picture_settings(layer, f).key(weights_key, visualizer.compute_dtype)
            with contextlib.suppress(OSError):  # a read-only disk only costs the store
                save_grid(one_filter_grid(res, k, layer), Path(directory), key)
    return {f: res.images[k] for k, f in enumerate(indices)}


def one_filter_grid(res, k: int, layer: str) -> FilterGrid:
    """The k-th picture of a ``visualize_filters`` result as a one-filter grid, as stored."""
    f = int(res.filter_indices[k])
    s = picture_settings(layer, f)
    return FilterGrid(
        image=res.images[k],
        filter_indices=res.filter_indices[k : k + 1],
        losses=res.losses[k : k + 1],
        tiles=res.images[k : k + 1],
        loss_history=res.loss_history[k : k + 1],
        layer=layer,
        n=1,
        image_steps=s.steps,
        candidates=1,
        settings={
            "layer": layer,
            "n": 1,
            "method": s.method,
            "seed": s.seed,
            "size": s.size,
            "steps": s.steps,
            "step_size": s.step_size,
            "filter_indices": [f],
        },
    )
