"""CSS Color 4 colours as designers write them, read as a browser draws them (issue 19).

References, independent of ColorAide: the CSS Color 4 spec's conversion formulas (hsl, hwb, Lab,
its D50 to D65 Bradford and XYZ to sRGB matrices) and Björn Ottosson's published OkLab matrices,
written out below; the spec's gamut-mapping pseudocode written out on top of them; Pillow for
the forms the old parser read through it.
"""

import math
import re

import numpy as np
import pytest
from coloraide import Color
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import ImageColor

from core.colour.data import MESSAGE_LIMIT, read_colour, to_hex
from core.colour.labels import Label, read_labels_file
from core.colour.link import read_background

# --- The references, written out -----------------------------------------------------------


def encode(c):
    """sRGB transfer function (CSS Color 4, gam_sRGB)."""
    sign = -1 if c < 0 else 1
    c = abs(c)
    return sign * (1.055 * c ** (1 / 2.4) - 0.055) if c > 0.0031308 else sign * 12.92 * c


def decode(c):
    """The inverse (CSS Color 4, lin_sRGB)."""
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def hsl_to_rgb(hue, sat, light):
    """CSS Color 4, section 7.1 (hslToRgb): hue in degrees, saturation and lightness in [0, 1]."""
    hue %= 360

    def f(n):
        k = (n + hue / 30) % 12
        a = sat * min(light, 1 - light)
        return light - a * max(-1, min(k - 3, 9 - k, 1))

    return f(0), f(8), f(4)


def hwb_to_rgb(hue, white, black):
    """CSS Color 4, section 8.1 (hwbToRgb)."""
    if white + black >= 1:
        grey = white / (white + black)
        return grey, grey, grey
    return tuple(c * (1 - white - black) + white for c in hsl_to_rgb(hue, 1, 0.5))


D50 = (0.3457 / 0.3585, 1.0, (1.0 - 0.3457 - 0.3585) / 0.3585)
D50_TO_D65 = np.array(  # CSS Color 4 sample code, Bradford
    [
        [0.955473421488075, -0.02309845494876471, 0.06325924320057072],
        [-0.02836970933386358, 1.0099953980813041, 0.021041441191917323],
        [0.012314014864481998, -0.020507649298898964, 1.330365926242124],
    ]
)
XYZ_TO_LINEAR_SRGB = np.array(  # CSS Color 4 sample code, as rationals
    [
        [12831 / 3959, -329 / 214, -1974 / 3959],
        [-851781 / 878810, 1648619 / 878810, 36519 / 878810],
        [705 / 12673, -2585 / 12673, 705 / 667],
    ]
)


def lab_to_linear_srgb(L, a, b):
    """CIE Lab (D50) to linear sRGB, CSS Color 4 section 9 and its sample code."""
    kappa, epsilon = 24389 / 27, 216 / 24389
    f1 = (L + 16) / 116
    f0, f2 = a / 500 + f1, f1 - b / 200
    xyz = [
        f0**3 if f0**3 > epsilon else (116 * f0 - 16) / kappa,
        f1**3 if kappa * epsilon < L else L / kappa,
        f2**3 if f2**3 > epsilon else (116 * f2 - 16) / kappa,
    ]
    return XYZ_TO_LINEAR_SRGB @ D50_TO_D65 @ (np.array(xyz) * D50)


P3_TO_XYZ = np.array(  # CSS Color 4 sample code, linear display-p3 to XYZ D65
    [
        [608311 / 1250200, 189793 / 714400, 198249 / 1000160],
        [35783 / 156275, 247089 / 357200, 198249 / 2500400],
        [0.0, 32229 / 714400, 5220557 / 5000800],
    ]
)


def p3_to_linear_srgb(r, g, b):
    """display-p3 uses sRGB's transfer function and its own primaries (CSS Color 4, 10.4)."""
    return XYZ_TO_LINEAR_SRGB @ P3_TO_XYZ @ np.array([decode(r), decode(g), decode(b)])


