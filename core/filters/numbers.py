"""One cell of a feature map by the numbers, and how much of the picture a cell sees.

A filter of block1_conv1 is the lesson's neuron, slid across the picture. At cell (i, j) of
filter f's map it sees the 3x3 patch of the preprocessed picture centred on pixel (i, j):

    INPUT = x[i-1 : i+2, j-1 : j+2, (B, G, R)]     27 numbers, 0 where the patch leaves the
                                                   picture ('same' zero padding)
    Z     = W·[INPUT; 1] = sum(W_f * INPUT) + b_f  27 products, plus the bias
    A     = relu(Z) = max(0, Z)                    the map's value at (i, j)

Deeper layers see more of the picture. Walking the layer stack from the input, with r the
receptive field, J the jump (picture pixels between neighbouring cells) and c the picture
coordinate of cell 0's centre, a layer of kernel k, stride s and left padding p gives

    r' = r + (k - 1) J,    J' = J s,    c' = c + ((k - 1) / 2 - p) J

so VGG16's cells see 3 px (block1_conv1), 5, 10, 14, ... 196 px (block5_conv3). One cell of one
map costs k·k·C_in multiply-adds; the whole layer costs that for every cell of every map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from core.filters.features import top_filters

if TYPE_CHECKING:
    import keras

FIRST_LAYER = "block1_conv1"
CHANNELS = ("B", "G", "R")  # the order of the preprocessed input, and of a kernel's inputs
KERNEL_SCALES = ("own", "shared")


@dataclass(frozen=True)
class Cell:
    """Every number of one cell of a block1_conv1 map (float64, from the float32 weights).

    Attributes:
        filter_index: f, the filter (the map).
        i: Row of the cell (= row of the picture pixel at its centre).
        j: Column of the cell.
        INPUT: (3, 3, 3) preprocessed picture under the kernel, channels B, G, R; 0 in padding.
        inside: (3, 3) True where the patch lies on the picture, False in the padding.
        W: (3, 3, 3) the filter's kernel, the same axes as ``INPUT``.
        b: The filter's bias.
        products: (3, 3, 3) ``W * INPUT``.
        Z: ``products.sum() + b``.
        A: ``max(0, Z)``.
    """

    filter_index: int
    i: int
    j: int
    INPUT: np.ndarray
    inside: np.ndarray
    W: np.ndarray
    b: float
    products: np.ndarray
    Z: float
    A: float


def first_layer_weights(
    model: keras.Model, layer: str = FIRST_LAYER
) -> tuple[np.ndarray, np.ndarray]:
    """The kernels and biases of the model's first convolution.

    Returns:
        W of shape (kh, kw, 3, C) and b of shape (C,), float32, as Keras stores them.
    """
    names = [item.name for item in model.layers]
    if layer not in names:
        raise ValueError(f"the model has no layer {layer!r}")
    weights = model.get_layer(layer).get_weights()
    if len(weights) != 2 or weights[0].ndim != 4 or weights[0].shape[2] != 3:
        shapes = [w.shape for w in weights]
        raise ValueError(
            f"expected {layer} to hold a (kh, kw, 3, C) kernel and a bias, got {shapes}"
        )
    return weights[0].astype(np.float32), weights[1].astype(np.float32)


def patch(x: np.ndarray, i: int, j: int, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """The k x k patch of ``x`` centred on (i, j), zero where it leaves the picture.

    Args:
        x: (h, w, c) preprocessed picture.
        i: Row of the centre, 0..h-1.
        j: Column of the centre, 0..w-1.
        k: Odd kernel side.

    Returns:
        (k, k, c) float64 values and (k, k) bool, True where on the picture.
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"expected a picture of shape (h, w, channels), got {x.shape}")
    if k < 1 or k % 2 == 0:
        raise ValueError(f"expected an odd kernel side, got {k}")
    h, w = x.shape[:2]
    if not (0 <= i < h and 0 <= j < w):
        raise ValueError(f"cell ({i}, {j}) is outside the {h}x{w} map")
    half = k // 2
    rows, cols = np.arange(i - half, i + half + 1), np.arange(j - half, j + half + 1)
    inside = ((rows >= 0) & (rows < h))[:, None] & ((cols >= 0) & (cols < w))[None, :]
    values = np.zeros((k, k, x.shape[2]), np.float64)
    r, c = np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1)
    values[inside] = x[np.ix_(r, c)].astype(np.float64)[inside]
    return values, inside


