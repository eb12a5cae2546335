"""VGG16 filters page: where a grid comes from, fastest first, without rendering it.

``Source``: the weights chosen and the network they load; ``lookup`` finds the grid to show.

The grids shipped with the app (ImageNet weights only, or a local copy of them), this process's
memory, the pre-render folder and the disk cache; a render that just finished is kept in memory
for every session from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import core.filters.shipped as shipped_grids
import core.filters.store as store
from core.filters.grid import FilterGrid
from core.filters.settings import GridSettings
from ui.filters import jobs
from ui.filters.environment import cache_dir, prerender_dir
from ui.filters.weights import Network, Weights, load_network, show_load_error


@st.cache_resource(show_spinner=False)
def shipped_index() -> dict:
    """The grids that ship with the app, by settings, read once per process."""
    return shipped_grids.shipped_index(shipped_grids.SHIPPED_DIR)


def shipped(
    settings: GridSettings, weights_id: str | None = None, name: str = ""
) -> tuple[FilterGrid, str] | None:
    """The shipped grid for ``settings`` and a caption saying how it was made.

    Args:
        weights_id: None for the ImageNet choice; else the hash of a loaded network's weights,
            which must be the shipped grid's own (a local copy of the same weights).
        name: The weights file's name, said in the caption when ``weights_id`` is given.
    """
    found = shipped_index().get(settings)
    if found is None:
        return None
    grid, rendering = found
    if weights_id is not None and rendering.get("weights_id") != weights_id:
        return None
    facts = [
        f"{fact.replace('_', ' ')} {value}"
        for fact, value in rendering.items()
        if isinstance(value, str | int | float) and len(str(value)) <= 32 and "hash" not in fact
    ][:4]
    how = f" ({', '.join(facts)})" if facts else ""
    same = f": {name} holds the same weight values" if weights_id is not None else ""
    return grid, f"Pre-rendered with the ImageNet weights and shipped with the app{how}{same}."


@st.cache_resource(show_spinner=False, max_entries=16)
def _grid_in_memory(key: str, _grid: FilterGrid | None = None) -> FilterGrid:
    """The grid under ``key``, kept for every session: ``_grid`` when given (a render just
    finished), else read from the pre-render folder or the disk cache.

    Raises:
        LookupError: No readable grid is stored under ``key`` (and nothing is cached then).
    """
    grid = _grid or store.load_grid([prerender_dir(), cache_dir()], key)
    if grid is None:
        raise LookupError(key)
    return grid


def stored(key: str) -> FilterGrid | None:
    """The grid under ``key``: just rendered, or from memory, the pre-render folder or disk."""
    job = jobs.job_of(key)
    if job is not None and job.grid is not None:
        return _grid_in_memory(key, job.grid)  # kept for every session from now on
    try:
        return _grid_in_memory(key)
    except LookupError:
        return None


class Source:
    """Where this run's grids come from: the weights chosen, the network loaded on first need.

    Load errors are shown in ``messages`` (top of the page), wherever the network is needed.
    """

    def __init__(self, weights: Weights, messages=None) -> None:
        self.weights = weights
        self.messages = messages
        self._network: Network | None = None

    def network(self) -> Network:
        if self._network is None:
            self._network = load_network(self.weights)
            with self.messages or st.container():
                show_load_error(self._network, self.weights)
        return self._network

    def loaded(self) -> Network | None:
        """The network, if this run needed it (None: nothing was loaded)."""
        return self._network

    def shipped(self, settings: GridSettings) -> Shown | None:
        """The shipped grid for ``settings`` if these weights made it (no render)."""
        if self.weights.kind == "imagenet":
            found = shipped(settings)
            label = "ImageNet"
        elif self.weights.kind in ("file", "upload") and settings in shipped_index():
            network = self.network()  # a local file: its weights hash says if they are the same
            if network.error:
                return None
            found = shipped(settings, network.weights_key, self.weights.label)
            label = f"{network.label} (ImageNet)"
        else:
            return None
        if found is None:
            return None
        key = "shipped_" + settings.key("imagenet", "float32")
        return Shown(found[0], key, label, found[1])

    def instant(self, settings: GridSettings) -> bool:
        """Whether a grid is shipped for ``settings`` with these weights (no render)."""
        return self.shipped(settings) is not None


@dataclass(frozen=True)
class Shown:
    """A grid ready to draw: the grid, its cache key, the network that made it, how."""

    grid: FilterGrid
    key: str
    label: str
    note: str = ""


def network_label(network: Network) -> str:
    """What made a grid, in words: ImageNet, a file's name, or the untrained network."""
    return "untrained (random weights)" if network.label == "untrained" else network.label


def lookup(source: Source, settings: GridSettings) -> Shown | None:
    """The grid for ``settings`` if it can be shown now: shipped, stored, or just rendered."""
    found = source.shipped(settings)
    if found is not None:
        return found
    network = source.network()
    visualizer = network.visualizer
    key = settings.key(network.weights_key, visualizer.compute_dtype)
    grid = stored(key)
    if grid is None:
        return None
    # One line on the arithmetic: float32, or bfloat16 where this CPU runs it natively.
    compute = visualizer.compute
    reason = compute.reason if compute is not None else visualizer.compute_dtype
    return Shown(grid, key, network_label(network), f"Compute: {reason}.")


def clear() -> None:
    """Forget the grids kept in memory, the shipped index and every render (tests)."""
    _grid_in_memory.clear()
    shipped_index.clear()
    jobs.clear()
