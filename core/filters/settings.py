"""A grid's settings: which layer, which filters, which method, and the one check of them.

``GridSettings`` holds everything that decides a grid except the weights; its defaults are the
document's run (the best 16 of the first 200 filters of block5_conv3, 128 px, 20 steps).
``problem()`` is the one place that says whether settings can make a grid.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from core.filters.ascent import ascent_problem
from core.filters.compute import check_dtype
from core.filters.methods import METHODS
from core.filters.model import CONV_LAYERS

SELECTIONS = ("best", "indices", "random")
MAX_N = 8
DEFAULT_CANDIDATES = 200  # the document ranks the first 200 filters of a layer
KEY_VERSION = 1  # changes every grid's key: bump it when what a key stands for changes


@dataclass(frozen=True)
class GridSettings:
    """Everything that decides a grid except the weights; the document's run is the default.

    Attributes:
        layer: The convolutional layer.
        n: Grid side (n x n tiles).
        selection: ``"best"`` of the first ``candidates``, explicit ``indices``, or a seeded
            ``"random"`` sample (``sample_seed``).
        method, steps, step_size: The ascent method (``METHODS``) and its steps and step.
        size, seed, margin: Tile side (px), seed of the starting images, black px between tiles.
    """

    layer: str = "block5_conv3"
    n: int = 4
    selection: str = "best"
    candidates: int = DEFAULT_CANDIDATES
    indices: tuple[int, ...] = field(default_factory=tuple)
    sample_seed: int = 0
    method: str = "seed"
    steps: int = METHODS["seed"].steps
    step_size: float = METHODS["seed"].step_size
    size: int = 128
    seed: int = 0
    margin: int = 5

    @classmethod
    def for_method(cls, method: str, **changes) -> GridSettings:
        """Settings with the method's own default steps and step size."""
        layer = changes.get("layer", cls.layer)
        defaults = {
            "steps": METHODS[method].steps,
            "step_size": METHODS[method].step_size_on(layer),
        }
        return cls(method=method, **{**defaults, **changes})

    def filter_indices(self, count: int) -> list[int] | None:
        """The explicit filters to show, or None to rank the first ``candidates``."""
        if self.selection not in SELECTIONS:
            raise ValueError(f"selection must be one of {SELECTIONS}, got {self.selection!r}")
        if self.selection == "indices":
            return list(self.indices)
        if self.selection == "random":
            return sample_filters(count, min(self.n * self.n, count), self.sample_seed)
        return None

    def problem(self, count: int | None = None) -> str:
        """Why these settings cannot make a grid, in words a person can act on; "" when they can.

        Args:
            count: The layer's number of filters; None takes VGG16's (``CONV_LAYERS``).
        """
        if count is None:
            count = CONV_LAYERS.get(self.layer)
            if count is None:
                layers = ", ".join(CONV_LAYERS)
                return f"Unknown layer {self.layer!r}: VGG16's conv layers are {layers}."
        k, side = self.n * self.n, f"{self.n}x{self.n}"
        if not 1 <= self.n <= MAX_N:
            return f"The grid side must be between 1 and {MAX_N}, not {self.n}."
        if k > count:
            return f"A {side} grid needs {k} filters; {self.layer} has {count}."
        if self.selection not in SELECTIONS:
            return f"Unknown selection {self.selection!r}: choose one of {', '.join(SELECTIONS)}."
        problem = ascent_problem(self.size, self.steps, self.step_size, self.method)
        if problem:
            return problem
        if self.selection == "best" and not k <= self.candidates <= count:
            return f"Rank between {k} and {count} candidates (M) to fill a {side} grid."
        if self.selection == "indices":
            return self._indices_problem(count)
        return ""

    def _indices_problem(self, count: int) -> str:
        if not self.indices:
            return "Type at least one valid filter index."
        if len(self.indices) > self.n * self.n:
            return f"{len(self.indices)} indices do not fit a {self.n}x{self.n} grid."
        bad = [i for i in self.indices if not 0 <= i < count]
        if bad:
            return f"Filter {bad[0]} does not exist: {self.layer} has filters 0..{count - 1}."
        return ""

    def with_method(self, method: str) -> GridSettings:
        """These settings with ``method``, and its own default steps and step size when it
        differs."""
        if method == self.method:
            return self
        m = METHODS[method]
        return replace(self, method=method, steps=m.steps, step_size=m.step_size_on(self.layer))

    def with_filters(self, indices, method: str | None = None) -> GridSettings:
        """These settings showing exactly ``indices``, in that order, with ``method`` (and its
        own default steps and step size when it differs): the second grid of a comparison.

        From the page's default settings this equals ``default_settings(layer, method,
        indices)``, so a shipped comparison grid is found.
        """
        return replace(
            self.with_method(method or self.method),
            selection="indices",
            indices=tuple(int(i) for i in indices),
            candidates=DEFAULT_CANDIDATES,
            sample_seed=0,
        )

    def key(self, weights_id: str, compute_dtype: str) -> str:
        """File-name-safe key of these settings with those weights and compute type.

        A bfloat16 grid differs a little from a float32 one, so the two never share a key.
        """
        text = json.dumps(
            {
                **asdict(self),
                "weights": weights_id,
                "compute": check_dtype(compute_dtype),
                "v": KEY_VERSION,
            }
        )
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        return f"{self.layer}_{self.n}x{self.n}_{self.method}_{digest}"


def default_settings(
    layer: str, method: str = "seed", indices: tuple[int, ...] = ()
) -> GridSettings:
    """The page's default grid of ``layer``: the document's best 16 of the first 200 filters
    (or of all the layer has); with ``indices``, those filters instead, in that order (what a
    comparison shows next to a first grid)."""
    if layer not in CONV_LAYERS:
        raise ValueError(f"unknown layer {layer!r}; expected one of {', '.join(CONV_LAYERS)}")
    if indices:
        return GridSettings.for_method(
            method, layer=layer, selection="indices", indices=tuple(int(i) for i in indices)
        )
    return GridSettings.for_method(
        method, layer=layer, candidates=min(DEFAULT_CANDIDATES, CONV_LAYERS[layer])
    )


def sample_filters(count: int, k: int, seed: int) -> list[int]:
    """A seeded random sample of ``k`` distinct filters out of ``count``, sorted."""
    if not 1 <= k <= count:
        raise ValueError(f"cannot sample {k} of {count} filters")
    return sorted(int(i) for i in np.random.default_rng(seed).choice(count, k, replace=False))


MAX_FILTERS = max(CONV_LAYERS.values())  # the largest layer's number of filters (512)


def parse_indices(text: str) -> list[int]:
    """Read filter indices typed as ``"0, 5, 9"`` or ``"3-7"``.

    Raises:
        ValueError: Text that is not a list of non-negative integers or ranges.
    """
    indices: list[int] = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ValueError(f"{part!r} is not a filter index or a range like 3-7")
        a, b = int(low), int(high) if dash else int(low)
        if b < a:
            raise ValueError(f"range {part!r} runs backwards")
        if b >= MAX_FILTERS:  # a range such as 0-99999999999 would fill the memory
            raise ValueError(
                f"{part!r} goes past filter {MAX_FILTERS - 1}, the largest layer's last"
            )
        indices.extend(range(a, b + 1))
    if not indices:
        raise ValueError("type at least one filter index, e.g. 0, 5, 9")
    return indices