def lch_to_lab(L, C, h):
    return L, C * math.cos(math.radians(h)), C * math.sin(math.radians(h))


def oklab_to_linear_srgb(L, a, b):
    """Björn Ottosson, "A perceptual color space for image processing" (2020)."""
    l_ = L + 0.3963377774 * a + 0.2158037573 * b
    m_ = L - 0.1055613458 * a - 0.0638541728 * b
    s_ = L - 0.0894841775 * a - 1.2914855480 * b
    l, m, s = l_**3, m_**3, s_**3
    return np.array(
        [
            4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
            -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
            -0.0041960863 * l - 0.7034186147 * m + 1.7076147010 * s,
        ]
    )


def linear_srgb_to_oklab(r, g, b):
    """The same paper, the other way."""
    l = np.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b)
    m = np.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b)
    s = np.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
    return np.array(
        [
            0.2104542553 * l + 0.7936177850 * m - 0.0040720468 * s,
            1.9779984951 * l - 2.4285922050 * m + 0.4505937099 * s,
            0.0259040371 * l + 0.7827717662 * m - 0.8086757660 * s,
        ]
    )


def oklch_to_linear_srgb(L, C, h):
    return oklab_to_linear_srgb(L, C * math.cos(math.radians(h)), C * math.sin(math.radians(h)))


def from_linear(rgb):
    return tuple(encode(c) for c in rgb)


def to_8bit(rgb):
    return tuple(int(math.floor(255 * min(max(c, 0.0), 1.0) + 0.5)) for c in rgb)


def css_gamut_map(L, C, h):
    """CSS Color 4, section 13.2 "CSS gamut mapping to an RGB destination", for an OkLCh colour
    and sRGB, step by step (binary search on chroma; JND 0.02 in deltaE OK; epsilon 0.0001).
    """
    if L >= 1:
        return 1.0, 1.0, 1.0
    if L <= 0:
        return 0.0, 0.0, 0.0

    def in_gamut(chroma):
        return all(0 <= c <= 1 for c in from_linear(oklch_to_linear_srgb(L, chroma, h)))

    def clip_and_delta(chroma):
        clipped = tuple(
            min(max(c, 0.0), 1.0) for c in from_linear(oklch_to_linear_srgb(L, chroma, h))
        )
        current = np.array(
            [L, chroma * math.cos(math.radians(h)), chroma * math.sin(math.radians(h))]
        )
        delta = np.linalg.norm(linear_srgb_to_oklab(*(decode(c) for c in clipped)) - current)
        return clipped, delta

    if in_gamut(C):
        return from_linear(oklch_to_linear_srgb(L, C, h))
    clipped, delta = clip_and_delta(C)
    if delta < 0.02:
        return clipped
    low, high, low_in_gamut = 0.0, C, True
    while high - low > 0.0001:
        chroma = (low + high) / 2
        if low_in_gamut and in_gamut(chroma):
            low = chroma
            continue
        clipped, delta = clip_and_delta(chroma)
        if delta < 0.02:
            if 0.02 - delta < 0.0001:
                return clipped
            low_in_gamut, low = False, chroma
        else:
            high = chroma
    return clipped


def near(rgb, expected, tolerance=1):
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected, strict=True))


def hex_rgb(hex_colour):
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


# --- The designer's strings from the issue ---------------------------------------------------

DESIGNER = [
    ("hsl(210deg 50% 40%)", "#336699", lambda: hsl_to_rgb(210, 0.5, 0.4)),
    ("hsl(0.5turn 60% 45%)", "#2eb8b8", lambda: hsl_to_rgb(0.5 * 360, 0.6, 0.45)),
    ("hwb(210 20% 30%)", "#3373b3", lambda: hwb_to_rgb(210, 0.2, 0.3)),
    ("oklch(0.6 0.12 250)", "#4284c5", lambda: from_linear(oklch_to_linear_srgb(0.6, 0.12, 250))),
    ("lab(50% 20 -40)", "#7c6dbc", lambda: from_linear(lab_to_linear_srgb(50, 20, -40))),
    (
        "lch(55% 40 260)",
        "#4689c8",
        lambda: from_linear(lab_to_linear_srgb(*lch_to_lab(55, 40, 260))),
    ),
    ("color(srgb 0.2 0.4 0.8)", "#3366cc", lambda: (0.2, 0.4, 0.8)),
]


