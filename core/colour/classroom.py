"""A class labels colours together: the colours each student is shown, and how far they agree.

**The sequence.** Every student walks their own sequence of colours, fixed by the session's seed
and the student's id. Three colours in four spread over the RGB cube: the cube is cut into
4 x 4 x 4 cells, the session shuffles the 64 cells once, and each student starts at their own
place in that order (a jittered point in each cell), so a student's first 64 spread colours
visit every cell once and, at any moment, the class as a whole covers the cube evenly. Every
fourth colour is one of 8 *anchors* (one per octant of the cube), the same for the whole class:
they are the colours many students label, so the class's agreement can be measured on them.

**Agreement.** Fleiss' kappa (Fleiss 1971) for N subjects (colours), k categories (black, white)
and n_i ratings of subject i, n_ij of them in category j:

    P_i = (sum_j n_ij^2 - n_i) / (n_i (n_i - 1))     agreement among the raters of subject i
    P   = mean_i P_i                                observed agreement
    p_j = sum_i n_ij / sum_i n_i                    share of all ratings in category j
    P_e = sum_j p_j^2                               agreement expected by chance
    kappa = (P - P_e) / (1 - P_e)

With the same n for every subject this is Fleiss' formula exactly; with varying n_i (students
reach the anchors at different times) each subject's P_i uses its own n_i, and subjects with
fewer than two ratings carry no information about agreement and are left out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.colour.contrast import relative_luminances
from core.colour.data import to_hex
from core.colour.labels import TEXT_COLOURS, Label
from core.colour.palette import WCAG_WHITE_BELOW

GRID = 4  # cells per axis: 64 cells of 64 x 64 x 64 colour values
CELLS = GRID**3
ANCHOR_EVERY = 4  # every fourth colour is an anchor
ANCHORS = 8  # one per octant of the cube
MAX_INDEX = 1_000_000  # how far a sequence goes (a student at one colour a second: 11 days)
_ANCHOR_STREAM = 1_000_003  # a stream of the session's generator that no student uses


@dataclass(frozen=True)
class IssuedColour:
    """The colour shown at one position of a student's sequence."""

    index: int
    rgb: tuple[int, int, int]
    anchor: int | None  # 0..ANCHORS-1 for an anchor colour, None for a spread colour

    @property
    def hex(self) -> str:
        return to_hex(self.rgb)


