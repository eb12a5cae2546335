"""What VGG16's filters look for: gradient ascent in input space, grids, an on-disk store.

Modules, each importing only those above it:

- ``grid``: the model, the document's ascent, screening and ``filter_grid``;
- ``fourier``: the Fourier-space method (Lucid's parameterisation);
- ``store``: grid settings, the on-disk cache and pre-rendered grids;
- ``plots``: what the page draws;
- ``__main__``: the command line, ``python -m core.filters``.

The names below are the public API (``core.filters.load_vgg16``, ``filter_grid``, ...).
"""

from core.filters.grid import (
    CONV_LAYERS,
    DOCUMENT_LAYERS,
    METHODS,
    SHARED_WEIGHTS,
    AscentStep,
    FilterGrid,
    FilterImages,
    Progress,
    WeightsDownloadError,
    WeightsError,
    default_weights,
    deprocess,
    filter_count,
    filter_grid,
    initial_image,
    load_vgg16,
    parse_indices,
    sample_filters,
    stitch,
    truncate,
    visualize_filters,
)

__all__ = [
    "SHARED_WEIGHTS",
    "CONV_LAYERS",
    "DOCUMENT_LAYERS",
    "METHODS",
    "AscentStep",
    "FilterGrid",
    "FilterImages",
    "Progress",
    "WeightsDownloadError",
    "WeightsError",
    "default_weights",
    "deprocess",
    "filter_count",
    "filter_grid",
    "initial_image",
    "load_vgg16",
    "parse_indices",
    "sample_filters",
    "stitch",
    "truncate",
    "visualize_filters",
]
