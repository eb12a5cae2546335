"""What "Text over a colour" draws for one colour and for a palette: text boxes, ratios, charts."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go
import streamlit as st

from core.colour.contrast import relative_luminance, text_ratios, wcag_level, wcag_text_colour
from core.colour.data import parse_colour
from core.colour.link import DEFAULT_RANDOM, MAX_SEED
from core.colour.palette import (
    AGREEMENT_SAMPLE,
    MAX_RANDOM,
    Comparison,
    agreement_colours,
    compare,
    network_text,
    palette,
    palette_csv,
    palette_groups,
    text_name,
)
from core.colour.plots import disagreement_cube, luminance_figure
from core.colour.preview import preview_file_name, preview_png
from core.mlp import MLP
from ui.cache import BY_VALUE
from ui.colour.state import N_RANDOM, PALETTE_SEED
from ui.colour.vision import lost_count, palette_vision, vision_row_ui, vision_toggle_ui

PICK_OUTLINE = "#1f5fbf"
DISAGREE = "#d62728"
PARAGRAPH = "A paragraph of body text at the page's normal size, the size most slides are set in."
LARGE = "Large text: 24 px, where WCAG asks for less contrast."
GROUP_HEADINGS = {
    "training": "The document's 10 training colours",
    "held out": "Held-out colours the network never saw",
}
# Plotly's own toolbar offers each chart as a PNG named after it.
CHART_CONFIG = {"responsive": True, "toImageButtonOptions": {"format": "png", "scale": 2}}


def text_colour_hex(text: str) -> str:
    return "#000000" if text == "black" else "#ffffff"


def text_box(background: str, text: str, paragraphs: list[tuple[int, str]], picked: bool) -> str:
    """HTML: a heading and paragraphs (font size in px, words) in ``text`` colour over the colour.

    The network's pick gets an outline in the theme colour, which shows on any background.
    """
    outline = f"outline:6px solid {PICK_OUTLINE};outline-offset:4px;" if picked else ""
    body = "".join(
        f'<p style="font-size:{size}px;margin:0.6rem 0 0 0;line-height:1.4">{words}</p>'
        for size, words in paragraphs
    )
    return (
        f'<div style="background:{background};color:{text_colour_hex(text)};'
        "padding:1.2rem 1.5rem;border-radius:10px;border:1px solid #c8ccd2;"
        f'margin:10px 6px 14px 6px;{outline}">'
        f'<div style="font-size:2.2rem;font-weight:700;line-height:1.2">'
        f"{text.capitalize()} text</div>{body}</div>"
    )


def level_badge(label: str, level: str) -> None:
    colour = {"AAA": "green", "AA": "blue", "fail": "red"}[level]
    icon = ":material/close:" if level == "fail" else ":material/check:"
    st.badge(f"{label}: {level}", icon=icon, color=colour)


def text_column_ui(background: str, text: str, chance: float, picked: bool, ratio: float) -> None:
    """One text colour over the background: the pick, the sample, the ratio and its levels."""
    if picked:
        st.markdown(f"**:material/star: Network's pick**, P({text}) = {chance:.2f}")
    else:
        st.markdown(f"Not picked, P({text}) = {chance:.2f}")
    st.markdown(
        text_box(background, text, [(17, PARAGRAPH), (24, LARGE)], picked), unsafe_allow_html=True
    )
    st.subheader(f"Contrast {ratio:.2f} : 1", anchor=False)
    badges = st.columns(2, width=360)
    with badges[0]:
        level_badge("Normal text", wcag_level(ratio))
    with badges[1]:
        level_badge("Large text", wcag_level(ratio, large=True))


def preview_ui(background: str, probability: float) -> None:
    """Black and white text side by side over the colour, ratios, badges, and the verdict."""
    network_pick, wcag_pick = network_text(probability), wcag_text_colour(background)
    ratios = text_ratios(background)
    for column, text in zip(st.columns(2), ("black", "white"), strict=True):
        with column:
            chance = probability if text == "white" else 1 - probability
            text_column_ui(background, text, chance, text == network_pick, ratios[text])
    if network_pick == wcag_pick:
        st.success(
            f"The network **agrees** with WCAG: {wcag_pick} text ({ratios[wcag_pick]:.2f} : 1).",
            icon=":material/check_circle:",
        )
    else:
        st.warning(
            f"The network **disagrees** with WCAG: it picks {network_pick} text "
            f"({ratios[network_pick]:.2f} : 1), WCAG picks {wcag_pick} "
            f"({ratios[wcag_pick]:.2f} : 1).",
            icon=":material/warning:",
        )
    st.download_button(
        "Download this preview (PNG)",
        data=preview_png(background, network_pick, probability),
        file_name=preview_file_name(background),
        mime="image/png",
        icon=":material/download:",
        key="colour_preview_png",
    )
    vision_row_ui(background, network_pick, wcag_pick)


def formulas_ui(background: str) -> None:
    """The WCAG formulas with this colour's numbers in them."""
    r, g, b = parse_colour(background)
    L = relative_luminance(background)
    ratios = text_ratios(background)
    st.markdown("Each channel $c = v/255$ is linearised, then weighted by how bright it looks:")
    st.latex(
        r"c_{lin} = \begin{cases} c/12.92 & c \le 0.04045 \\ "
        r"\left(\frac{c + 0.055}{1.055}\right)^{2.4} & \text{otherwise}\end{cases}"
    )
    # One short equation per line: a phone's column is about 320 px wide.
    st.latex(
        r"\begin{aligned} L &= 0.2126\,R_{lin} + 0.7152\,G_{lin} \\ &\quad + 0.0722\,B_{lin}"
        r"\end{aligned}"
    )
    st.latex(rf"RGB\ ({r}, {g}, {b}):\ L = {L:.4f}")
    st.latex(r"\text{ratio} = \frac{L_{lighter} + 0.05}{L_{darker} + 0.05}")
    st.latex(rf"\text{{black}}:\ \frac{{{L:.4f} + 0.05}}{{0 + 0.05}} = {ratios['black']:.2f}")
    st.latex(rf"\text{{white}}:\ \frac{{1 + 0.05}}{{{L:.4f} + 0.05}} = {ratios['white']:.2f}")
    st.markdown(
        "Normal text needs **4.5 : 1** for AA and **7 : 1** for AAA; large text (24 px, "
        "or 18.66 px bold) needs **3 : 1** and **4.5 : 1**."
    )


