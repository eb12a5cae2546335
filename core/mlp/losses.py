"""What the network learns to make small, and the delta that each loss sends back from the output.

With A3 = sigmoid(Z3) the output and y the expected output, both summed over the colours:

    squared_error  E = 1/2 * sum((A3 - y)^2)                      delta3 = (A3 - y) * A3 * (1 - A3)
    cross_entropy  E = -sum(y * log(A3) + (1 - y) * log(1 - A3))  delta3 = A3 - y

The lesson's loss is the squared error. Binary cross-entropy's log cancels the sigmoid's slope,
so its delta has no A3 * (1 - A3) factor and never vanishes on a confidently wrong colour.
Whichever loss trains, the error curve stays the lesson's sum((A3 - y)^2) (``MLP.error``).

``output_delta`` uses arithmetic only, so the NumPy reference and the compiled engine
(``core.mlp.engine``) both call it: one home for each delta.
"""

from __future__ import annotations

LOSSES = ("squared_error", "cross_entropy")


def check_loss(loss: str) -> str:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}, expected one of {', '.join(LOSSES)}")
    return loss


def output_delta(A, y, loss: str):
    """delta3 = dE/dZ3 at the sigmoid output layer, one column per colour.

    Args:
        A: the output A3 = sigmoid(Z3), shape (n_outputs, n) (NumPy array or TF tensor).
        y: the expected output, the same shape.
        loss: "squared_error" or "cross_entropy".

    Returns:
        delta3, the same shape as A.
    """
    diff = A - y
    if loss == "squared_error":
        return diff * (A * (1.0 - A))  # (A3 - y) * sigmoid'(Z3), in the lesson's order
    if loss == "cross_entropy":
        return diff
    raise ValueError(f"unknown loss {loss!r}, expected one of {', '.join(LOSSES)}")
