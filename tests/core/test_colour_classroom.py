"""The class's colour sequence and its agreement measure, against published numbers and counts."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.colour.classroom import (
    ANCHOR_EVERY,
    ANCHORS,
    CELLS,
    GRID,
    Vote,
    anchor_colours,
    class_learning_rate,
    colour_at,
    fleiss_kappa,
    kappa_words,
    repeated_splits,
    summarise,
)
from core.colour.contrast import wcag_text_colour

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
WIKIPEDIA_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_matches_the_published_worked_example():
    agreement = fleiss_kappa(np.array(WIKIPEDIA_TABLE))
    assert agreement.observed == pytest.approx(0.378, abs=5e-4)  # P-bar, as published
    assert agreement.chance == pytest.approx(0.213, abs=5e-4)  # P-bar_e
    assert agreement.kappa == pytest.approx(0.210, abs=5e-4)
    assert agreement.subjects == 10 and agreement.ratings == 140


def test_fleiss_kappa_with_two_categories_by_hand():
    # Two colours, 4 students each: (4 white, 0 black) and (2, 2).
    # P_1 = (16 - 4) / 12 = 1, P_2 = (4 + 4 - 4) / 12 = 1/3, P = 2/3;
    # p = (2/8, 6/8), P_e = 1/16 + 9/16 = 5/8; kappa = (2/3 - 5/8) / (3/8) = 1/9.
    agreement = fleiss_kappa(np.array([[0, 4], [2, 2]]))
    assert agreement.kappa == pytest.approx(1 / 9)


def test_subjects_rated_once_carry_no_agreement_and_are_left_out():
    with_singles = fleiss_kappa(np.array([[0, 4], [2, 2], [1, 0], [0, 1], [0, 0]]))
    assert with_singles.kappa == pytest.approx(1 / 9)
    assert with_singles.subjects == 2


@pytest.mark.parametrize(
    "table, reason",
    [
        ([[1, 0], [0, 1]], "nobody rated a colour twice"),
        ([[3, 0], [5, 0]], "one answer for everything: chance agreement is 1"),
        (np.zeros((0, 2)), "no colours"),
    ],
)
def test_kappa_is_undefined_rather_than_a_made_up_number(table, reason):
    assert fleiss_kappa(np.array(table)).kappa is None, reason
    assert "not measurable" in kappa_words(None)


@pytest.mark.parametrize(
    "table, error",
    [
        ([1, 2], "shape"),
        ([[1], [2]], "k >= 2"),
        ([[1, -1]], "whole numbers"),
        ([[0.5, 2]], "whole"),
    ],
)
def test_fleiss_kappa_refuses_tables_that_are_not_counts(table, error):
    with pytest.raises(ValueError, match=error):
        fleiss_kappa(np.array(table))


@pytest.mark.parametrize(
    "kappa, words",
    [
        (-0.1, "poor"),
        (0.1, "slight"),
        (0.3, "fair"),
        (0.5, "moderate"),
        (0.7, "substantial"),
        (0.9, "almost perfect"),
        (1.0, "almost perfect"),
    ],
)
def test_kappa_words_follow_landis_and_koch(kappa, words):
    assert kappa_words(kappa).startswith(words)


def cell_of(rgb) -> int:
    r, g, b = (v // (256 // GRID) for v in rgb)
    return (r * GRID + g) * GRID + b


def spread(seed: int, student: str, n: int):
    colours = [colour_at(seed, student, i) for i in range(n * ANCHOR_EVERY // 3 + 4)]
    return [c for c in colours if c.anchor is None][:n]


def test_every_fourth_colour_is_an_anchor_and_the_others_visit_every_cell_once():
    sequence = [colour_at(7, "student-a", i) for i in range(4 * CELLS)]
    assert all((c.anchor is not None) == (c.index % 4 == 3) for c in sequence)
    cells = [cell_of(c.rgb) for c in spread(7, "student-a", CELLS)]
    assert sorted(cells) == list(range(CELLS))  # 64 spread colours: each cell exactly once


def test_each_student_sees_every_anchor_and_anchors_are_shared_by_the_class():
    anchors = {tuple(int(v) for v in rgb) for rgb in anchor_colours(7)}
    for student in ("student-a", "student-b", "student-c"):
        seen = {c.rgb for c in (colour_at(7, student, 4 * k + 3) for k in range(ANCHORS))}
        assert seen == anchors


def test_anchors_sit_one_in_each_octant_of_the_cube():
    octants = {tuple(v >= 128 for v in rgb) for rgb in anchor_colours(3)}
    assert len(octants) == ANCHORS


def test_students_start_in_different_cells_so_the_class_covers_the_cube():
    firsts = {cell_of(spread(11, f"student-{k}", 1)[0].rgb) for k in range(40)}
    assert len(firsts) >= 20  # 40 students' first colours fall in many of the 64 cells


def test_the_sequence_is_fixed_by_the_session_and_the_student():
    assert colour_at(5, "a" * 10, 9) == colour_at(5, "a" * 10, 9)
    assert [colour_at(5, "a" * 10, i).rgb for i in range(12)] != [
        colour_at(6, "a" * 10, i).rgb for i in range(12)
    ]


@given(st.integers(0, 2**31 - 1), st.text(min_size=1, max_size=32), st.integers(0, 10**6 - 1))
def test_every_issued_colour_is_a_colour(seed, student, index):
    issued = colour_at(seed, student, index)
    assert all(0 <= v <= 255 for v in issued.rgb)
    assert issued.hex.startswith("#") and len(issued.hex) == 7


@pytest.mark.parametrize(
    "seed, student, index, error",
    [(-1, "a", 0, "seed"), (0, "", 0, "student"), (0, "a", -1, "index"), (0, "a", 10**6, "index")],
)
def test_colour_at_refuses_bad_positions(seed, student, index, error):
    with pytest.raises(ValueError, match=error):
        colour_at(seed, student, index)


def test_summary_counts_each_students_latest_answer_on_an_anchor():
    seed = 4
    a0 = colour_at(seed, "s1", 3)  # an anchor
    votes = [
        Vote("s1", 3, a0.hex, "black", a0.anchor),
        Vote("s1", 35, a0.hex, "white", a0.anchor),  # s1 changed their mind: white counts
        Vote("s2", 3, a0.hex, "white", a0.anchor),
        Vote("s3", 0, "#000000", "white", None),
    ]
    summary = summarise(votes, seed)
    split = summary.splits[a0.anchor]
    assert (split.black, split.white) == (0, 2) and split.majority == "white"
    assert split.wcag == wcag_text_colour(a0.hex)
    assert summary.labels == 4 and summary.students == 3
    # Every label against WCAG: #000000 white (agrees) and three on the anchor.
    agree = 1 + sum(v.text == wcag_text_colour(a0.hex) for v in votes[:3])
    assert summary.wcag_agreement == pytest.approx(agree / 4)
    assert summary.agreement.subjects == 1 and summary.agreement.kappa is None  # all white


def test_repeated_colours_are_the_anchors_two_students_answered_not_the_skipped_ones():
    seed = 4
    issued = {f"s{k}": colour_at(seed, f"s{k}", 3) for k in range(20)}  # each an anchor
    by_anchor: dict[int, list[str]] = {}
    for student, colour in issued.items():
        by_anchor.setdefault(colour.anchor, []).append(student)
    twice = next(a for a, who in by_anchor.items() if len(who) >= 2)
    s1, s2 = by_anchor[twice][:2]
    once = colour_at(seed, s1, 7)  # s1's next anchor: only s1 answers it
    # The pool keeps no row for a skip: an anchor students were shown and skipped has no
    # answers, as one never shown. s1 answers their first anchor twice (it comes back).
    votes = [
        Vote(s1, 3, issued[s1].hex, "black", twice),
        Vote(s2, 3, issued[s2].hex, "white", twice),
        Vote(s1, 35, issued[s1].hex, "white", twice),
        Vote(s1, 7, once.hex, "white", once.anchor),
    ]
    summary = summarise(votes, seed)
    assert [s.anchor for s in summary.repeated] == [twice]
    assert (summary.repeated[0].black, summary.repeated[0].white) == (0, 2)  # latest answers
    # Every other anchor was skipped, answered once, or never shown: none is listed.
    answered = {s.anchor: s.answers for s in summary.splits}
    assert answered[once.anchor] == 1 and sum(answered.values()) == 3
    assert [s.anchor for s in repeated_splits(summary.splits, at_least=1)] == sorted(
        {twice, once.anchor}
    )
    assert summarise([], seed).repeated == []


def test_repeated_splits_refuse_a_threshold_below_one():
    with pytest.raises(ValueError, match="at_least >= 1"):
        repeated_splits([], at_least=0)


def test_the_class_rate_makes_a_step_on_a_big_pool_the_lessons_step():
    # The same ten colours said by five students: the summed error's gradient is five times
    # larger, so the scaled rate must give exactly the lesson's step.
    from core.mlp import MLP
    from core.mlp.data import training_set

    X, y = training_set()
    X5, y5 = np.tile(X, (5, 1)), np.tile(y, (5, 1))
    lesson = MLP(seed=0).step(X, y, 0.2).W_new
    pooled = MLP(seed=0).step(X5, y5, class_learning_rate(0.2, len(y5))).W_new
    for W, W5 in zip(lesson, pooled, strict=True):
        np.testing.assert_allclose(W5, W, atol=1e-12)
    assert class_learning_rate(0.2, 4) == 0.2  # fewer than ten colours: the lesson's rate


@pytest.mark.parametrize("rate, n", [(0.2, 0), (0.0, 10), (-1.0, 10)])
def test_class_rate_refuses_nonsense(rate, n):
    with pytest.raises(ValueError, match="n_colours"):
        class_learning_rate(rate, n)
