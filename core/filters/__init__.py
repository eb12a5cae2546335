"""What VGG16's filters look for: gradient ascent in input space, grids, an on-disk store.

Modules, each importing only those above it:

- ``model``: VGG16 and its weights, cut at a layer, a bfloat16 copy;
- ``compute``: float32 or bfloat16, whichever this CPU runs faster (measured);
- ``visualizer``: a network and the compiled pieces built on it (``Visualizer``);
- ``methods``: the gradient-ascent methods and their defaults (``METHODS``);
- ``fourier``: the Fourier-space method (Lucid's parameterisation);
- ``ascent``: the document's step batched, the one batch loop;
- ``settings``: ``GridSettings``, the one check of a grid's settings, filter choices;
- ``grid``: ranking and screening the candidates, ``filter_grid``, ``stitch``;
- ``store``: grid files on disk, weights hashes;
- ``shipped``: the grids that ship with the app (ImageNet weights, default settings);
- ``photos``, ``features``, ``dream``: a photo read safely, its feature maps at every layer
  in one pass, and gradient ascent that starts from it;
- ``plots``, ``tiles``: what the page draws;
- ``__main__``: the command line, ``python -m core.filters``.

The names below are the public API (``core.filters.load_vgg16``, ``filter_grid``, ...).
"""

from core.filters.ascent import (
    AscentStep,
    FilterImages,
    Progress,
    deprocess,
    initial_image,
    visualize_filters,
)
from core.filters.grid import FilterGrid, filter_grid, stitch
from core.filters.methods import METHODS, Method
from core.filters.model import (
    CONV_LAYERS,
    DOCUMENT_LAYERS,
    WeightsDownloadError,
    WeightsError,
    default_weights,
    filter_count,
    load_vgg16,
    truncate,
)
from core.filters.settings import GridSettings, default_settings, parse_indices, sample_filters
from core.filters.visualizer import Visualizer

__all__ = [
    "CONV_LAYERS",
    "DOCUMENT_LAYERS",
    "METHODS",
    "AscentStep",
    "FilterGrid",
    "FilterImages",
    "GridSettings",
    "Method",
    "Progress",
    "Visualizer",
    "WeightsDownloadError",
    "WeightsError",
    "default_settings",
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