@pytest.mark.parametrize("text, hex_colour, reference", DESIGNER)
def test_designer_strings_give_the_colour_the_css_formulas_give(text, hex_colour, reference):
    assert near(to_8bit(reference()), hex_rgb(hex_colour))  # the reference agrees with the table
    reading = read_colour(text)
    assert to_hex(reading.rgb) == hex_colour and reading.note is None


def test_the_exact_hsl_and_hwb_values():
    # Exact in the spec's formulas: 0.2, 0.4, 0.6 is #336699; hwb's 0.2 + 0.5 x (0, 0.5, 1).
    assert to_8bit(hsl_to_rgb(210, 0.5, 0.4)) == (51, 102, 153)
    assert to_8bit(hwb_to_rgb(210, 0.2, 0.3)) == (51, 115, 179)


@pytest.mark.parametrize(
    "text",
    [
        "transparent",
        "TRANSPARENT",
        "#3366cc80",
        "#36c8",
        "rgb(1 2 3 / 50%)",
        "hsl(210deg 50% 40% / 0.5)",
        "oklch(0.6 0.12 250 / 0.2)",
        "color(srgb 0.2 0.4 0.8 / 0)",
        "rgba(0, 0, 0, 0)",
        "rgb(1 2 3 / none)",
    ],
)
def test_transparency_keeps_its_own_message(text):
    with pytest.raises(ValueError, match=re.escape(f"{text!r} has transparency")):
        read_colour(text)


# --- Every form -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, rgb",
    [
        ("#36c", (0x33, 0x66, 0xCC)),
        ("#36cf", (0x33, 0x66, 0xCC)),  # 4 digits, opaque
        ("#3366ccff", (0x33, 0x66, 0xCC)),
        ("aabbcc", (0xAA, 0xBB, 0xCC)),  # the form the page's own links use
        ("ABC", (0xAA, 0xBB, 0xCC)),
        ("rebeccapurple", (102, 51, 153)),  # CSS Color 4's named colour
        ("rgb(51 102 204)", (51, 102, 204)),
        ("rgb(20% 40% 80%)", (51, 102, 204)),
        ("rgb(51 102 204 / 1)", (51, 102, 204)),
        ("rgba(51, 102, 204, 100%)", (51, 102, 204)),
        ("rgb(none 102 204)", (0, 102, 204)),  # 'none': a missing channel counts as 0
        ("hsl(none 0% 50%)", (128, 128, 128)),
        ("hsl(210, 50%, 40%)", (51, 102, 153)),
        ("hsl(3.6652rad 50% 40%)", (51, 102, 153)),  # 210 degrees in radians
        ("hsl(233.333grad 50% 40%)", (51, 102, 153)),
        ("hsl(0.58333turn 50% 40%)", (51, 102, 153)),
        ("hwb(none none none)", (255, 0, 0)),
        ("hwb(0 60% 60%)", (128, 128, 128)),  # whiteness + blackness > 100%: grey, w / (w + b)
        ("lab(100% 0 0)", (255, 255, 255)),
        ("lab(50 0 0)", (119, 119, 119)),  # CIE L* 50 grey, sRGB 119
        ("oklab(0.6 -0.03 -0.11)", to_8bit(from_linear(oklab_to_linear_srgb(0.6, -0.03, -0.11)))),
        ("color(srgb-linear 0.2140 0.2140 0.2140)", (128, 128, 128)),
        ("color(display-p3 0.2 0.4 0.8)", to_8bit(from_linear(p3_to_linear_srgb(0.2, 0.4, 0.8)))),
        ("color(xyz 0.2 0.2 0.2)", to_8bit(from_linear(XYZ_TO_LINEAR_SRGB @ [0.2, 0.2, 0.2]))),
        ("color(xyz-d65 0.2 0.2 0.2)", to_8bit(from_linear(XYZ_TO_LINEAR_SRGB @ [0.2, 0.2, 0.2]))),
    ],
)
def test_every_css_color_4_form(text, rgb):
    reading = read_colour(text)
    assert near(reading.rgb, rgb) and reading.note is None


