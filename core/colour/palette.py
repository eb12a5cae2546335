"""The network's pick against WCAG's over many colours: where they agree, and how often.

The network answers P(white text) for a colour; it picks white when that is at least 0.5.
WCAG picks the text colour with the higher contrast ratio, which is white exactly when

    (1 + 0.05) / (L + 0.05) > (L + 0.05) / (0 + 0.05),  i.e.  L < sqrt(1.05 * 0.05) - 0.05 ~ 0.179.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.colour.contrast import relative_luminances
from core.colour.data import random_colours, to_hex
from core.mlp.data import HELD_OUT_COLOURS, TRAINING_COLOURS, normalise
from core.mlp.network import white_text

# Luminance below which white text has the higher contrast (both ratios equal about 4.58 here).
WCAG_WHITE_BELOW = float(np.sqrt(1.05 * 0.05) - 0.05)
AGREEMENT_SAMPLE = 1000
AGREEMENT_SEED = 2024
MAX_RANDOM = 200
GROUPS = ("training", "held out", "random")
CSV_COLUMNS = ("group", "name", "colour", "P(white)", "network", "WCAG", "agree")
VISION_COLUMN = "below AA for colour-blind eyes"  # the optional column (core.colour.vision)

Predict = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Comparison:
    """The network's and WCAG's picks for a set of colours.

    Attributes:
        colours: (n, 3) ints in 0..255.
        probability: (n,) the network's P(white text).
        luminance: (n,) WCAG relative luminance.
    """

    colours: np.ndarray
    probability: np.ndarray
    luminance: np.ndarray

    @property
    def network_white(self) -> np.ndarray:
        """(n,) True where the network picks white text."""
        return white_text(self.probability)

    @property
    def wcag_white(self) -> np.ndarray:
        """(n,) True where white text has the higher WCAG contrast."""
        return self.luminance < WCAG_WHITE_BELOW

    @property
    def agree(self) -> np.ndarray:
        """(n,) True where the two picks are the same."""
        return self.network_white == self.wcag_white

    @property
    def agreement_rate(self) -> float:
        """Fraction of colours where the picks agree, in [0, 1]."""
        return float(np.mean(self.agree)) if len(self.agree) else float("nan")

    @property
    def hex(self) -> list[str]:
        """The colours as ``#rrggbb``."""
        return [to_hex(tuple(int(v) for v in rgb)) for rgb in self.colours]

    def subset(self, mask: np.ndarray) -> Comparison:
        """The same comparison for the colours where mask is True."""
        return Comparison(self.colours[mask], self.probability[mask], self.luminance[mask])


def text_name(white: bool | np.bool_) -> str:
    """ "white" or "black", the text colour a True / False answer stands for."""
    return "white" if white else "black"


def network_text(probability: float) -> str:
    """The network's pick for one P(white), cut at ``core.mlp.DECISION_THRESHOLD``."""
    return text_name(bool(white_text(probability)))


def compare(predict: Predict, colours: np.ndarray) -> Comparison:
    """Ask the network and WCAG about the same colours.

    Args:
        predict: maps X of shape (n, 3) in [0, 1] to P(white) of shape (n, 1), for example
            ``result.network().forward``.
        colours: (n, 3) ints in 0..255.

    Returns:
        A Comparison.
    """
    rgb = np.asarray(colours)
    if rgb.ndim != 2 or rgb.shape[1] != 3 or rgb.shape[0] == 0:
        raise ValueError(f"expected colours of shape (n, 3) with n >= 1, got {rgb.shape}")
    rgb = rgb.astype(np.int64)
    probability = np.asarray(predict(normalise(rgb)), dtype=np.float64).reshape(-1)
    if probability.shape != (rgb.shape[0],):
        raise ValueError(f"expected one probability per colour, got shape {probability.shape}")
    return Comparison(rgb, probability, relative_luminances(rgb))


def agreement_colours(n: int = AGREEMENT_SAMPLE, seed: int = AGREEMENT_SEED) -> np.ndarray:
    """The fixed sample of random colours the agreement rate is measured on, (n, 3) ints."""
    return random_colours(n, seed)


