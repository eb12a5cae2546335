"""Agreement between the network's pick and WCAG's, computed over known colours."""

import csv
import io
import re

import numpy as np
import pytest

from core.colour.contrast import wcag_text_colour
from core.colour.palette import (
    AGREEMENT_SAMPLE,
    WCAG_WHITE_BELOW,
    agreement_colours,
    compare,
    network_text,
    palette,
    palette_csv,
    palette_groups,
    text_name,
)
from core.mlp import DECISION_THRESHOLD
from core.mlp.data import HELD_OUT_COLOURS, TRAINING_COLOURS

# Black, white, a blue WCAG gives white text, a grey WCAG gives black text (L = 0.181).
COLOURS = np.array([[0, 0, 0], [255, 255, 255], [51, 102, 204], [118, 118, 118]])


def constant(probabilities):
    """A stand-in network that answers fixed probabilities, whatever the input."""
    return lambda X: np.asarray(probabilities, dtype=float).reshape(-1, 1)


def test_threshold_is_where_both_ratios_are_equal():
    L = WCAG_WHITE_BELOW
    over_white, over_black = 1.05 / (L + 0.05), (L + 0.05) / 0.05
    assert over_white == pytest.approx(over_black)
    assert round(L, 4) == 0.1791


def test_vectorised_wcag_pick_matches_contrast_ratios():
    colours = np.random.default_rng(7).integers(0, 256, size=(500, 3))
    comparison = compare(constant(np.zeros(500)), colours)
    expected = [wcag_text_colour(tuple(int(v) for v in c)) == "white" for c in colours]
    np.testing.assert_array_equal(comparison.wcag_white, expected)


def test_agreement_by_hand():
    # network: white, black, white, white -> WCAG: white, black, white, black
    comparison = compare(constant([0.9, 0.1, 0.7, 0.6]), COLOURS)
    np.testing.assert_array_equal(comparison.wcag_white, [True, False, True, False])
    np.testing.assert_array_equal(comparison.agree, [True, True, True, False])
    assert comparison.agreement_rate == 0.75
    assert comparison.hex == ["#000000", "#ffffff", "#3366cc", "#767676"]


def test_probability_one_half_picks_white():
    comparison = compare(constant([0.5, 0.5, 0.5, 0.5]), COLOURS)
    assert comparison.network_white.all()


def test_a_network_that_follows_wcag_agrees_everywhere_and_its_opposite_nowhere():
    colours = agreement_colours()

    def follows(X):
        return compare(constant(np.zeros(len(X))), np.rint(X * 255)).wcag_white[:, None] * 1.0

    assert compare(follows, colours).agreement_rate == 1.0
    assert compare(lambda X: 1.0 - follows(X), colours).agreement_rate == 0.0


def test_the_network_sees_colours_scaled_to_one():
    seen = []
    compare(lambda X: seen.append(X) or np.zeros((len(X), 1)), COLOURS)
    np.testing.assert_allclose(seen[0], COLOURS / 255.0)


def test_agreement_sample_is_fixed_and_in_range():
    first, second = agreement_colours(), agreement_colours()
    assert first.shape == (AGREEMENT_SAMPLE, 3)
    np.testing.assert_array_equal(first, second)
    assert first.min() >= 0 and first.max() <= 255


def test_palette_holds_the_documents_colours_then_random_ones():
    swatches = palette(5, seed=1)
    assert [s.group for s in swatches] == ["training"] * 10 + ["held out"] * 10 + ["random"] * 5
    assert [s.rgb for s in swatches[:10]] == list(TRAINING_COLOURS)
    assert [s.name for s in swatches[10:20]] == [name for name, _, _ in HELD_OUT_COLOURS]
    assert [s.rgb for s in palette(5, seed=1)] == [s.rgb for s in swatches]
    assert [s.rgb for s in palette(5, seed=2)][20:] != [s.rgb for s in swatches][20:]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: palette(-1), "got -1"),
        (lambda: palette(10_000), "got 10000"),
        (lambda: palette(2.5), "got 2.5"),
        (lambda: compare(constant([0.5]), np.zeros((0, 3))), "got (0, 3)"),
        (lambda: compare(constant([0.5]), np.zeros((2, 4))), "got (2, 4)"),
        (lambda: compare(constant([0.5, 0.5, 0.5]), COLOURS), "got shape (3,)"),
    ],
)
def test_bad_values_are_named(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_network_text_cuts_at_the_decision_threshold():
    assert network_text(DECISION_THRESHOLD) == "white"
    assert network_text(np.nextafter(DECISION_THRESHOLD, 0)) == "black"
    assert (text_name(True), text_name(False)) == ("white", "black")


def test_groups_split_the_palette_in_order_with_their_disagreements():
    swatches = palette(3, seed=1)
    # A network that answers white everywhere: it disagrees exactly where WCAG says black.
    comparison = compare(constant(np.ones(len(swatches))), [s.rgb for s in swatches])
    groups = palette_groups(swatches, comparison)
    assert [g.group for g in groups] == ["training", "held out", "random"]
    assert [len(g.names) for g in groups] == [10, len(HELD_OUT_COLOURS), 3]
    for group in groups:
        rgb = group.comparison.colours
        black = sum(wcag_text_colour(tuple(int(v) for v in c)) == "black" for c in rgb)
        assert group.disagreements == black
    assert groups[1].names == [name for name, _, _ in HELD_OUT_COLOURS]
    no_random = palette(0)
    comparison = compare(constant(np.ones(len(no_random))), [s.rgb for s in no_random])
    assert [g.group for g in palette_groups(no_random, comparison)] == ["training", "held out"]


def test_palette_csv_schema_and_rows():
    swatches = palette(1, seed=0)
    p = np.linspace(0, 1, len(swatches))
    comparison = compare(constant(p), [s.rgb for s in swatches])
    rows = list(csv.reader(io.StringIO(palette_csv(swatches, comparison))))
    assert rows[0] == ["group", "name", "colour", "P(white)", "network", "WCAG", "agree"]
    assert len(rows) == 1 + len(swatches)
    first = rows[1]  # pure green, P = 0: black text, as WCAG says (L = 0.7152)
    assert first == ["training", "#00ff00", "#00ff00", "0.0000", "black", "black", "True"]
    last = rows[-1]
    assert last[0] == "random" and last[3] == "1.0000" and last[4] == "white"
    with pytest.raises(ValueError, match="one comparison row per swatch"):
        palette_csv(swatches[:-1], comparison)
