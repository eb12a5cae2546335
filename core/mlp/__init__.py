"""The lesson's 3-5-2-1 network: NumPy reference, compiled engine, plots and LaTeX.

Modules, each importing only those above it:

- ``network``: the forward and backward pass (``MLP``), weights, snapshots (NumPy only);
- ``engine``: the same loop compiled with TensorFlow, K learning rates at once;
- ``training``: ``train(..., engine="numpy" | "xla")``, one switch between the two;
- ``plots`` and ``latex``: what the pages draw.

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
    initial_weights,
    sigmoid,
    snapshot_schedule,
    white_text,
)
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
    "activate",
    "activation_derivative",
    "initial_weights",
    "sigmoid",
    "snapshot_schedule",
    "train",
    "white_text",
]
