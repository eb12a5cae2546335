"""Colour-blind eyes: ColorAide's simulation against Machado et al. (2009), applied by hand."""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.colour.contrast import relative_luminances
from core.colour.palette import CSV_COLUMNS, VISION_COLUMN, Comparison, palette, palette_csv
from core.colour.vision import (
    AA,
    DEFICIENCIES,
    drop_notes,
    ratio_text,
    simulate,
    vision_check,
)

# Machado, Oliveira and Fernandes, "A Physiologically-based Model for Simulation of Color Vision
# Deficiency", IEEE TVCG 15(6), 2009: the published matrices for severity 1.0 (dichromacy),
# applied to linear RGB.
MACHADO_2009 = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}


def by_hand(rgb, deficiency):
    """sRGB decode (IEC 61966-2-1), the matrix, clip to [0, 1], encode, round to 8 bits."""
    linear = [
        v / 255 / 12.92 if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in rgb
    ]
    seen = np.clip(np.array(MACHADO_2009[deficiency]) @ linear, 0.0, 1.0)
    encoded = [12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055 for c in seen]
    return tuple(int(math.floor(255 * c + 0.5)) for c in encoded)


def wcag_ratio(first, second):
    """WCAG 2.x contrast ratio, written out (the sRGB threshold WCAG gives, 0.03928)."""

    def luminance(rgb):
        c = [
            v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4
            for v in rgb
        ]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


channels = st.integers(0, 255)


@settings(max_examples=200, deadline=None)
@given(st.tuples(channels, channels, channels), st.sampled_from(sorted(MACHADO_2009)))
def test_simulation_is_machado_2009_at_severity_1(rgb, deficiency):
    seen = tuple(int(v) for v in simulate(np.array([rgb]), deficiency)[0])
    # ColorAide and the hand version differ only in float round-off: at most one step of 255.
    assert all(abs(a - b) <= 1 for a, b in zip(seen, by_hand(rgb, deficiency), strict=True))


@pytest.mark.parametrize(
    "rgb, deficiency, expected",
    [
        ((255, 0, 0), "protanopia", by_hand((255, 0, 0), "protanopia")),
        ((0, 255, 0), "deuteranopia", by_hand((0, 255, 0), "deuteranopia")),
        ((0, 0, 255), "tritanopia", by_hand((0, 0, 255), "tritanopia")),
        ((0, 0, 0), "protanopia", (0, 0, 0)),
        ((255, 255, 255), "tritanopia", (255, 255, 255)),  # each matrix row sums to 1
    ],
)
def test_known_colours(rgb, deficiency, expected):
    assert tuple(simulate(np.array([rgb]), deficiency)[0]) == expected


def test_red_loses_its_black_text_for_protanopia():
    # Red reads with black text at 5.25 : 1; a protanope sees a much darker colour.
    check = vision_check(np.array([[255, 0, 0]]))
    p = list(DEFICIENCIES).index("protanopia")
    assert check.typical[0, 0] == pytest.approx(wcag_ratio((255, 0, 0), (0, 0, 0)))
    assert check.ratios[p, 0, 0] == pytest.approx(
        wcag_ratio(by_hand((255, 0, 0), "protanopia"), (0, 0, 0)), abs=0.02
    )
    assert check.typical[0, 0] >= AA > check.ratios[p, 0, 0]
    assert check.drops(np.array([False]))[:, 0].tolist() == [True, False, False]
    assert drop_notes(check, np.array([False]), np.array([False])) == [
        f"protanopia: black {ratio_text(check.ratios[p, 0, 0])} (network and WCAG)"
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(channels, channels, channels), min_size=1, max_size=6))
def test_ratios_are_wcag_ratios_of_what_each_eye_sees(colours):
    check = vision_check(np.array(colours))
    for d in range(len(DEFICIENCIES)):
        for i, rgb in enumerate(colours):
            seen = tuple(int(v) for v in check.seen[d, i])
            assert check.ratios[d, i, 0] == pytest.approx(wcag_ratio(seen, (0, 0, 0)))
            assert check.ratios[d, i, 1] == pytest.approx(wcag_ratio(seen, (255, 255, 255)))
            assert check.typical[i, 1] == pytest.approx(wcag_ratio(rgb, (255, 255, 255)))
    # A drop needs AA for typical vision and less than AA as seen.
    white = check.typical[:, 1] > check.typical[:, 0]
    drops = check.drops(white)
    rows = np.arange(len(colours))
    expected = (check.typical[rows, white.astype(int)] >= AA) & (
        check.ratios[:, rows, white.astype(int)] < AA
    )
    np.testing.assert_array_equal(drops, expected)


def test_a_pick_below_aa_already_is_no_drop():
    # Mid grey: white text is below AA for typical vision (4.48), so it cannot "stop" reading
    # well; WCAG's pick, black, always has at least 4.58 (the two ratios meet at L = 0.179).
    check = vision_check(np.array([[119, 119, 119]]))
    assert check.typical[0, 1] < AA <= check.typical[0, 0]
    assert (check.ratios[:, 0, 1] < AA).all() and not check.drops(np.array([True])).any()


@pytest.mark.parametrize(
    "ratio, shown",
    [
        (4.497, "4.49"),
        (4.4999, "4.49"),
        (4.5, "4.50"),
        (4.504, "4.50"),
        (3.291, "3.29"),
        (7.0, "7.00"),
    ],
)
def test_ratio_text_never_rounds_a_failure_up_to_aa(ratio, shown):
    assert ratio_text(ratio) == shown


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: simulate(np.array([[1, 2, 3]]), "protan"), "deficiency must be one of"),
        (lambda: simulate(np.array([1, 2, 3]), "protanopia"), "shape (n, 3)"),
        (lambda: simulate(np.array([[1.5, 2, 3]]), "protanopia"), "integers in 0..255"),
        (lambda: simulate(np.array([[1, 2, 256]]), "protanopia"), "integers in 0..255"),
        (lambda: vision_check(np.array([[1, 2, 3]])).drops(np.array([True, False])), "one pick"),
    ],
)
def test_bad_inputs_are_named(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_no_colours_is_an_empty_check():
    check = vision_check(np.zeros((0, 3), dtype=int))
    assert check.seen.shape == (3, 0, 3) and check.ratios.shape == (3, 0, 2)


def test_palette_csv_gets_the_optional_column():
    swatches = palette(0)
    colours = np.array([s.rgb for s in swatches])
    comparison = Comparison(colours, np.full(len(colours), 0.9), relative_luminances(colours))
    notes = drop_notes(vision_check(colours), comparison.network_white, comparison.wcag_white)
    plain = palette_csv(swatches, comparison).splitlines()
    with_vision = palette_csv(swatches, comparison, notes).splitlines()
    assert plain[0] == ",".join(CSV_COLUMNS)
    assert with_vision[0] == ",".join(CSV_COLUMNS) + "," + VISION_COLUMN
    assert all(row.startswith(p) for row, p in zip(with_vision[1:], plain[1:], strict=True))
    assert any(n for n in notes) and len(with_vision) == len(plain)
    with pytest.raises(ValueError, match="one vision note per swatch"):
        palette_csv(swatches, comparison, notes[:-1])
