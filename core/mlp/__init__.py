"""The lesson's network (3-5-2-1 by default): NumPy reference, compiled engine, plots, exports.

Modules, each importing only those above it:

- ``network``: the forward and backward pass (``MLP``), weights, snapshots (NumPy only);
- ``engine``: the same loop compiled with TensorFlow, K learning rates at once;
- ``settings``: ``TrainingSettings``, everything that decides a run (the lesson's by default);
- ``training``: ``train(X, y, settings, engine="numpy" | "xla")``, one switch between the two;
- ``plots``, ``replay`` and ``latex``: what the pages draw (``replay``: training as a film);
- ``compare`` and ``export``: pinned runs' figures; JSON, Keras and NumPy-script exports.

The names below are the public API (``core.mlp.MLP``, ``core.mlp.train``).
"""

from core.mlp.network import (
    ACTIVATIONS,
    DECISION_THRESHOLD,
    MAX_ITERATIONS,
    MAX_LEARNING_RATE,
    MIN_SNAPSHOTS,
    MLP,
    ProgressCallback,
    Step,
    TrainResult,
    activate,
    activation_derivative,
    even_frames,
    frame_count,
    frame_indices,
    initial_weights,
    log_frames,
    sigmoid,
    snapshot_schedule,
    white_text,
)
from core.mlp.settings import TrainingSettings
from core.mlp.training import train

__all__ = [
    "ACTIVATIONS",
    "DECISION_THRESHOLD",
    "MAX_ITERATIONS",
    "MAX_LEARNING_RATE",
    "MIN_SNAPSHOTS",
    "MLP",
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