def student_number(seed: int, student: str) -> int:
    """A 64-bit number for a student of a session (a hash: ids need not be numbers)."""
    digest = hashlib.sha256(f"{seed}:{student}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def cell_order(seed: int) -> np.ndarray:
    """The session's order of the 64 cells of the cube, (64,) ints."""
    return np.random.default_rng([seed, 0]).permutation(CELLS)


def anchor_colours(seed: int) -> np.ndarray:
    """The session's 8 anchors, one inside each octant of the cube, (8, 3) ints in 0..255.

    Each is drawn from the middle of its octant (16..111 from the octant's corner), away from
    the cube's grey diagonal ends, so the anchors differ from each other.
    """
    rng = np.random.default_rng([seed, _ANCHOR_STREAM])
    corners = np.array([[(o >> 2) & 1, (o >> 1) & 1, o & 1] for o in range(ANCHORS)]) * 128
    return corners + rng.integers(16, 112, size=(ANCHORS, 3))


def colour_at(seed: int, student: str, index: int) -> IssuedColour:
    """The index-th colour shown to ``student`` in the session seeded by ``seed``.

    Args:
        seed: the session's seed (>= 0).
        student: the student's id (any non-empty text).
        index: 0, 1, 2, ... (below MAX_INDEX).

    Returns:
        An IssuedColour: its rgb and, for an anchor, which one.
    """
    if seed < 0:
        raise ValueError(f"expected seed >= 0, got {seed}")
    if not student:
        raise ValueError("expected a student id, got an empty one")
    if not 0 <= index < MAX_INDEX:
        raise ValueError(f"expected 0 <= index < {MAX_INDEX:,}, got {index}")
    number = student_number(seed, student)
    if index % ANCHOR_EVERY == ANCHOR_EVERY - 1:
        anchor = (index // ANCHOR_EVERY + number) % ANCHORS
        r, g, b = (int(v) for v in anchor_colours(seed)[anchor])
        return IssuedColour(index, (r, g, b), anchor)
    j = index - index // ANCHOR_EVERY  # how many spread colours came before this one
    cell = int(cell_order(seed)[(number + j) % CELLS])
    corner = np.array([cell // GRID**2, (cell // GRID) % GRID, cell % GRID]) * (256 // GRID)
    jitter = np.random.default_rng([seed, number, j]).integers(0, 256 // GRID, size=3)
    r, g, b = (int(v) for v in corner + jitter)
    return IssuedColour(index, (r, g, b), None)


def class_learning_rate(learning_rate: float, n_colours: int, lesson_colours: int = 10) -> float:
    """The learning rate that gives a pool of ``n_colours`` the lesson's step size.

    The lesson's error is a sum over the colours, E = 1/2 sum (A3 - y)^2, so its gradient grows
    with their number: the lesson's rate 0.2 tuned for 10 colours takes steps 97 times too long
    on 970, the network saturates and answers one colour for everything. Scaling the rate by
    10 / n keeps each step the size the lesson's run takes.

    Args:
        learning_rate: the rate for the lesson's ``lesson_colours`` colours.
        n_colours: how many colours the class network trains on (>= 1).
    """
    if n_colours < 1 or learning_rate <= 0:
        raise ValueError(
            f"expected n_colours >= 1 and a rate > 0, got {n_colours}, {learning_rate}"
        )
    return learning_rate * min(1.0, lesson_colours / n_colours)


@dataclass(frozen=True)
class Vote:
    """One student's label for a colour they were shown, as the pool stores it."""

    student: str
    index: int
    colour: str  # "#rrggbb"
    text: str  # "black" or "white"
    anchor: int | None = None

    def label(self) -> Label:
        return Label(self.colour, self.text)


@dataclass(frozen=True)
class Agreement:
    """Fleiss' kappa and its parts."""

    kappa: float | None  # None when undefined: no subject rated twice, or one answer for all
    observed: float | None  # P, the mean agreement among raters of a subject
    chance: float | None  # P_e
    subjects: int  # subjects with at least two ratings
    ratings: int  # ratings of those subjects


def fleiss_kappa(counts: np.ndarray) -> Agreement:
    """Fleiss' kappa of a table of counts (the module docstring has the formulas).

    Args:
        counts: (N, k) non-negative ints, counts[i, j] = raters who put subject i in category j.
            Rows may have different sums; rows summing to less than 2 are left out.

    Returns:
        An Agreement; kappa is None when no subject has two ratings or P_e = 1.
    """
    n_ij = np.asarray(counts)
    if n_ij.ndim != 2 or n_ij.shape[1] < 2:
        raise ValueError(f"expected counts of shape (N, k) with k >= 2, got {n_ij.shape}")
    if n_ij.size and (np.any(n_ij < 0) or np.any(n_ij != np.round(n_ij))):
        raise ValueError("expected counts that are whole numbers >= 0")
    n_ij = n_ij.astype(np.float64)
    n_i = n_ij.sum(axis=1)
    n_ij, n_i = n_ij[n_i >= 2], n_i[n_i >= 2]
    if len(n_i) == 0:
        return Agreement(None, None, None, 0, 0)
    P_i = ((n_ij**2).sum(axis=1) - n_i) / (n_i * (n_i - 1))
    P = float(P_i.mean())
    p_j = n_ij.sum(axis=0) / n_i.sum()
    P_e = float((p_j**2).sum())
    kappa = None if np.isclose(P_e, 1.0) else (P - P_e) / (1 - P_e)
    return Agreement(kappa, P, P_e, len(n_i), int(n_i.sum()))


LANDIS_KOCH = (  # upper bound, words (Landis & Koch 1977)
    (0.0, "poor agreement: less than chance"),
    (0.2, "slight agreement"),
    (0.4, "fair agreement"),
    (0.6, "moderate agreement"),
    (0.8, "substantial agreement"),
    (1.0 + 1e-9, "almost perfect agreement"),
)


def kappa_words(kappa: float | None) -> str:
    """One line on what a kappa means, for the projector."""
    if kappa is None:
        return "not measurable yet: it needs colours labelled by two students or more, both ways"
    words = next(text for bound, text in LANDIS_KOCH if kappa < bound)
    return (
        f"{words} (Landis & Koch): 1 would mean every repeated colour gets one answer from "
        "everyone, 0 no more agreement than coin flips with the class's own mix of answers"
    )


@dataclass(frozen=True)
class AnchorSplit:
    """How the class split on one repeated colour (each student's latest answer counts)."""

    anchor: int
    colour: str
    black: int
    white: int
    wcag: str  # WCAG's pick for the colour

    @property
    def majority(self) -> str | None:
        if self.black == self.white:
            return None
        return "white" if self.white > self.black else "black"

    @property
    def answers(self) -> int:
        """How many students answered it (a skip is no answer)."""
        return self.black + self.white


REPEATED = 2  # answers a colour needs to count as repeated: agreement needs two raters


def repeated_splits(splits: Sequence[AnchorSplit], at_least: int = REPEATED) -> list[AnchorSplit]:
    """The colours the class actually answered more than once, in the order given.

    An anchor that students were shown but only skipped, or that one student answered, says
    nothing about how the class splits (nor about agreement): it is left out.

    Args:
        splits: the class's split on each anchor (``anchor_splits``).
        at_least: the answers a colour needs (>= 1).
    """
    if at_least < 1:
        raise ValueError(f"expected at_least >= 1, got {at_least}")
    return [split for split in splits if split.answers >= at_least]


@dataclass(frozen=True)
class ClassSummary:
    """What the projector shows about the pool."""

    labels: int
    students: int
    colours: np.ndarray  # (n, 3) ints: every labelled colour, once
    white_share: np.ndarray  # (n,) share of the votes for the colour that said white
    votes_per_colour: np.ndarray  # (n,)
    splits: list[AnchorSplit]
    agreement: Agreement
    wcag_agreement: float | None  # share of all labels that match WCAG's pick

    @property
    def repeated(self) -> list[AnchorSplit]:
        """The anchors that two students or more answered (the ones the projector lists)."""
        return repeated_splits(self.splits)


def hex_to_rgb(hexes: Sequence[str]) -> np.ndarray:
    """Many ``#rrggbb`` colours as (n, 3) ints, at once (the pool's colours are all this form)."""
    if any(len(h) != 7 or h[0] != "#" for h in hexes):
        raise ValueError("expected colours written #rrggbb")
    digits = "".join(h[1:] for h in hexes)
    return np.frombuffer(bytes.fromhex(digits), dtype=np.uint8).reshape(-1, 3).astype(int)


def latest_per_student(votes: Sequence[Vote]) -> list[Vote]:
    """Each student's latest vote per colour (votes in the order they were cast)."""
    latest: dict[tuple[str, str], Vote] = {}
    for vote in votes:
        latest[(vote.student, vote.colour)] = vote
    return list(latest.values())


def anchor_splits(votes: Sequence[Vote], seed: int) -> list[AnchorSplit]:
    """The class's split on each anchor, each student's latest answer counting once."""
    anchors = anchor_colours(seed)
    hexes = [to_hex(tuple(int(v) for v in rgb)) for rgb in anchors]
    wcag = np.where(relative_luminances(anchors) < WCAG_WHITE_BELOW, "white", "black")
    counts = np.zeros((ANCHORS, 2), dtype=int)
    for vote in latest_per_student(votes):
        if vote.anchor is not None and 0 <= vote.anchor < ANCHORS:
            counts[vote.anchor, TEXT_COLOURS.index(vote.text)] += 1
    return [
        AnchorSplit(a, hexes[a], int(counts[a, 0]), int(counts[a, 1]), str(wcag[a]))
        for a in range(ANCHORS)
    ]


def summarise(votes: Sequence[Vote], seed: int) -> ClassSummary:
    """Counts, colours, the split on each anchor, Fleiss' kappa and agreement with WCAG.

    Args:
        votes: the pool, in the order the votes were cast.
        seed: the session's seed (it decides the anchors).
    """
    splits = anchor_splits(votes, seed)
    agreement = fleiss_kappa(np.array([[s.black, s.white] for s in splits]))
    by_colour: dict[str, list[int]] = {}
    for vote in votes:
        by_colour.setdefault(vote.colour, []).append(TEXT_COLOURS.index(vote.text))
    colours = hex_to_rgb(list(by_colour))
    totals = np.array([len(v) for v in by_colour.values()], dtype=int)
    whites = np.array([sum(v) for v in by_colour.values()], dtype=int)
    share = whites / np.maximum(totals, 1)
    wcag_agreement = None
    if len(votes):
        wcag_white = relative_luminances(colours) < WCAG_WHITE_BELOW
        matching = np.where(wcag_white, whites, totals - whites).sum()
        wcag_agreement = float(matching / totals.sum())
    return ClassSummary(
        labels=len(votes),
        students=len({vote.student for vote in votes}),
        colours=colours,
        white_share=share.astype(np.float64),
        votes_per_colour=totals,
        splits=splits,
        agreement=agreement,
        wcag_agreement=wcag_agreement,
    )
