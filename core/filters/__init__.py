"""What VGG16's filters look for: gradient ascent in input space, grids, an on-disk store.

Modules, each importing only those above it:

- ``model``: VGG16 and its weights, cut at a layer, one copy per process;
- ``compute``: float32 or bfloat16, whichever this CPU runs faster (measured once);
- ``fourier``: the Fourier-space method (Lucid's parameterisation);
- ``ascent``: the document's step, batched, the ``AscentMethod`` interface and its one loop;
- ``grid``: ranking and screening the candidates, ``filter_grid``, ``stitch``;
- ``store``: grid settings, the on-disk cache and pre-rendered grids;
- ``shipped``: the grids that ship with the app (ImageNet weights, default settings);
- ``photos``, ``features``, ``dream``: a photo read safely, its feature maps at every layer
  in one pass, and gradient ascent that starts from it;
- ``plots``: what the page draws;
- ``__main__``: the command line, ``python -m core.filters``.

The names below are the public API (``core.filters.load_vgg16``, ``filter_grid``, ...).
"""

from core.filters.ascent import (
    METHODS,
    AscentStep,
    FilterImages,
    Progress,
    deprocess,
    initial_image,
    visualize_filters,
)
from core.filters.grid import FilterGrid, filter_grid, parse_indices, sample_filters, stitch
from core.filters.model import (
    CONV_LAYERS,
    DOCUMENT_LAYERS,
    SHARED_WEIGHTS,
    WeightsDownloadError,
    WeightsError,
    default_weights,
    filter_count,
    load_vgg16,
    truncate,
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