@pytest.mark.parametrize(
    "text",
    [
        "rgb(50%, 2, 3)",
        "rgb(1, 2 3)",
        "rgb(1 2 3, 1)",
        "hsl(120, 100, 50)",
        "hsv(0, 100%, 100%)",
        "hsb(120, 50%, 50%)",
        "RGB( 1 , 2 , 3 )",
        "hsla(120, 100%, 25%, 1)",
        "lime",
        "#aBc",
    ],
)
def test_what_the_old_parser_read_still_reads(text):
    # The looser forms the old regular expressions took, and Pillow's hsv(): same colours.
    expected = {
        "rgb(50%, 2, 3)": (128, 2, 3),
        "rgb(1, 2 3)": (1, 2, 3),
        "rgb(1 2 3, 1)": (1, 2, 3),
        "hsl(120, 100, 50)": (0, 255, 0),
        "hsla(120, 100%, 25%, 1)": (0, 128, 0),
    }
    rgb = expected.get(text) or ImageColor.getrgb(text)
    assert read_colour(text).rgb == tuple(rgb)


@pytest.mark.parametrize(
    "text, message",
    [
        ("color(--hsv 0 1 1)", "color() takes a CSS space"),  # ColorAide's own, not CSS's
        ("color(display-p3-linear 1 0 0)", "color() takes a CSS space"),
        ("currentcolor", "is not a colour"),  # depends on the page, no colour by itself
        ("hsl(1e999 50% 50%)", "the hue must be a finite angle"),
        ("oklch(0.5 0.1 1e999)", "the hue must be a finite angle"),
        ("lab(50 1e999 0)", "its numbers must be finite"),
        ("color(srgb 1e999 0 0)", "its numbers must be finite"),
        ("rgb(1 2)", "is not a colour"),
        ("lab(50% 20)", "is not a colour"),
        ("oklch(0.6, 0.12, 250)", "is not a colour"),  # no comma syntax for the new functions
    ],
)
def test_what_is_not_a_colour_is_named(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_colour(text)


def test_long_input_is_cut_in_messages():
    text = "rgb(" + "1 " * 60 + ")"
    with pytest.raises(ValueError) as caught:
        read_colour(text)
    assert repr(text[:MESSAGE_LIMIT] + "…") in str(caught.value) and text not in str(caught.value)
    reading = read_colour("oklch(0.70000000000000000000000000000000 0.4 30)")
    assert reading.note.startswith("'oklch(0.70000000000000000000000000000000…' is outside sRGB")


# --- Clamping and gamut mapping -------------------------------------------------------------


@pytest.mark.parametrize(
    "text, rgb, clamped",
    [
        ("lab(150% 0 0)", (255, 255, 255), "lightness 150"),  # CSS clamps L to 0..100
        ("lch(50% -10 20)", (119, 119, 119), "chroma -10"),  # negative chroma is 0: grey
        ("oklch(1.5 0 20)", (255, 255, 255), "lightness 1.5"),
        ("oklab(-0.2 0 0)", (0, 0, 0), "lightness -0.2"),
        ("hwb(0 150% 0%)", (255, 255, 255), "whiteness 150%"),
        ("hsl(0 200% 50%)", (255, 0, 0), "saturation 200%"),
    ],
)
def test_what_css_clamps_is_clamped_and_said(text, rgb, clamped):
    reading = read_colour(text)
    assert reading.rgb == rgb and clamped in reading.clamped[0] and not reading.mapped
    assert reading.note == (
        f"{text!r}: {clamped} is out of range, so it was clamped as browsers do (CSS), "
        f"giving {to_hex(rgb)}"
    )


def test_clamped_then_mapped_says_both():
    reading = read_colour("lab(-10% 100 100)")
    assert reading.rgb == (0, 0, 0) and reading.clamped == ("lightness -10",) and reading.mapped
    assert reading.note == (
        "'lab(-10% 100 100)': lightness -10 is out of range, so it was clamped as browsers do "
        "(CSS), and the colour is outside sRGB, so it was gamut-mapped as CSS Color 4 does, "
        "giving #000000"
    )


@pytest.mark.parametrize(
    "L, C, h",
    [(0.7, 0.4, 30), (0.5, 0.205, 230), (0.9, 0.3, 140), (0.3, 0.3, 300), (0.97, 0.2, 90)],
)
def test_out_of_srgb_is_gamut_mapped_as_the_css_spec_says(L, C, h):
    text = f"oklch({L} {C} {h})"
    reading = read_colour(text)
    assert near(reading.rgb, to_8bit(css_gamut_map(L, C, h)))
    assert reading.mapped and not reading.clamped
    assert reading.note == (
        f"{text!r} is outside sRGB, so it was gamut-mapped as CSS Color 4 does, "
        f"giving {to_hex(reading.rgb)}"
    )
    # Not the same as clipping each channel, which shifts hue and lightness.
    clipped = to_8bit(from_linear(oklch_to_linear_srgb(L, C, h)))
    assert reading.rgb != clipped


def test_wide_gamut_red_is_mapped_not_clipped():
    reading = read_colour("color(display-p3 1 0 0)")
    assert reading.mapped and reading.rgb[0] == 255 and 0 < reading.rgb[1] < 40
    assert "gamut-mapped as CSS Color 4 does, giving #ff" in reading.note


@settings(max_examples=150, deadline=None)
@given(
    st.floats(0.05, 0.95),
    st.floats(0.0, 0.4),
    st.floats(0, 360, exclude_max=True),
)
def test_any_oklch_colour_lands_where_the_css_algorithm_puts_it(L, C, h):
    text = f"oklch({L:.4f} {C:.4f} {h:.3f})"
    reading = read_colour(text)
    # The published OkLab matrices and ColorAide's differ in the 7th digit: allow 2 of 255.
    assert near(
        reading.rgb,
        to_8bit(css_gamut_map(float(f"{L:.4f}"), float(f"{C:.4f}"), float(f"{h:.3f}"))),
        2,
    )


# --- Round trips through every form ColorAide writes -----------------------------------------

FORMS = {
    "hex": lambda c: c.to_string(hex=True),
    "short hex": lambda c: c.to_string(hex=True, compress=True),
    "hex with alpha": lambda c: c.to_string(hex=True, alpha=True),
    "short hex with alpha": lambda c: c.to_string(hex=True, compress=True, alpha=True),
    "bare hex": lambda c: c.to_string(hex=True)[1:],
    "name": lambda c: c.to_string(names=True),
    "rgb, commas": lambda c: c.to_string(comma=True),
    "rgba, commas": lambda c: c.to_string(comma=True, alpha=True),
    "rgb, spaces": lambda c: c.to_string(),
    "rgb, percentages": lambda c: c.to_string(percent=True),
    "rgb / alpha": lambda c: c.to_string(alpha=True),
    "hsl, commas": lambda c: c.convert("hsl").to_string(comma=True),
    "hsl, spaces": lambda c: c.convert("hsl").to_string(percent=True),
    "hsl, numbers and none": lambda c: c.convert("hsl").normalize().to_string(none=True),
    "hwb": lambda c: c.convert("hwb").to_string(),
    "lab": lambda c: c.convert("lab").to_string(),
    "lch": lambda c: c.convert("lch").to_string(percent=True),
    "oklab": lambda c: c.convert("oklab").to_string(),
    "oklch": lambda c: c.convert("oklch").normalize().to_string(none=True),
    "color(srgb)": lambda c: c.to_string(color=True),
    **{
        f"color({space})": lambda c, space=space: c.convert(space).to_string(precision=7)
        for space in ("srgb-linear", "display-p3", "a98-rgb", "prophoto-rgb", "rec2020")
        + ("xyz-d50", "xyz-d65")
    },
}
channels = st.integers(0, 255)


@settings(max_examples=300, deadline=None)
@given(st.tuples(channels, channels, channels), st.sampled_from(sorted(FORMS)))
@example((0, 0, 106), "lch")  # its lch() is rounded just outside sRGB: no note for a rounding
def test_random_colours_round_trip_through_every_form(rgb, form):
    written = FORMS[form](Color("srgb", [v / 255 for v in rgb]))
    reading = read_colour(written)
    assert reading.rgb == rgb, written
    assert reading.note is None, written


@pytest.mark.parametrize("form", sorted(FORMS))
def test_each_form_round_trips(form):
    for rgb in [(0, 0, 0), (255, 255, 255), (51, 102, 204), (255, 0, 0), (1, 254, 128)]:
        written = FORMS[form](Color("srgb", [v / 255 for v in rgb]))
        assert read_colour(written).rgb == rgb, written


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 360, exclude_max=True), st.floats(0, 1), st.floats(0, 1))
def test_hsl_angle_units_are_the_same_angle(hue, sat, light):
    plain = read_colour(f"hsl({hue} {sat * 100}% {light * 100}%)").rgb
    assert near(plain, to_8bit(hsl_to_rgb(hue, sat, light)))
    for angle in (
        f"{hue}deg",
        f"{math.radians(hue)!r}rad",
        f"{hue / 0.9!r}grad",
        f"{hue / 360!r}turn",
    ):
        assert near(read_colour(f"hsl({angle} {sat * 100}% {light * 100}%)").rgb, plain)


