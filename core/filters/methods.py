"""The gradient-ascent methods a grid may use, and the one home of each method's defaults.

``seed`` is the document's (normalised steps on the pixels, from grey noise), ``fourier`` the
Distill / Lucid parameterisation (Adam on a decorrelated spectrum, jittered each step). How
they climb: ``core.filters.ascent`` and ``core.filters.fourier``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Method:
    """A gradient-ascent method: how a picture is parameterised and climbed, and its defaults.

    Attributes:
        name: Its name in settings and links (``"seed"``, ``"fourier"``).
        label: What the page calls it.
        image: What is optimised.
        optimiser: How it is climbed.
        steps: Steps it needs for a good picture.
        step_size: Its step length (the seed method) or learning rate (Adam).
        layer_step_sizes: Layers that need another default step, as (layer, step) pairs.
    """

    name: str
    label: str
    image: str
    optimiser: str
    steps: int
    step_size: float
    layer_step_sizes: tuple[tuple[str, float], ...] = ()

    def step_size_on(self, layer: str) -> float:
        """The default step on ``layer``: its own where it has one, else ``step_size``."""
        return dict(self.layer_step_sizes).get(layer, self.step_size)


# The one home of each method's defaults.
METHODS: dict[str, Method] = {
    "seed": Method(
        "seed",
        "Document: gradient ascent from grey noise",
        "pixels, from grey noise",
        "the gradient divided by its RMS",
        20,
        1.0,
    ),
    "fourier": Method(
        "fourier",
        "Fourier image + jitter (Distill / Lucid)",
        "a decorrelated Fourier spectrum, jittered and rescaled each step",
        "Adam",
        96,
        0.05,
        # block1_conv1's mean activation is nearly linear in the pixels: at 0.05 Adam drives
        # its tiles into the sigmoid's flat ends (blown-out colour); 0.01 keeps them readable
        # (bench/bench_fourier.py measures both).
        (("block1_conv1", 0.01),),
    ),
}
