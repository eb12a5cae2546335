"""The lesson's error, one definition for every page, figure, note and export.

    Error_total = ½ · Σ (A_L − y)²     (the document: Error_total = ½ · (expected − output)²)

summed over the training colours and the outputs. Its gradient is what the training loop
steps with: the output layer's delta δ_L = ∂Error_total/∂Z_L = (A_L − y) · A_L · (1 − A_L).

The loop itself (``core.mlp.network``, ``core.mlp.engine``) returns Σ (A_L − y)², as the
document's code does (``error = np.sum(diff**2)``): ``TrainResult.losses``, ``Step.error`` and a
sweep's losses hold that sum, and what is shown is ``from_sum`` of it. Halving moves no minimum:
the iteration of the smallest error (the document's 9066) is the same.
"""

from __future__ import annotations

import numpy as np

# The definition as figures write it on axes and in notes (LaTeX: ``core.mlp.latex``).
ERROR_TEXT = "½·Σ(output − expected)²"


def error_total(outputs: np.ndarray, y: np.ndarray) -> float:
    """Error_total of outputs against targets of the same shape: ½ Σ (A_L − y)².

    Args:
        outputs: (n, n_outputs) the network's outputs A_L; y: the targets, any shape of n·n_outputs
            values in the same order.
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    return 0.5 * float(
        np.sum((outputs - np.asarray(y, dtype=np.float64).reshape(outputs.shape)) ** 2)
    )


def from_sum(sum_of_squares):
    """Error_total from the training loop's Σ (A_L − y)² (a number or an array of them)."""
    if np.ndim(sum_of_squares) == 0:
        return 0.5 * float(sum_of_squares)
    return 0.5 * np.asarray(sum_of_squares, dtype=np.float64)