def one_cell(x: np.ndarray, W: np.ndarray, b: np.ndarray, f: int, i: int, j: int) -> Cell:
    """Cell (i, j) of filter f's map, by hand: patch, products, Z and A.

    Args:
        x: (h, w, 3) preprocessed picture (``features.preprocess``: BGR minus the mean).
        W: (k, k, 3, C) kernels of the layer.
        b: (C,) biases.
        f: The filter, 0..C-1.
        i: Row of the cell.
        j: Column of the cell.

    Returns:
        The ``Cell``.
    """
    W, b = np.asarray(W), np.asarray(b)
    if W.ndim != 4 or W.shape[0] != W.shape[1] or W.shape[2] != np.shape(x)[-1]:
        raise ValueError(f"expected kernels of shape (k, k, {np.shape(x)[-1]}, C), got {W.shape}")
    if b.shape != (W.shape[3],):
        raise ValueError(f"expected {W.shape[3]} biases, got shape {b.shape}")
    if not 0 <= f < W.shape[3]:
        raise ValueError(f"filter must be between 0 and {W.shape[3] - 1}, got {f}")
    INPUT, inside = patch(x, i, j, W.shape[0])
    kernel = W[..., f].astype(np.float64)
    products = kernel * INPUT
    Z = float(products.sum() + float(b[f]))
    return Cell(
        int(f), int(i), int(j), INPUT, inside, kernel, float(b[f]), products, Z, max(Z, 0.0)
    )


def default_cell(A: np.ndarray) -> tuple[int, int, int]:
    """Where to start: the filter most active on the picture, at its strongest cell.

    Args:
        A: (h, w, C) maps of the layer.

    Returns:
        (f, i, j); ties go to the lower filter, then the first cell row by row.
    """
    indices, _ = top_filters(A, 1)
    f = int(indices[0])
    i, j = np.unravel_index(int(np.argmax(A[:, :, f])), A.shape[:2])
    return f, int(i), int(j)


def kernel_pictures(W: np.ndarray, scale: str = "own") -> np.ndarray:
    """Each kernel as a tiny colour picture: weight 0 is mid grey, + brighter, - darker.

    The kernel's input channels are B, G, R; the picture's are R, G, B.

    Args:
        W: (k, k, 3, C) kernels.
        scale: ``"own"``: each kernel to its own largest |weight|; ``"shared"``: all to the
            largest of them, so weak kernels look faint.

    Returns:
        (C, k, k, 3) uint8 RGB.
    """
    W = np.asarray(W, np.float64)
    if W.ndim != 4 or W.shape[2] != 3:
        raise ValueError(f"expected kernels of shape (k, k, 3, C), got {W.shape}")
    if scale not in KERNEL_SCALES:
        raise ValueError(f"scale must be one of {KERNEL_SCALES}, got {scale!r}")
    rgb = np.moveaxis(W[:, :, ::-1, :], 3, 0)  # (C, k, k, RGB)
    limit = np.abs(rgb).max(axis=(1, 2, 3), keepdims=True) if scale == "own" else np.abs(rgb).max()
    v = rgb / np.maximum(limit, 1e-12)
    return np.clip(np.rint(127.5 + 127.5 * v), 0, 255).astype(np.uint8)


# Receptive fields and multiply-adds, from the layer stack.


@dataclass(frozen=True)
class Stage:
    """One layer that changes what a cell sees: a convolution or a pooling.

    Attributes:
        name: The layer's name.
        kind: ``"conv"`` or ``"pool"``.
        kernel: Its window side k (square windows).
        stride: Its stride s.
        padding: ``"same"`` or ``"valid"``.
        c_in: Channels in.
        c_out: Channels out (the filters of a convolution).
    """

    name: str
    kind: str
    kernel: int
    stride: int
    padding: str
    c_in: int
    c_out: int


@dataclass(frozen=True)
class Field:
    """What one cell of a layer sees, and what the layer costs, for a square picture.

    Attributes:
        stage: The layer.
        size: Receptive field side r in picture pixels.
        jump: Picture pixels between neighbouring cells J.
        start: Picture coordinate of the centre of cell 0 (pixel centres are integers).
        side: The layer's map side for this picture.
        cell_macs: Multiply-adds of one cell of one map (0 for a pooling).
        layer_macs: Multiply-adds of the whole layer: side * side * c_out * cell_macs.
        total_macs: Of every layer up to and including this one.
    """

    stage: Stage
    size: int
    jump: int
    start: float
    side: int
    cell_macs: int
    layer_macs: int
    total_macs: int


