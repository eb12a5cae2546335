"""The replay's numbers: every frame's error, output map and neurons' maps, computed once.

A frame is a snapshot of the run (``core.mlp.frames``): its weights run over the RGB plane
(``drawing.Slice``) for the decision map and each hidden neuron's small map, and over the
training colours for the error. The film (``core.mlp.replay``) only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.mlp.drawing import (
    Slice,
)
from core.mlp.error import error_total
from core.mlp.frames import frame_indices
from core.mlp.network import MLP, TrainResult

MAP_RESOLUTION = 30  # decision map: points per axis in every frame
NEURON_RESOLUTION = 14  # the small map of each hidden neuron


def layer_maps(net: MLP, colours: np.ndarray, resolution: int) -> list[np.ndarray]:
    """Every layer's outputs over a plane: one (n_neurons, resolution, resolution) per layer."""
    _, A = net.forward_pass(colours)
    return [a.reshape(len(a), resolution, resolution) for a in A]


@dataclass(frozen=True)
class ReplayFrames:
    """The numbers of every frame, computed once from a run's snapshots.

    Attributes:
        iterations: (F,) the iteration of each frame.
        errors: (F,) Error_total of the weights of each frame on the training set.
        outputs: (F, R, R) the network's output over the plane.
        neurons: per hidden layer, (F, n_neurons, r, r) each neuron's output over the plane.
        weights: per layer, (F, n_out, n_in + 1).
        axis: (R,) the plane's axis values in [0, 1].
    """

    iterations: np.ndarray
    errors: np.ndarray
    outputs: np.ndarray
    neurons: list[np.ndarray]
    weights: list[np.ndarray]
    axis: np.ndarray


def replay_frames(
    result: TrainResult, X: np.ndarray, y: np.ndarray, plane: Slice, spacing: str = "log"
) -> ReplayFrames:
    """Run every frame's weights over the plane and the training set.

    Args:
        result: a run with snapshots (``core.mlp.train``).
        X: training inputs (n, 3); y: their targets.
        plane: the RGB plane of the maps.
        spacing: "log" (frames dense early, where most change happens) or "even".

    Returns:
        The frames' numbers.
    """
    if result.layers[0] != 3:
        raise ValueError(f"expected a network with 3 inputs (RGB), got layers {result.layers}")
    index = frame_indices(result.snapshot_iterations, spacing)
    axis, colours = plane.colours(MAP_RESOLUTION)
    hidden = sum(result.layers[1:-1])
    small = NEURON_RESOLUTION if hidden <= 8 else NEURON_RESOLUTION - 4
    _, small_colours = plane.colours(small)
    y = np.asarray(y, dtype=np.float64).reshape(len(X), -1)
    errors, outputs, neurons = [], [], []
    for s in index:
        net = MLP(result.layers, activation=result.activation, weights=result.snapshot_weights(s))
        errors.append(error_total(net.forward(X), y))
        outputs.append(net.forward(colours)[:, 0].reshape(MAP_RESOLUTION, MAP_RESOLUTION))
        neurons.append(layer_maps(net, small_colours, small)[:-1])
    return ReplayFrames(
        iterations=result.snapshot_iterations[index],
        errors=np.array(errors),
        outputs=np.array(outputs, dtype=np.float32),
        neurons=[np.array(layer, dtype=np.float32) for layer in zip(*neurons, strict=True)],
        weights=[store[index] for store in result.snapshots],
        axis=axis,
    )
