"""Colour-blind eyes: how a background and its text look to them, and whether it still reads.

Each of the three dichromacies (one kind of cone missing) is simulated with ColorAide's
colour-vision-deficiency filter at severity 1, using the matrices of Machado, Oliveira and
Fernandes (2009) on linear sRGB:

    c_lin = linearise(c)          (the sRGB decoding WCAG uses, per channel)
    seen_lin = M_deficiency @ c_lin,  clipped to [0, 1], then encoded back to sRGB.

Text "reads well" at WCAG AA for normal text, 4.5 : 1. A pick *stops reading well* for an eye
when it reaches AA for typical colour vision but falls below it as that eye sees it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from coloraide import Color

from core.colour.contrast import THRESHOLDS, relative_luminances

# The page's names, and ColorAide's filters for them.
DEFICIENCIES = {"protanopia": "protan", "deuteranopia": "deutan", "tritanopia": "tritan"}
CONES = {
    "protanopia": "no red cones",
    "deuteranopia": "no green cones",
    "tritanopia": "no blue cones",
}
METHOD = "machado"
AA = THRESHOLDS[False][0]  # 4.5 : 1 for normal text
TEXTS = ("black", "white")  # index = the lesson's label: 0 black, 1 white
TEXT_RGB = np.array([[0, 0, 0], [255, 255, 255]])


def ratio_text(ratio: float) -> str:
    """A ratio with two decimals, never rounded up onto AA: 4.497 reads "4.49", since it fails."""
    text = f"{ratio:.2f}"
    return f"{AA - 0.01:.2f}" if ratio < AA <= float(text) else text


def _colours(colours: np.ndarray) -> np.ndarray:
    rgb = np.asarray(colours)
    if rgb.ndim != 2 or rgb.shape[1] != 3:
        raise ValueError(f"expected colours of shape (n, 3), got {rgb.shape}")
    if rgb.size and (not np.issubdtype(rgb.dtype, np.integer) or rgb.min() < 0 or rgb.max() > 255):
        raise ValueError("expected colours as integers in 0..255")
    return rgb.astype(np.int64)


def simulate(colours: np.ndarray, deficiency: str) -> np.ndarray:
    """The colours as an eye with ``deficiency`` sees them (severity 1).

    Args:
        colours: (n, 3) ints in 0..255.
        deficiency: "protanopia", "deuteranopia" or "tritanopia".

    Returns:
        (n, 3) ints in 0..255: the simulated colours, clipped to sRGB.

    Raises:
        ValueError: naming a bad deficiency or colour array.
    """
    if deficiency not in DEFICIENCIES:
        raise ValueError(f"deficiency must be one of {', '.join(DEFICIENCIES)}, got {deficiency!r}")
    rgb = _colours(colours)
    seen = np.empty_like(rgb)
    for i, (r, g, b) in enumerate(rgb / 255.0):
        colour = Color("srgb", [r, g, b]).filter(
            DEFICIENCIES[deficiency], 1.0, method=METHOD, out_space="srgb"
        )
        seen[i] = np.floor(255 * np.clip(colour.coords(nans=False), 0.0, 1.0) + 0.5)
    return seen


def _ratios(background: np.ndarray, text: np.ndarray) -> np.ndarray:
    """(n, 2) WCAG ratios of the two texts (2, 3) over each of n backgrounds (n, 3)."""
    L_bg = relative_luminances(background)[:, None]
    L_text = relative_luminances(text)[None, :]
    return (np.maximum(L_bg, L_text) + 0.05) / (np.minimum(L_bg, L_text) + 0.05)


@dataclass(frozen=True)
class VisionCheck:
    """Black and white text over colours, for typical vision and for each deficiency.

    Attributes:
        colours: (n, 3) the backgrounds, ints in 0..255.
        seen: (d, n, 3) the backgrounds as each of the d = 3 deficiencies sees them.
        typical: (n, 2) contrast ratios of black and white text for typical vision.
        ratios: (d, n, 2) the same ratios as each deficiency sees both text and background.
    """

    colours: np.ndarray
    seen: np.ndarray
    typical: np.ndarray
    ratios: np.ndarray

    def drops(self, white: np.ndarray) -> np.ndarray:
        """Where a pick stops reading well: AA for typical vision, below AA as seen.

        Args:
            white: (n,) True where the pick is white text.

        Returns:
            (d, n) True where that pick falls below AA for that deficiency.
        """
        pick = np.asarray(white, dtype=bool).astype(np.int64)
        if pick.shape != (len(self.colours),):
            raise ValueError(f"expected one pick per colour, got shape {pick.shape}")
        rows = np.arange(len(pick))
        return (self.typical[rows, pick] >= AA) & (self.ratios[:, rows, pick] < AA)


def vision_check(colours: np.ndarray) -> VisionCheck:
    """Simulate each deficiency on the colours and on black and white text, with WCAG ratios.

    Args:
        colours: (n, 3) ints in 0..255.

    Returns:
        A VisionCheck; its deficiencies are in the order of ``DEFICIENCIES``.
    """
    rgb = _colours(colours)
    seen = np.stack([simulate(rgb, name) for name in DEFICIENCIES])
    texts = [simulate(TEXT_RGB, name) for name in DEFICIENCIES]
    ratios = np.stack([_ratios(bg, text) for bg, text in zip(seen, texts, strict=True)])
    return VisionCheck(rgb, seen, _ratios(rgb, TEXT_RGB), ratios)


def drop_notes(check: VisionCheck, network_white: np.ndarray, wcag_white: np.ndarray) -> list[str]:
    """Per colour, the picks that stop reading well, e.g. "deuteranopia: white 4.21 (network)".

    Args:
        check: ``vision_check`` of n colours.
        network_white: (n,) True where the network picks white text.
        wcag_white: (n,) True where WCAG picks white text.

    Returns:
        n strings, empty where every pick keeps AA for every deficiency (or never had it).
    """
    picks = {"network": np.asarray(network_white, bool), "WCAG": np.asarray(wcag_white, bool)}
    dropped = {who: check.drops(white) for who, white in picks.items()}
    notes = []
    for i in range(len(check.colours)):
        parts = []
        for d, name in enumerate(DEFICIENCIES):
            for t, text in enumerate(TEXTS):
                who = [w for w in picks if dropped[w][d, i] and int(picks[w][i]) == t]
                if who:
                    ratio = check.ratios[d, i, t]
                    parts.append(f"{name}: {text} {ratio_text(ratio)} ({' and '.join(who)})")
        notes.append("; ".join(parts))
    return notes
