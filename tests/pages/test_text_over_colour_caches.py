"""The colour topic's cached charts are keyed by their inputs' values: change any one input and
a new chart comes out; the same inputs give back the chart already built."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from core.colour.class_plots import anchor_split_figure, class_cube, class_luminance
from core.colour.classroom import Agreement, AnchorSplit, Vote, colour_at, summarise
from core.colour.plots import disagreement_cube, luminance_figure
from core.colour.vision import vision_check
from ui.colour.projector import class_figure
from ui.colour.views import agreement_charts
from ui.colour.vision import checked


def comparison():
    from core.colour.palette import compare

    colours = np.array([[0, 0, 0], [255, 255, 255], [0, 0, 255], [255, 255, 0]])
    return compare(lambda X: X[:, :1] * 0 + 0.75, colours)  # P(white) = 0.75 everywhere


def shown(figure) -> str:
    return figure.to_json()


AGREEMENT_INPUTS = {
    "colours": lambda c: dataclasses.replace(c, colours=c.colours[::-1].copy()),
    "probability": lambda c: dataclasses.replace(c, probability=1 - c.probability),
    "luminance": lambda c: dataclasses.replace(c, luminance=c.luminance * 0.5),
}


@pytest.mark.parametrize("field", AGREEMENT_INPUTS)
def test_each_input_of_the_agreement_charts_gives_new_charts(field):
    agreement_charts.clear()
    before = comparison()
    flat, cube = agreement_charts(before)
    assert agreement_charts(comparison()) == (flat, cube), "the same comparison drew again"
    after = AGREEMENT_INPUTS[field](before)
    new_flat, new_cube = agreement_charts(after)
    assert new_flat is not flat and new_cube is not cube
    assert shown(new_flat) == shown(luminance_figure(after))  # the chart of the new input
    assert shown(new_cube) == shown(disagreement_cube(after))
    assert (shown(new_flat), shown(new_cube)) != (shown(flat), shown(cube))


def class_summary():
    seed, votes = 11, []
    for student in ("studentAAAA", "studentBBBB", "studentCCCC"):
        for index in range(8):
            issued = colour_at(seed, student, index)
            text = "white" if (index + len(student)) % 2 else "black"
            votes.append(Vote(student, index, issued.hex, text, issued.anchor))
    return summarise(votes, seed)


def split_of(summary):
    split = summary.splits[0] if summary.splits else AnchorSplit(0, "#123456", 1, 1, "white")
    return [dataclasses.replace(split, black=split.black + 3), *summary.splits[1:]]


SUMMARY_INPUTS = {
    "labels": lambda s: dataclasses.replace(s, labels=s.labels + 1),
    "students": lambda s: dataclasses.replace(s, students=s.students + 1),
    "colours": lambda s: dataclasses.replace(s, colours=255 - s.colours),
    "white_share": lambda s: dataclasses.replace(s, white_share=1 - s.white_share),
    "votes_per_colour": lambda s: dataclasses.replace(s, votes_per_colour=s.votes_per_colour + 2),
    "splits": lambda s: dataclasses.replace(s, splits=split_of(s)),
    "agreement": lambda s: dataclasses.replace(s, agreement=Agreement(0.5, 0.7, 0.4, 3, 9)),
    "wcag_agreement": lambda s: dataclasses.replace(s, wcag_agreement=0.123),
}
DRAWN = {
    "luminance": (class_luminance, {"colours", "white_share", "votes_per_colour"}),
    "cube": (class_cube, {"colours", "white_share", "votes_per_colour"}),
    "splits": (lambda s: anchor_split_figure(s.repeated), {"splits"}),
}


@pytest.mark.parametrize("name", DRAWN)
@pytest.mark.parametrize("field", SUMMARY_INPUTS)
def test_each_input_of_the_projectors_charts_gives_a_new_chart(name, field):
    class_figure.clear()
    before = class_summary()
    figure = class_figure(name, before)
    assert class_figure(name, class_summary()) is figure, "the same summary drew again"
    after = SUMMARY_INPUTS[field](before)
    new = class_figure(name, after)
    assert new is not figure
    draw, fields = DRAWN[name]
    assert shown(new) == shown(draw(after))
    if field in fields:  # the chart shows this input: the picture itself changed
        assert shown(new) != shown(figure)


def test_the_chart_name_is_part_of_the_key():
    class_figure.clear()
    summary = class_summary()
    assert shown(class_figure("cube", summary)) != shown(class_figure("luminance", summary))


def test_the_colour_blind_check_is_keyed_by_its_colours():
    checked.clear()
    first = checked(((0, 0, 0), (255, 255, 255)))
    other = checked(((0, 0, 0), (255, 0, 0)))
    assert not np.allclose(other.ratios, first.ratios)
    reference = vision_check(np.array([[0, 0, 0], [255, 0, 0]]))
    assert np.allclose(other.ratios, reference.ratios)


def test_the_pools_summary_follows_each_new_vote_and_a_reset(tmp_path):
    import sqlalchemy as sa

    from core.colour.pool import ClassPool
    from core.colour.pool_schema import new_student_id
    from ui.colour.class_pool import PoolMirror

    pool = ClassPool(sa.create_engine(f"sqlite:///{tmp_path / 'classroom.sqlite'}"))
    session = pool.create_session()
    seed, mirror = pool.seed(session.code), PoolMirror()
    student = new_student_id()
    pool.join(session.code, student)
    seen = []
    for index, text in enumerate(["white", "black", "white"]):
        colour = colour_at(seed, student, index).hex
        assert pool.vote(session.code, student, index, colour, text).status == "counted"
        summary = mirror.summary(pool, session.code, pool.pulse(session.code), seed)
        expected = summarise([vote for _, vote in pool.votes(session.code)], seed)
        assert summary.labels == expected.labels == index + 1
        assert np.array_equal(summary.colours, expected.colours)
        assert np.array_equal(summary.white_share, expected.white_share)
        seen.append(summary)
    again = mirror.summary(pool, session.code, pool.pulse(session.code), seed)
    assert again is seen[-1], "the same pool was summarised again"
    pool.reset(session.code, session.key)
    assert mirror.summary(pool, session.code, pool.pulse(session.code), seed).labels == 0