@dataclass(frozen=True)
class Swatch:
    """One palette entry: where it comes from, its name and its colour."""

    group: str
    name: str
    rgb: tuple[int, int, int]


def palette(n_random: int, seed: int = 0) -> list[Swatch]:
    """The document's training colours, its held-out colours and n_random seeded random colours.

    Args:
        n_random: how many random colours, 0..MAX_RANDOM.
        seed: seed of the random colours.

    Returns:
        Swatches in that order.
    """
    if isinstance(n_random, bool) or not isinstance(n_random, int | np.integer):
        raise ValueError(f"expected a whole number of random colours, got {n_random!r}")
    if not 0 <= n_random <= MAX_RANDOM:
        raise ValueError(f"expected 0..{MAX_RANDOM} random colours, got {n_random}")
    swatches = [Swatch("training", to_hex(rgb), rgb) for rgb in TRAINING_COLOURS]
    swatches += [Swatch("held out", name, rgb) for name, rgb, _ in HELD_OUT_COLOURS]
    for rgb in random_colours(int(n_random), seed):
        colour = (int(rgb[0]), int(rgb[1]), int(rgb[2]))
        swatches.append(Swatch("random", to_hex(colour), colour))
    return swatches


@dataclass(frozen=True)
class PaletteGroup:
    """The swatches of one group ("training", "held out", "random") and their comparison."""

    group: str
    names: list[str]
    comparison: Comparison

    @property
    def disagreements(self) -> int:
        """How many of the group's colours the network and WCAG answer differently."""
        return int((~self.comparison.agree).sum())


def _check_pair(swatches: list[Swatch], comparison: Comparison) -> None:
    if len(swatches) != len(comparison.colours):
        raise ValueError(
            f"expected one comparison row per swatch, got {len(comparison.colours)} rows "
            f"for {len(swatches)} swatches"
        )


def palette_groups(swatches: list[Swatch], comparison: Comparison) -> list[PaletteGroup]:
    """Split a palette and its comparison by group, in the order of ``GROUPS``.

    Args:
        swatches: the palette, as ``palette`` returns it.
        comparison: ``compare`` of the same colours, in the same order.

    Returns:
        One PaletteGroup per group that has swatches.
    """
    _check_pair(swatches, comparison)
    groups = []
    for group in GROUPS:
        mask = np.array([s.group == group for s in swatches], dtype=bool)
        if mask.any():
            names = [s.name for s in swatches if s.group == group]
            groups.append(PaletteGroup(group, names, comparison.subset(mask)))
    return groups


def palette_csv(
    swatches: list[Swatch], comparison: Comparison, vision_notes: list[str] | None = None
) -> str:
    """The palette as CSV: one row per swatch with both picks, columns ``CSV_COLUMNS``.

    Args:
        swatches: the palette, as ``palette`` returns it.
        comparison: ``compare`` of the same colours, in the same order.
        vision_notes: optional, one per swatch (``core.colour.vision.drop_notes``): written as
            a last column, ``VISION_COLUMN``.
    """
    _check_pair(swatches, comparison)
    if vision_notes is not None and len(vision_notes) != len(swatches):
        raise ValueError(
            f"expected one vision note per swatch, got {len(vision_notes)} for {len(swatches)}"
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + ((VISION_COLUMN,) if vision_notes is not None else ()))
    rows = zip(
        swatches,
        comparison.hex,
        comparison.probability,
        comparison.network_white,
        comparison.wcag_white,
        comparison.agree,
        strict=True,
    )
    for i, (swatch, hex_colour, p, network, wcag, agree) in enumerate(rows):
        picks = [text_name(network), text_name(wcag)]
        row = [swatch.group, swatch.name, hex_colour, f"{p:.4f}", *picks, bool(agree)]
        writer.writerow(row + ([vision_notes[i]] if vision_notes is not None else []))
    return out.getvalue()
