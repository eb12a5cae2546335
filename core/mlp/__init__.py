"""The lesson's network (3-5-2-1 by default): NumPy reference, compiled engine, plots, exports.

Modules, each importing only those above it:

- ``losses``: the squared error and the cross-entropy, and the output delta of each;
- ``optimizers``: gd, momentum, nesterov, rmsprop and adam, each update beside its formula;
- ``batches``: which colours each step learns from (all, a mini-batch, or one);
- ``activations``: sigmoid, tanh and relu, each with its derivative, defined once;
- ``network``: the forward and backward pass (``MLP``), weights, snapshots (NumPy only);
- ``frames``: the replay's frame schedule (even and log-spaced), which snapshots a run keeps;
- ``engine``: the same loop compiled with TensorFlow, K learning rates at once;
- ``settings``: ``TrainingSettings``, everything that decides a run (the lesson's by default);
- ``training``: ``train(X, y, settings, engine="numpy" | "xla")``, one switch between the two;
- ``drawing``: what the still figures and the film draw alike (edges, the RGB plane, ranges);
- ``plots``, ``replay`` and ``latex``: what the pages draw (``replay``: training as a film);
- ``weight_space``, ``landscape``, ``landscape_plots``, ``landscape_3d``: the error surface;
- ``compare`` and ``export``: pinned runs' figures; JSON, Keras and NumPy-script exports.

The names below are the public API (``core.mlp.MLP``, ``core.mlp.train``).
"""

from core.mlp.activations import ACTIVATIONS, activate, activation_derivative, sigmoid
from core.mlp.frames import (
    MIN_SNAPSHOTS,
    even_frames,
    frame_count,
    frame_indices,
    log_frames,
    snapshot_schedule,
)
from core.mlp.losses import LOSSES
from core.mlp.network import (
    DECISION_THRESHOLD,
    MAX_ITERATIONS,
    MAX_LEARNING_RATE,
    MLP,
    ProgressCallback,
    Step,
    TrainResult,
    initial_weights,
    white_text,
)
from core.mlp.optimizers import OPTIMIZERS, Optimizer
from core.mlp.settings import TrainingSettings
from core.mlp.training import train

__all__ = [
    "ACTIVATIONS",
    "DECISION_THRESHOLD",
    "LOSSES",
    "MAX_ITERATIONS",
    "MAX_LEARNING_RATE",
    "MIN_SNAPSHOTS",
    "MLP",
    "OPTIMIZERS",
    "Optimizer",
    "ProgressCallback",
    "Step",
    "TrainResult",
    "TrainingSettings",
    "activate",
    "activation_derivative",
    "even_frames",
    "frame_count",
    "frame_indices",
    "initial_weights",
    "log_frames",
    "sigmoid",
    "snapshot_schedule",
    "train",
    "white_text",
]
