"""The document's colours and colour parsing."""

import numpy as np
import pytest

from core.colour.data import parse_colour, random_colours, to_hex
from core.mlp.data import held_out_set, normalise, training_set

# The inputs as the document prints them (8 decimals).
DOCUMENT_INPUT = [
    [0, 1, 0],
    [0, 1, 1],
    [1, 0, 0],
    [0.95294118, 0.99607843, 0.99607843],
    [0.93333333, 0.93333333, 0.93333333],
    [0.90588235, 0.65098039, 0.80392157],
    [0, 0, 0],
    [0.87058824, 0.87058824, 0.80392157],
    [0.26666667, 0.26666667, 0.93333333],
    [0.92941176, 0.88627451, 0.0745098],
]


def test_training_set_is_the_documents():
    X, y = training_set()
    np.testing.assert_allclose(X, DOCUMENT_INPUT, atol=5e-9)
    assert y.ravel().tolist() == [1, 1, 0, 0, 0, 0, 1, 0, 1, 0]
    assert y.shape == (10, 1)


def test_held_out_colours_are_new_and_labelled():
    names, X, y = held_out_set()
    X_train, _ = training_set()
    assert len(names) == len(X) == len(y) >= 8
    assert not any(np.allclose(x, t) for x in X for t in X_train)
    assert set(y.ravel()) == {0.0, 1.0}


@pytest.mark.parametrize(
    "text, rgb",
    [
        ("#abc", (0xAA, 0xBB, 0xCC)),
        ("#AABBCC", (0xAA, 0xBB, 0xCC)),
        ("  #3366cc ", (0x33, 0x66, 0xCC)),
        ("rgb(1, 2, 3)", (1, 2, 3)),
        ("rgb(100%, 0%, 0%)", (255, 0, 0)),
        ("navy", (0, 0, 128)),
        ("RebeccaPurple", (102, 51, 153)),
        ("hsl(0, 100%, 50%)", (255, 0, 0)),
        ((12, 34, 56), (12, 34, 56)),
        (np.array([1, 2, 3]), (1, 2, 3)),
    ],
)
def test_parse_colour_accepts_what_people_type(text, rgb):
    assert parse_colour(text) == rgb


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "no colour"),
        ("   ", "no colour"),
        ("#12", "not a colour"),
        ("#ggg", "not a colour"),
        ("bluish", "'bluish' is not a colour"),
        ("rgb(1, 2)", "not a colour"),
        ("#aabbccdd", "transparency"),
        ((1, 2), "not a colour"),
        ((1, 2, 256), "not a colour"),
        ((1.5, 2, 3), "not a colour"),
        (42, "not a colour"),
    ],
)
def test_parse_colour_names_what_it_cannot_read(value, message):
    with pytest.raises(ValueError, match=message):
        parse_colour(value)


def test_hex_and_normalise_and_random_colours():
    assert to_hex((255, 0, 16)) == "#ff0010"
    np.testing.assert_allclose(normalise([(255, 0, 51)]), [[1.0, 0.0, 0.2]])
    with pytest.raises(ValueError, match="0..255"):
        normalise([(0, 0, 300)])
    colours = random_colours(1000, seed=3)
    assert colours.shape == (1000, 3) and colours.min() >= 0 and colours.max() <= 255
    np.testing.assert_array_equal(colours, random_colours(1000, seed=3))
