"""Which colours each step learns from: all of them (the lesson's), a mini-batch, or one.

One iteration is one step. With a batch size k below the number of colours n, each pass over
the data (an epoch) deals the colours in an order drawn from the seed, k at a time, the last
batch of an epoch smaller when k does not divide n (as Keras's ``fit`` deals a shuffled epoch).
The same settings deal the same batches: the order comes from
``numpy.random.default_rng((seed, 1))``, a stream apart from the initial weights', so the batch
size never changes where training starts.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def is_whole_and_positive(value: object) -> bool:
    """True for 1, 2, 3, ... (3.0 too), False for anything else (True, 2.5, "4", None)."""
    if isinstance(value, bool):
        return False
    try:
        return int(value) == value and value >= 1
    except (TypeError, ValueError):
        return False


def check_batch_size(batch_size: int | None, n: int) -> int | None:
    """The batch size for n colours: None (all colours) for None or n itself, else 1..n-1."""
    if batch_size is None:
        return None
    if not (is_whole_and_positive(batch_size) and batch_size <= n):
        raise ValueError(
            f"expected batch_size None (all colours) or a whole number from 1 to {n} "
            f"(the number of colours), got {batch_size!r}"
        )
    return None if batch_size == n else int(batch_size)


def batches(n: int, batch_size: int | None, iterations: int, seed: int) -> Iterator[np.ndarray]:
    """The colours of each step, in order: ``iterations`` index arrays into the n colours.

    Args:
        n: the number of colours.
        batch_size: None for all colours every step (in their order), or 1..n.
        iterations: the number of steps.
        seed: decides the order of the colours in each epoch.
    """
    batch_size = check_batch_size(batch_size, n)
    if batch_size is None:
        every = np.arange(n)
        for _ in range(iterations):
            yield every
        return
    rng = np.random.default_rng((seed, 1))
    done = 0
    while True:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            if done == iterations:
                return
            yield order[start : start + batch_size]
            done += 1


def batch_masks(n: int, batch_size: int, iterations: int, seed: int, length: int) -> np.ndarray:
    """``batches`` as a (length, n) array of 1s and 0s, row i marking step i's colours.

    Rows past ``iterations`` (padding for the compiled engine's buffers) are zero.
    """
    masks = np.zeros((length, n))
    for i, batch in enumerate(batches(n, batch_size, iterations, seed)):
        masks[i, batch] = 1.0
    return masks
