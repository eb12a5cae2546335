"""The projector's charts of a class session: the colours, the answers and the splits drawn."""

import numpy as np
import plotly.graph_objects as go
import pytest

from core.colour.class_plots import (
    MAX_POINTS,
    anchor_split_figure,
    class_cube,
    class_luminance,
    fast_figure,
    whole_tick_step,
)
from core.colour.classroom import Vote, colour_at, summarise
from core.colour.contrast import relative_luminance


def hall(seed: int = 3, students: int = 4, each: int = 8) -> list[Vote]:
    votes = []
    for k in range(students):
        student = f"student-{k}"
        for i in range(each):
            issued = colour_at(seed, student, i)
            votes.append(
                Vote(student, i, issued.hex, ("black", "white")[(k + i) % 2], issued.anchor)
            )
    return votes


def test_the_cube_draws_every_colour_in_its_own_colour_by_the_class_answer():
    summary = summarise(hall(), 3)
    figure = class_cube(summary)
    drawn = sum(len(trace.x) for trace in figure.data)
    assert drawn == len(summary.colours)
    white = next(t for t in figure.data if t.name.startswith("white"))
    assert all(c.startswith("rgb(") for c in white.marker.color)
    assert white.name == f"white reads better ({int((summary.white_share > 0.5).sum())})"


def test_the_luminance_picture_puts_each_colour_at_its_wcag_luminance():
    votes = [Vote("s1", 0, "#000000", "white"), Vote("s2", 0, "#ffffff", "black")]
    trace = class_luminance(summarise(votes, 3)).data[0]
    assert list(np.round(trace.x, 6)) == [relative_luminance("#000000"), 1.0]


def test_only_the_newest_colours_are_drawn():
    votes = [Vote(f"s{i}", 0, f"#{i:06x}", "white") for i in range(MAX_POINTS + 50)]
    trace = class_luminance(summarise(votes, 3)).data[0]
    assert len(trace.x) == MAX_POINTS
    assert trace.text[-1].startswith(f"#{MAX_POINTS + 49:06x}")


def test_the_split_bars_count_each_students_latest_answer():
    summary = summarise(hall(students=5, each=4), 3)  # index 3 is an anchor for everyone
    figure = anchor_split_figure(summary.splits)
    black, white = (np.asarray(t.x) for t in figure.data)
    assert black.sum() + white.sum() == 5
    assert [s.black for s in summary.splits] == list(black)


@pytest.mark.parametrize(
    "top, step",
    [(0, 1), (1, 1), (3, 1), (8, 1), (9, 2), (16, 2), (17, 5), (40, 5), (41, 10), (200, 50)],
)
def test_the_split_axis_ticks_whole_students(top, step):
    assert whole_tick_step(top) == step
    ticks = np.arange(0, top + 1, step)
    assert len(ticks) <= 9  # 0 and at most 8 steps


def test_the_split_chart_counts_whole_students_on_its_axis():
    votes = [v for v in hall(students=3, each=4) if v.anchor is not None]  # 3 answers, 1 colour
    summary = summarise(votes, 3)
    figure = anchor_split_figure(summary.repeated)
    axis = figure.layout.xaxis
    assert (axis.tick0, axis.dtick, axis.tickformat) == (0, 1, "d")
    assert [y.strip() for y in figure.data[0].y] == [s.colour for s in summary.repeated]
    assert len(summary.repeated) < len(summary.splits)  # the 8 anchors, not all answered


def test_fast_figure_skips_plotlys_checks_and_keeps_the_values():
    # An invalid colour raises in a checked figure; the fast one passes it through untouched.
    trace = {"type": "scatter", "x": [1, 2], "y": [3, 4], "marker": {"color": ["no-colour", "red"]}}
    try:
        go.Figure(data=[trace])
        checked = True
    except ValueError:
        checked = False
    assert not checked
    assert fast_figure([trace]).to_dict()["data"][0]["marker"]["color"] == ["no-colour", "red"]