def swatch_grid(
    comparison: Comparison, names: list[str], group: str, extras: list[str] | None = None
) -> str:
    """HTML grid of swatches with text in the network's colour; disagreements outlined in red.

    ``extras``, one HTML snippet per swatch, go at the bottom of each (the colour-blind check).
    """
    cells = []
    for i, hex_colour in enumerate(comparison.hex):
        disagree = not comparison.agree[i]
        border = f"4px dashed {DISAGREE}" if disagree else "1px solid #c8ccd2"
        flag = '<div style="font-weight:700">&#8800; WCAG</div>' if disagree else ""
        title = escape(f"{group}: {names[i]} {hex_colour}", quote=True)
        ink = text_colour_hex(text_name(comparison.network_white[i]))
        cells.append(
            f'<div title="{title}" style="background:{hex_colour};color:{ink};border:{border};'
            'border-radius:8px;padding:8px 10px;min-height:92px;font-size:16px;line-height:1.3">'
            f'<div style="font-size:22px;font-weight:700">Aa</div>'
            f"<div>{escape(names[i])}</div><div>P(white) {comparison.probability[i]:.2f}</div>"
            f"{flag}{extras[i] if extras else ''}</div>"
        )
    return (
        '<div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));'
        f'gap:10px;margin-bottom:1rem">{"".join(cells)}</div>'
    )


def palette_ui(network: MLP) -> None:
    """The document's colours, its held-out ones and random ones, each with the network's text."""
    controls = st.columns([2, 1, 3])
    n_random = controls[0].slider(
        "Random colours", 0, MAX_RANDOM, DEFAULT_RANDOM, key=N_RANDOM, bind="query-params"
    )
    seed = controls[1].number_input(
        "Seed", 0, MAX_SEED, 0, step=1, key=PALETTE_SEED, bind="query-params"
    )
    with controls[2]:
        vision = vision_toggle_ui()
    swatches = palette(int(n_random), int(seed))
    comparison = compare(network.forward, [s.rgb for s in swatches])
    for part in palette_groups(swatches, comparison):
        heading = GROUP_HEADINGS.get(part.group, f"{n_random} random colours (seed {seed})")
        n = len(part.names)
        strips, notes = palette_vision(part.comparison) if vision else (None, [])
        lost = f"; {lost_count(notes)}" if vision else ""
        st.markdown(f"**{heading}**: {part.disagreements} of {n} disagree with WCAG{lost}")
        grid = swatch_grid(part.comparison, part.names, part.group, strips)
        st.markdown(grid, unsafe_allow_html=True)
    st.download_button(
        "Download the palette (CSV)",
        palette_csv(swatches, comparison, palette_vision(comparison)[1] if vision else None),
        f"palette-seed-{seed}.csv",
        "text/csv",
        icon=":material/download:",
        key="colour_palette_csv",
    )


@st.cache_resource(show_spinner=False, max_entries=8, hash_funcs=BY_VALUE)
def agreement_charts(comparison: Comparison) -> tuple[go.Figure, go.Figure]:
    """The two agreement charts of one network, built once per network: Plotly checks each of
    their 2,000 marker colours, about 0.14 s, which a new colour or a new label need not pay.
    Keyed by the comparison's value (its colours, answers and luminances). Read-only once
    built (``st.plotly_chart`` copies a figure before it sends it)."""
    return luminance_figure(comparison), disagreement_cube(comparison)


def agreement_ui(network: MLP) -> Comparison:
    """The agreement rate over the fixed 1,000 random colours, as a number and as pictures."""
    comparison = compare(network.forward, agreement_colours())
    wrong = int((~comparison.agree).sum())
    st.metric(
        f"Agreement with WCAG over {AGREEMENT_SAMPLE:,} random colours",
        f"{comparison.agreement_rate:.1%}",
        help=f"{wrong} colours disagree",
    )
    luminance_chart, cube_chart = agreement_charts(comparison)
    flat, cube = st.tabs(["Luminance against the network's answer", "Where in the RGB cube"])
    with flat:
        st.plotly_chart(luminance_chart, key="colour_luminance_chart", config=CHART_CONFIG)
        st.caption(
            "Top left and bottom right: both pick the same. The other two corners are the "
            "disagreements, outlined in red. Hover a point for its colour."
        )
    with cube:
        st.plotly_chart(cube_chart, key="colour_cube_chart", config=CHART_CONFIG)
        st.caption("Drag to turn the cube. Faint dots agree; red-edged diamonds disagree.")
    return comparison