def layer_stack(model: keras.Model) -> list[Stage]:
    """The model's convolutions and poolings, input to output, read from its layers."""
    import keras

    stages, channels = [], int(model.inputs[0].shape[-1])
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            k, s = _square(layer, layer.kernel_size), _square(layer, layer.strides)
            if tuple(layer.dilation_rate) != (1, 1):
                raise ValueError(f"{layer.name}: dilated convolutions are not supported")
            stage = Stage(layer.name, "conv", k, s, layer.padding, channels, int(layer.filters))
        elif isinstance(layer, keras.layers.MaxPooling2D | keras.layers.AveragePooling2D):
            k, s = _square(layer, layer.pool_size), _square(layer, layer.strides)
            stage = Stage(layer.name, "pool", k, s, layer.padding, channels, channels)
        elif isinstance(layer, keras.layers.InputLayer | keras.layers.Activation):
            continue
        else:
            raise ValueError(f"{layer.name}: a {type(layer).__name__} layer is not supported")
        stages.append(stage)
        channels = stage.c_out
    return stages


def _square(layer, pair) -> int:
    if pair[0] != pair[1]:
        raise ValueError(f"{layer.name}: only square windows are supported, got {tuple(pair)}")
    return int(pair[0])


def receptive_fields(stages: list[Stage], size: int) -> dict[str, Field]:
    """Every stage's receptive field, jump and cost for a (size, size) picture.

    Args:
        stages: From ``layer_stack``, input to output.
        size: The picture's side in pixels.

    Returns:
        Layer name to its ``Field``, input to output.
    """
    if int(size) != size or size < 1:
        raise ValueError(f"size must be a whole number of pixels >= 1, got {size}")
    r, jump, start, side, total = 1, 1, 0.0, int(size), 0
    fields = {}
    for stage in stages:
        k, s = stage.kernel, stage.stride
        if stage.padding == "same":
            out = -(-side // s)
            left = max((out - 1) * s + k - side, 0) // 2
        elif stage.padding == "valid":
            out, left = (side - k) // s + 1, 0
        else:
            raise ValueError(f"{stage.name}: unknown padding {stage.padding!r}")
        if out < 1:
            raise ValueError(f"a {size} px picture leaves {stage.name} no cells")
        r, start, jump, side = (
            r + (k - 1) * jump,
            start + ((k - 1) / 2 - left) * jump,
            jump * s,
            out,
        )
        cell = k * k * stage.c_in if stage.kind == "conv" else 0
        total += side * side * stage.c_out * cell
        fields[stage.name] = Field(
            stage, r, jump, start, side, cell, side * side * stage.c_out * cell, total
        )
    return fields


@dataclass(frozen=True)
class Box:
    """Picture pixels from (top, left) to (bottom, right), inclusive; may reach past the edge."""

    top: int
    left: int
    bottom: int
    right: int

    def clip(self, size: int) -> Box:
        """The part on a (size, size) picture."""
        last = size - 1
        return Box(
            max(self.top, 0), max(self.left, 0), min(self.bottom, last), min(self.right, last)
        )

    @property
    def height(self) -> int:
        return self.bottom - self.top + 1

    @property
    def width(self) -> int:
        return self.right - self.left + 1


def field_box(field: Field, i: int, j: int) -> Box:
    """The picture pixels that cell (i, j) of the layer sees (its receptive field)."""
    if not (0 <= i < field.side and 0 <= j < field.side):
        raise ValueError(f"cell ({i}, {j}) is outside the {field.side}x{field.side} map")
    half = (field.size - 1) / 2
    top, left = field.start + i * field.jump - half, field.start + j * field.jump - half
    return Box(round(top), round(left), round(top) + field.size - 1, round(left) + field.size - 1)


def cell_at_pixel(field: Field, row: int, col: int) -> tuple[int, int]:
    """The cell of the layer whose field is centred nearest picture pixel (row, col)."""

    def nearest(p: int) -> int:
        return int(np.clip(np.floor((p - field.start) / field.jump + 0.5), 0, field.side - 1))

    return nearest(row), nearest(col)
