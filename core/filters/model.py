"""VGG16's convolutional base: loading its weights, and cutting it at a layer.

``load_vgg16`` gives the network with ImageNet weights (Keras downloads and caches them), a
local weights file, or seeded untrained weights; ``truncate`` cuts it after a layer, so that
nothing deeper runs; ``in_dtype`` gives a copy that computes in bfloat16.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

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
WEIGHTS_ENV = "VGG16_WEIGHTS"
WEIGHTS_DIR_ENV = "VGG16_WEIGHTS_DIR"
INPUT_SHAPE = (None, None, 3)  # any image size


class WeightsError(ValueError):
    """A weights file that is missing, unreadable or made for another network."""


class WeightsDownloadError(RuntimeError):
    """Keras could not download the ImageNet weights (usually: no network)."""


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
    if weights is None:
        return untrained_vgg16(seed)
    if str(weights) == "imagenet":
        return _imagenet_vgg16()
    path = Path(weights).expanduser()
    _check_weights_file(path)
    model = untrained_vgg16(seed)
    before = [layer.get_weights()[0][..., 0].copy() for layer in _conv_layers(model)]
    try:
        model.load_weights(str(path))
    except Exception as error:
        raise WeightsError(
            f"{path.name} does not hold weights for VGG16's convolutional base: {_short(error)}"
        ) from error
    _check_every_layer_loaded(model, before, path.name)
    return model


def untrained_vgg16(seed: int = 0) -> keras.Model:
    """VGG16's convolutional base with seeded Glorot-uniform kernels and zero biases."""
    keras = import_keras()
    model = keras.applications.VGG16(weights=None, include_top=False, input_shape=INPUT_SHAPE)
    _glorot_reinit(model, seed)
    return model


def _imagenet_vgg16() -> keras.Model:
    keras = import_keras()
    try:
        return keras.applications.VGG16(
            weights="imagenet", include_top=False, input_shape=INPUT_SHAPE
        )
    except Exception as error:  # Keras raises a bare Exception on a failed fetch.
        raise WeightsDownloadError(
            f"could not download the ImageNet weights for VGG16 ({_short(error)})"
        ) from error


def _check_every_layer_loaded(model: keras.Model, before: list[np.ndarray], name: str) -> None:
    """Raise when a conv kernel kept its initial values: the file is for another network."""
    after = [layer.get_weights()[0][..., 0] for layer in _conv_layers(model)]
    unchanged = [
        layer.name
        for layer, b, a in zip(_conv_layers(model), before, after, strict=True)
        if np.array_equal(b, a)
    ]
    if unchanged:
        raise WeightsError(
            f"{name} left {len(unchanged)} of 13 VGG16 layers without weights "
            f"({', '.join(unchanged[:3])}...): it is made for another network"
        )


def weights_dir() -> Path | None:
    """The folder the person running the server offers weights from (``$VGG16_WEIGHTS_DIR``)."""
    folder = os.environ.get(WEIGHTS_DIR_ENV, "").strip()
    return Path(folder).expanduser() if folder else None


def offered_weights() -> dict[str, Path]:
    """The weights files a visitor may choose, by file name: the ``.h5`` files directly in
    ``$VGG16_WEIGHTS_DIR`` and the ``$VGG16_WEIGHTS`` file. Visitors only ever see the names.
    """
    offered: dict[str, Path] = {}
    default = os.environ.get(WEIGHTS_ENV, "").strip()
    if default and default != "imagenet" and Path(default).expanduser().is_file():
        offered[Path(default).name] = Path(default).expanduser()
    folder = weights_dir()
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("*.h5")):
            if path.is_file():
                offered.setdefault(path.name, path)
    return offered


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


def import_keras():
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
    keras = import_keras()
    return keras.Model(model.inputs, model.get_layer(layer_name).output)


def in_dtype(model: keras.Model, compute_dtype: str) -> keras.Model:
    """``model`` itself for float32; else one copy whose weights and arithmetic are bfloat16.

    The copy keeps one set of weights, in bfloat16 (half the bytes of the float32 ones): no
    float32 master copy, no cast of every weight at every step. Its input stays float32.
    """
    if compute_dtype == "float32":
        return model
    if compute_dtype != "bfloat16":
        raise ValueError(f"compute_dtype must be 'float32' or 'bfloat16', got {compute_dtype!r}")
    keras = import_keras()

    def clone(layer):
        config = layer.get_config()
        if not isinstance(layer, keras.layers.InputLayer):
            config["dtype"] = "bfloat16"
        return layer.__class__.from_config(config)

    copy = keras.models.clone_model(model, clone_function=clone)
    copy.set_weights(model.get_weights())
    return copy
