"""One network and the compiled pieces that gradient ascent builds on it, owned by one object.

Every new ``tf.function`` traces again and keeps its graph: built per render, twenty sessions
drawing grids would cost gigabytes and most of the CPU. A ``Visualizer`` (the way tf-keras-vis'
visualizers own theirs) builds each piece on first use and keeps it: the network cut at a
layer, a compiled ascent or dream step, the bfloat16 copy of the network. Whoever holds the
visualizer reuses them (the page caches one per weights); beyond ``max_pieces`` the least
recently used piece is dropped, so the memory a process spends on them stays bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from core.filters.compute import ComputeChoice, check_dtype, choice_for_this_machine
from core.filters.model import in_dtype, truncate

if TYPE_CHECKING:
    import keras

MAX_PIECES = 8


class Visualizer:
    """A network, its compute type, and the compiled pieces built on it so far.

    Args:
        model: Any Keras functional model (VGG16's convolutional base on the page).
        compute: The arithmetic: a ``ComputeChoice``, ``"float32"`` / ``"bfloat16"``, or None
            to measure it (``compute.choice_for_this_machine``) on first need.
        max_pieces: Compiled pieces kept at most (the least recently used go first).
    """

    def __init__(
        self,
        model: keras.Model,
        compute: ComputeChoice | str | None = None,
        max_pieces: int = MAX_PIECES,
    ) -> None:
        self.model = model
        self._compute = compute
        self.max_pieces = max_pieces
        self._pieces: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.RLock()

    @property
    def compute(self) -> ComputeChoice | None:
        """The measured choice, once known (None while the type was given as a string)."""
        return self._compute if isinstance(self._compute, ComputeChoice) else None

    @property
    def compute_dtype(self) -> str:
        """``"float32"`` or ``"bfloat16"``: the network's arithmetic for this visualizer."""
        with self._lock:
            if self._compute is None:
                self._compute = choice_for_this_machine()
        if isinstance(self._compute, ComputeChoice):
            return self._compute.dtype
        return check_dtype(self._compute)

    def piece(self, key: tuple, build: Callable[[], object]):
        """The piece under ``key``, built by ``build()`` the first time it is asked for."""
        with self._lock:
            if key in self._pieces:
                self._pieces.move_to_end(key)
                return self._pieces[key]
            value = self._pieces[key] = build()
            while len(self._pieces) > self.max_pieces:
                self._pieces.popitem(last=False)
            return value

    def pieces(self) -> list[tuple]:
        """The keys of the pieces kept now, oldest first."""
        with self._lock:
            return list(self._pieces)

    def network(self, compute_dtype: str = "float32") -> keras.Model:
        """The whole network computing in ``compute_dtype`` (one bfloat16 copy at most)."""
        check_dtype(compute_dtype)
        if compute_dtype == "float32":
            return self.model
        return self.piece(("network", compute_dtype), lambda: in_dtype(self.model, compute_dtype))

    def features(self, layer_name: str, compute_dtype: str = "float32") -> keras.Model:
        """The network up to ``layer_name`` (nothing deeper runs), in ``compute_dtype``."""
        network = self.network(compute_dtype)
        return self.piece(
            ("features", layer_name, compute_dtype), lambda: truncate(network, layer_name)
        )


def as_visualizer(model: keras.Model | Visualizer) -> Visualizer:
    """``model`` itself when it is a ``Visualizer``, else a new one around it (nothing shared)."""
    return model if isinstance(model, Visualizer) else Visualizer(model)
