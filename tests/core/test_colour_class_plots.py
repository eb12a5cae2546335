"""The projector's charts of a class session: the colours, the answers and the splits drawn."""

import numpy as np
import plotly.graph_objects as go

from core.colour.class_plots import (
    MAX_POINTS,
    anchor_split_figure,
    class_cube,
    class_luminance,
    fast_figure,
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