# --- One parser for the box, the link and the CSV --------------------------------------------


@pytest.mark.parametrize("text, hex_colour, _", DESIGNER)
def test_the_link_and_csv_files_read_what_the_box_reads(text, hex_colour, _):
    assert read_background(text) == (hex_colour, None)
    found = read_labels_file(f'colour,text\n"{text}",white\n')
    labels, notes = found.labels, found.notes
    assert labels == [Label(hex_colour, "white")] and not notes


def test_the_link_and_csv_say_what_was_mapped():
    assert read_background("oklch(0.7 0.4 30)") == (
        "#ff5843",
        "is outside sRGB and is gamut-mapped as CSS does, to #ff5843",
    )
    notes = read_labels_file("colour,text\ncolor(display-p3 1 0 0),black\n").notes
    assert notes == [f"line 2: {read_colour('color(display-p3 1 0 0)').note}"]
    assert read_background("3366cc") == read_background("#3366cc")  # the page's own links


def test_unquoted_commas_in_a_csv_cell_still_join_back():
    labels = read_labels_file("colour,text\nhsl(210deg, 50%, 40%),white\nrgb(0,0,0),black\n").labels
    assert labels == [Label("#336699", "white"), Label("#000000", "black")]


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.from_regex(
            r"\s*(lab|lch|oklab|oklch|hwb|hsl|rgb|color)\([-+.\d%e a-z/,]{0,24}\)\s*",
            fullmatch=True,
        ),
        st.from_regex(
            r"color\((srgb|display-p3|rec2020|xyz|prophoto-rgb) [-+.\de ]{0,20}\)", fullmatch=True
        ),
        st.from_regex(r"[0-9a-fA-F]{1,9}", fullmatch=True),
    )
)
def test_any_css_like_text_is_a_colour_or_a_clear_message(text):
    try:
        reading = read_colour(text)
    except ValueError as error:
        assert str(error) and len(str(error)) < 200  # short, whatever was typed
        return
    assert all(isinstance(v, int) and 0 <= v <= 255 for v in reading.rgb)
    assert reading.note is None or to_hex(reading.rgb) in reading.note
