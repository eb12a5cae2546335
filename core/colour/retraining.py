"""What retraining on a person's labels changed: the pick, the agreement rate, the fit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.colour.contrast import Colour
from core.colour.data import parse_colour
from core.colour.labels import Label
from core.colour.palette import Predict, agreement_colours, compare
from core.mlp.network import white_text


@dataclass(frozen=True)
class RetrainChange:
    """Before and after retraining, side by side.

    Attributes:
        p_before: the old network's P(white) for the background on show.
        p_after: the retrained network's P(white) for it.
        agreement_before: the old network's agreement rate with WCAG on the fixed sample.
        agreement_after: the retrained network's.
        fit_before: (k,) the old network's P(white) for each labelled colour.
        fit_after: (k,) the retrained network's.
        targets: (k,) the labels, 1 = white text, 0 = black.
    """

    p_before: float
    p_after: float
    agreement_before: float
    agreement_after: float
    fit_before: np.ndarray
    fit_after: np.ndarray
    targets: np.ndarray

    @property
    def matched_before(self) -> int:
        """How many labels the old network's pick matches."""
        return int(np.sum(white_text(self.fit_before) == (self.targets == 1)))

    @property
    def matched_after(self) -> int:
        """How many labels the retrained network's pick matches."""
        return int(np.sum(white_text(self.fit_after) == (self.targets == 1)))


def retrain_change(
    before: Predict, after: Predict, background: Colour, labels: Sequence[Label]
) -> RetrainChange:
    """Ask the old and the retrained network the same questions.

    Args:
        before: the old network's forward pass, X (n, 3) in [0, 1] to P(white) (n, 1).
        after: the retrained network's forward pass.
        background: the colour on show, in any form ``parse_colour`` accepts.
        labels: the labels the network was retrained on (at least one).

    Returns:
        A RetrainChange.

    Raises:
        ValueError: naming a bad background, or when there are no labels.
    """
    if not labels:
        raise ValueError("expected at least one label to compare the fit on, got none")
    here = np.array([parse_colour(background)])
    labelled = np.array([parse_colour(label.colour) for label in labels])
    sample = agreement_colours()
    return RetrainChange(
        p_before=float(compare(before, here).probability[0]),
        p_after=float(compare(after, here).probability[0]),
        agreement_before=compare(before, sample).agreement_rate,
        agreement_after=compare(after, sample).agreement_rate,
        fit_before=compare(before, labelled).probability,
        fit_after=compare(after, labelled).probability,
        targets=np.array([label.target for label in labels], dtype=np.int64),
    )
