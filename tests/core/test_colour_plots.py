"""The page's figures: the right points in the right traces, labelled axes."""

import re

import numpy as np
import pytest

from core.colour.palette import WCAG_WHITE_BELOW, compare
from core.colour.plots import disagreement_cube, label_shift_figure, luminance_figure

COLOURS = np.array([[0, 0, 0], [255, 255, 255], [51, 102, 204], [118, 118, 118]])
# Network: white, black, white, white; WCAG: white, black, white, black -> the grey disagrees.
COMPARISON = compare(lambda X: np.array([[0.9], [0.1], [0.7], [0.6]]), COLOURS)


def test_cube_puts_each_colour_at_its_rgb_place():
    fig = disagreement_cube(COMPARISON)
    agree, disagree = fig.data
    assert agree.name == "agree (3)" and disagree.name == "disagree (1)"
    assert list(disagree.x) == [118] and list(disagree.y) == [118] and list(disagree.z) == [118]
    assert list(agree.marker.color) == ["rgb(0,0,0)", "rgb(255,255,255)", "rgb(51,102,204)"]
    assert fig.layout.scene.xaxis.title.text == "red"
    assert "75.0% agree" in fig.layout.title.text


def test_luminance_figure_draws_both_thresholds():
    fig = luminance_figure(COMPARISON)
    assert [trace.name for trace in fig.data] == ["agree (3)", "disagree (1)"]
    np.testing.assert_allclose(fig.data[1].y, [0.6])
    lines = {(shape.x0, shape.y0) for shape in fig.layout.shapes}
    assert (WCAG_WHITE_BELOW, 0) in lines and (0, 0.5) in lines
    assert "luminance" in fig.layout.xaxis.title.text
    assert "P(white" in fig.layout.yaxis.title.text


def test_label_shift_has_one_arrow_per_label():
    fig = label_shift_figure(["#112233", "#ffeedd"], [1, 0], np.array([0.3, 0.6]), [0.8, 0.2])
    assert len(fig.layout.annotations) == 2
    arrow = fig.layout.annotations[0]
    assert (arrow.ax, arrow.x) == (0.3, 0.8)
    before, after, label = fig.data
    assert list(label.x) == [1.0, 0.0]
    assert list(after.marker.color) == ["rgb(17,34,51)", "rgb(255,238,221)"]


def test_label_shift_checks_lengths():
    with pytest.raises(ValueError, match=re.escape("expected 2 targets and probabilities")):
        label_shift_figure(["#112233", "#ffeedd"], [1], np.array([0.3, 0.6]), [0.8, 0.2])
