"""The one chart look: the projector view's type scale and figures that rearrange by width."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from core.mlp import train
from core.mlp.data import training_set
from core.mlp.drawing import Slice
from core.mlp.replay import replay_figure
from core.mlp.replay_frames import replay_frames
from core.mlp.replay_layout import ARRANGED
from core.plot_style import (
    FONT_SIZE,
    NARROW_BELOW,
    PROJECTOR_TICK,
    PROJECTOR_TITLE,
    layout_at,
    projector_type,
    style,
    with_arrangements,
)


def test_the_projector_scale_reaches_its_floors_from_the_house_sizes():
    scale = projector_type()["scale"]
    assert projector_type() == {"scale": scale, "tick": PROJECTOR_TICK, "title": PROJECTOR_TITLE}
    assert (FONT_SIZE - 2) * scale >= 16 and (FONT_SIZE + 4) * scale >= 22  # ticks, titles


@pytest.mark.parametrize(
    "path, value",
    [
        ("margin.t", 60),
        ("xaxis.domain", [0, 0.5]),
        ("annotations[1].text", "b"),
        ("annotations[5].text", None),
        ("sliders[0].pad.t", None),
        ("legend.y", None),
    ],
)
def test_a_layout_value_is_read_by_its_relayout_path(path, value):
    fig = style(go.Figure(), "A title")
    fig.update_layout(xaxis={"domain": [0, 0.5]}, annotations=[{"text": "a"}, {"text": "b"}])
    assert layout_at(fig.layout.to_plotly_json(), path) == value


def test_arrangements_must_be_wide_and_narrow():
    with pytest.raises(ValueError, match="'wide' and 'narrow'"):
        with_arrangements(go.Figure(), {"wide": go.Figure()}, ["margin.t"])


def test_the_film_carries_both_arrangements_and_leaves_its_height_to_the_page():
    X, y = training_set()
    run = train(X, y, iterations=300, seed=1)
    plane = Slice()
    frames = replay_frames(run, X, y, plane, "log")
    wide = replay_figure(frames, run, X, y, plane, "log", stacked=False).layout
    narrow = replay_figure(frames, run, X, y, plane, "log", stacked=True).layout
    assert wide.height is None and narrow.height is None
    meta = wide.meta
    assert meta["narrow_below"] == NARROW_BELOW and set(meta["arrangements"]) == {"wide", "narrow"}
    for name, layout in (("wide", wide), ("narrow", narrow)):
        values = meta["arrangements"][name]
        assert set(values) == set(ARRANGED)
        assert values["yaxis.domain"] == list(layout.yaxis.domain)
        assert values["margin.t"] == layout.margin.t
        assert [a["text"] for a in values["annotations"]] == [a.text for a in layout.annotations]
    side, stacked = meta["arrangements"]["wide"], meta["arrangements"]["narrow"]
    assert side["xaxis2.domain"][0] > side["xaxis.domain"][1]  # the network right of the map
    assert stacked["yaxis2.domain"][1] < stacked["yaxis.domain"][0]  # the network under it
    assert stacked["updatemenus[0].y"] == stacked["yaxis.domain"][0]  # Play right under the map
