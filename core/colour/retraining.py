"""What retraining on labels changed (a person's or a class's): the pick, the agreement rate, the
fit; and a class retrain as the pool keeps it, so the projector can show it again after a reload."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.colour.classroom import hex_to_rgb
from core.colour.contrast import Colour
from core.colour.data import parse_colour
from core.colour.labels import TEXT_COLOURS, Label
from core.colour.palette import Predict, agreement_colours, compare
from core.mlp.network import MLP, white_text


@dataclass(frozen=True)
class RetrainChange:
    """Before and after retraining, side by side.

    Attributes:
        p_before: the old network's P(white) for the background on show (None: no colour on
            show, as on the projector of a class).
        p_after: the retrained network's P(white) for it (None likewise).
        agreement_before: the old network's agreement rate with WCAG on the fixed sample.
        agreement_after: the retrained network's.
        fit_before: (k,) the old network's P(white) for each labelled colour.
        fit_after: (k,) the retrained network's.
        targets: (k,) the labels, 1 = white text, 0 = black.
    """

    p_before: float | None
    p_after: float | None
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


def label_colours(labels: Sequence[Label]) -> np.ndarray:
    """The labels' colours as (k, 3) ints; at once when all are ``#rrggbb``, as stored labels are.

    A class's 10,000 labels one by one through ``parse_colour`` take half a second; read as
    hex digits at once, about a millisecond.
    """
    try:
        return hex_to_rgb([label.colour for label in labels])
    except ValueError:  # a label made by hand, such as Label("navy", "white")
        return np.array([parse_colour(label.colour) for label in labels])


def retrain_change(
    before: Predict, after: Predict, background: Colour | None, labels: Sequence[Label]
) -> RetrainChange:
    """Ask the old and the retrained network the same questions.

    Args:
        before: the old network's forward pass, X (n, 3) in [0, 1] to P(white) (n, 1).
        after: the retrained network's forward pass.
        background: the colour on show, in any form ``parse_colour`` accepts; None when there is
            none (a class's retrain is about the class's colours, not one on show).
        labels: the labels the network was retrained on (at least one).

    Returns:
        A RetrainChange.

    Raises:
        ValueError: naming a bad background, or when there are no labels.
    """
    if not labels:
        raise ValueError("expected at least one label to compare the fit on, got none")
    p_before = p_after = None
    if background is not None:
        here = np.array([parse_colour(background)])
        p_before = float(compare(before, here).probability[0])
        p_after = float(compare(after, here).probability[0])
    labelled = label_colours(labels)
    sample = agreement_colours()
    return RetrainChange(
        p_before=p_before,
        p_after=p_after,
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


def unmatched_note(
    change: RetrainChange, colours: Sequence[str], include_document: bool, whose: str = "yours"
) -> str:
    """Why the retrained network misses some labels, and what to try; "" when it matches all.

    Two different causes look the same in the "matched" count, and a lecturer needs to tell
    them apart: gradient descent still on its plateau (every output near 0.5, nothing learned
    yet), or a network that learned but settled on a compromise between labels that pull
    against each other or against the document's colours.

    Args:
        change: what ``retrain_change`` measured.
        colours: the labelled colours, in the order of ``change.targets``.
        include_document: whether the document's 10 colours were in the training set.
        whose: whose labels they are, as the note names them ("yours", "the class's").
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
        f"each other or against the document's colours (untick them to learn {whose} alone)"
        if include_document
        else "each other (similar colours, different text)"
    )
    return (
        f"The network learned a compromise that misses {names}: with these settings it cannot "
        f"fit labels that pull against {against}."
    )


def network_record(layers: Sequence[int], activation: str, weights: Sequence[np.ndarray]) -> dict:
    """A network as JSON can hold it: its layer sizes, hidden activation and weights as lists."""
    return {
        "layers": [int(n) for n in layers],
        "activation": activation,
        "weights": [np.asarray(W).tolist() for W in weights],
    }


def network_from_record(record: dict) -> MLP:
    """The network ``network_record`` wrote (NumPy only)."""
    weights = [np.array(W, dtype=np.float64) for W in record["weights"]]
    return MLP(record["layers"], activation=record["activation"], weights=weights)


@dataclass(frozen=True)
class ClassRetrain:
    """A retrain on a class's labels, as the pool keeps it (one JSON document per session).

    It holds what the projector needs to say again, after a reload or a restart, what the
    retrain changed: the network before and after, and the labels and settings it learned from.

    Attributes:
        network: the class network (what the phones and the projector ask).
        before: the network it was retrained from; None in a document saved by an older version
            of the app, which kept the class network alone.
        labels: the class's labels it learned, in the order they were cast; None likewise.
        n_labels: how many labels it learned.
        include_document: whether the document's 10 colours were in the training set.
        settings: the training settings, in words (``TrainingSettings.describe``); "" likewise.
    """

    network: MLP
    before: MLP | None
    labels: tuple[Label, ...] | None
    n_labels: int
    include_document: bool
    settings: str

    def payload(self) -> dict:
        """The JSON document the pool stores (``ClassPool.save_network``)."""
        document = {
            **network_record(self.network.layers, self.network.activation, self.network.weights),
            "labels": self.n_labels,
            "include_document": self.include_document,
            "settings": self.settings,
        }
        if self.before is not None:
            before = self.before
            document["before"] = network_record(before.layers, before.activation, before.weights)
        if self.labels is not None:
            document["trained_on"] = [[label.colour, label.text] for label in self.labels]
        return document

    @classmethod
    def from_payload(cls, document: dict) -> ClassRetrain:
        """Read what ``payload`` wrote, or an older document without the network before.

        Raises:
            ValueError: when the document is not a class network (a bad shape, a label that is
                not black or white).
        """
        try:
            network = network_from_record(document)
            before = document.get("before")
            trained_on = document.get("trained_on")
            labels = None
            if trained_on is not None:
                labels = tuple(Label(str(colour), str(text)) for colour, text in trained_on)
                if any(label.text not in TEXT_COLOURS for label in labels):
                    raise ValueError("a label that is neither black nor white")
            return cls(
                network=network,
                before=None if before is None else network_from_record(before),
                labels=labels,
                n_labels=int(document.get("labels", 0 if labels is None else len(labels))),
                include_document=bool(document.get("include_document", True)),
                settings=str(document.get("settings", "")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"expected a class network document: {error}") from error
