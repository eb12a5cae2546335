"""VGG16 filters page: the cached charts, keyed by their inputs' values.

Each cached function takes the real data it draws (arrays, grids, frozen dataclasses, plain
values), never a key kept beside it by hand: a changed input is a new chart. Streamlit hashes
the arguments itself but samples a NumPy array of 500,000 values or more, so ``BY_VALUE``
(``ui.cache``) makes every element count, arrays nested in a dataclass included.
Charts are shared between sessions (``st.cache_resource``) where they are large and never
changed after; the rest are copied per session (``st.cache_data``).
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.filters.grid import FilterGrid
from core.filters.kernel_plots import kernel_canvas, kernels_figure
from core.filters.numbers import Box, kernel_pictures, one_cell
from core.filters.numbers_plots import field_figure, map_figure, photo_figure, sweep_figure
from core.filters.plots import grid_figure
from ui.cache import BY_VALUE


@st.cache_resource(show_spinner=False, max_entries=16, hash_funcs=BY_VALUE)
def grid_chart(grid: FilterGrid):
    """The grid's chart, built once per grid for every session that shows it."""
    return grid_figure(grid)


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=BY_VALUE)
def photo_chart(pixels: np.ndarray, i: int, j: int):
    """The photo with the 3x3 patch under cell (i, j) outlined."""
    return photo_figure(pixels, i, j)


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=BY_VALUE)
def map_chart(A_f: np.ndarray, f: int, i: int, j: int):
    """Filter ``f``'s map ``A_f`` with cell (i, j) outlined."""
    return map_figure(A_f, f, i, j)


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=BY_VALUE)
def sweep_chart(x, W, b, pixels, A_f, f: int, i: int, j: int, compact: bool):
    """The kernel sliding along row i of filter f, Z of each cell computed by hand."""
    Z_row = np.array([one_cell(x, W, b, f, i, c).Z for c in range(x.shape[1])])
    return sweep_figure(pixels, A_f, Z_row, f, i, j, height=440 if compact else 520)


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=BY_VALUE)
def field_chart(pixels: np.ndarray, box: Box, patch: Box, title: str):
    """The photo with a deeper cell's receptive field ``box`` and the first layer's patch."""
    return field_figure(pixels, box, patch, title)


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs=BY_VALUE)
def kernels_chart(W: np.ndarray, scale: str, per_row: int, pictures: tuple, f: int):
    """The kernel canvas and its figure; ``pictures``: (filter, what it looks for) pairs, for
    the filters whose picture exists."""
    kernels = kernel_pictures(W, scale)
    found = dict(pictures)
    # The document's pictures are the network's input itself, channels B, G, R; shown here in
    # R, G, B like the kernels, so a filter that adds up blue looks blue in both.
    looks_for = [None if g not in found else found[g][..., ::-1] for g in range(len(kernels))]
    canvas, centres = kernel_canvas(kernels, looks_for, per_row)
    return canvas, kernels_figure(canvas, centres, f, width=350 if per_row == 4 else 820)
