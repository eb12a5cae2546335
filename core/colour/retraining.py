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


# Within this of 0.5 for every label, the network has not started to tell them apart.
PLATEAU = 0.02
# The missed labels named in the note; the rest are counted.
NAMED = 5


def unmatched_note(change: RetrainChange, colours: Sequence[str], include_document: bool) -> str:
    """Why the retrained network misses some labels, and what to try; "" when it matches all.

    Two different causes look the same in the "matched" count, and a lecturer needs to tell
    them apart: gradient descent still on its plateau (every output near 0.5, nothing learned
    yet), or a network that learned but settled on a compromise between labels that pull
    against each other or against the document's colours.

    Args:
        change: what ``retrain_change`` measured.
        colours: the labelled colours, in the order of ``change.targets``.
        include_document: whether the document's 10 colours were in the training set.
    """
    missed = white_text(change.fit_after) != (change.targets == 1)
    if not missed.any():
        return ""
    if np.all(np.abs(change.fit_after - 0.5) < PLATEAU):
        more = "" if include_document else ", or also train on the document's 10 colours"
        return (
            "Still on the plateau: the retrained network answers about 0.5 for every label, so "
            "gradient descent has not started to tell them apart. Train longer or with a larger "
            'learning rate on "Train the MLP" (its settings are used here)' + more + "."
        )
    names = [colour for colour, miss in zip(colours, missed, strict=True) if miss]
    names = ", ".join(names[:NAMED]) + (
        f" and {len(names) - NAMED} more" if len(names) > NAMED else ""
    )
    against = (
        "each other or against the document's colours (untick them to learn yours alone)"
        if include_document
        else "each other (similar colours, different text)"
    )
    return (
        f"The network learned a compromise that misses {names}: with these settings it cannot "
        f"fit labels that pull against {against}."
    )
