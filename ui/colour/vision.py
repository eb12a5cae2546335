"""Colour-blind eyes on "Text over a colour": the row under the preview, the palette's check."""

from __future__ import annotations

from html import escape

import numpy as np
import streamlit as st

from core.colour.data import parse_colour, to_hex
from core.colour.palette import Comparison
from core.colour.vision import (
    AA,
    CONES,
    DEFICIENCIES,
    TEXTS,
    VisionCheck,
    drop_notes,
    ratio_text,
    vision_check,
)
from ui.colour.state import KEEP

INK = {"black": "#000000", "white": "#ffffff"}
DROP_EDGE = "#d62728"  # the palette's red for "look here"


@st.cache_data(max_entries=64, show_spinner=False)
def checked(colours: tuple[tuple[int, int, int], ...]) -> VisionCheck:
    """``vision_check`` of the colours, cached by the colours themselves."""
    return vision_check(np.array(colours, dtype=np.int64).reshape(-1, 3))


def sight_box(seen: str, ratios: np.ndarray, picks: dict[str, str]) -> str:
    """HTML: black and white text over the colour as one eye sees it, each with its ratio."""
    lines = []
    for t, text in enumerate(TEXTS):
        star = " ★" if text in picks else ""
        mark = "" if ratios[t] >= AA else " · below AA"
        lines.append(
            f'<div style="color:{INK[text]};font-size:17px;line-height:1.5">'
            f"<b>{text.capitalize()} text{star}</b> {ratio_text(ratios[t])} : 1{mark}</div>"
        )
    return (
        f'<div title="seen as {seen}" style="background:{seen};padding:0.7rem 1rem;'
        f'border-radius:10px;border:1px solid #c8ccd2;margin:4px 0 10px 0">{"".join(lines)}</div>'
    )


def _who(picks: dict[str, str], text: str) -> str:
    names = [name for name, pick in picks.items() if pick == text]
    return " and ".join(names) + "'s pick" if len(names) == 1 else "both picks"


def drop_line(check: VisionCheck, picks: dict[str, str]) -> tuple[str, bool]:
    """One sentence per picked text: where it stops reading well; and whether one does."""
    sentences, dropped = [], False
    for text in dict.fromkeys(picks.values()):
        t, who = TEXTS.index(text), _who(picks, text)
        typical = check.typical[0, t]
        lost = [
            f"{name} ({ratio_text(check.ratios[d, 0, t])} : 1)"
            for d, name in enumerate(DEFICIENCIES)
            if check.ratios[d, 0, t] < AA
        ]
        if typical < AA:
            sentences.append(
                f"{text.capitalize()} text ({who}) is below AA even for typical colour vision "
                f"({ratio_text(typical)} : 1)."
            )
        elif lost:
            dropped = True
            sentences.append(
                f"{text.capitalize()} text ({who}) stops reading well for "
                f"{' and '.join(lost)}: below AA, from {ratio_text(typical)} : 1 for typical "
                "colour vision."
            )
        else:
            sentences.append(f"{text.capitalize()} text ({who}) keeps AA for all three.")
    return " ".join(sentences), dropped


def vision_row_ui(background: str, network_pick: str, wcag_pick: str) -> None:
    """The two texts as protanopia, deuteranopia and tritanopia see them, and one verdict line."""
    check = checked((parse_colour(background),))
    picks = {"the network": network_pick, "WCAG": wcag_pick}
    st.subheader("As colour-blind eyes see it", anchor=False)
    for column, (d, name) in zip(st.columns(3), enumerate(DEFICIENCIES), strict=True):
        with column:
            seen = to_hex(tuple(int(v) for v in check.seen[d, 0]))
            st.markdown(f"**{name.capitalize()}** ({CONES[name]}), seen as {seen}")
            box = sight_box(seen, check.ratios[d, 0], set(picks.values()))
            st.markdown(box, unsafe_allow_html=True)
    line, dropped = drop_line(check, picks)
    if dropped:
        st.warning(line, icon=":material/visibility:")
    else:
        st.caption(f"{line} ★ marks a pick. Simulated with ColorAide (Machado 2009, severity 1).")


def vision_toggle_ui() -> bool:
    """The palette's switch for its colour-blind check."""
    return st.toggle(
        "Colour-blind check",
        key="colour_palette_vision",
        help="Each swatch also shows how protanopia (P), deuteranopia (D) and tritanopia (T) "
        "see it, with the ratio of its text. ✕ and a red dashed edge: that eye loses AA "
        "(4.5 : 1), which typical vision has.",
        **KEEP,
    )


def _strip(check: VisionCheck, i: int, white: bool, drops: np.ndarray, note: str) -> str:
    """HTML: three small cells, the swatch as each eye sees it, with the network's text ratio."""
    cells = []
    for d, name in enumerate(DEFICIENCIES):
        seen = to_hex(tuple(int(v) for v in check.seen[d, i]))
        edge = f"2px dashed {DROP_EDGE}" if drops[d, i] else "1px solid rgba(0,0,0,0.25)"
        ink = INK[TEXTS[int(white)]]
        ratio = ratio_text(check.ratios[d, i, int(white)])
        title = escape(f"{name}: seen as {seen}. {note}".strip(), quote=True)
        cells.append(
            f'<div title="{title}" style="flex:1;background:{seen};color:{ink};border:{edge};'
            'border-radius:4px;text-align:center;font-size:12px;line-height:1.25;padding:2px 0">'
            f"<b>{name[0].upper()}{' ✕' if drops[d, i] else ''}</b><br>{ratio}</div>"
        )
    return f'<div style="display:flex;gap:3px;margin-top:6px">{"".join(cells)}</div>'


def palette_vision(comparison: Comparison) -> tuple[list[str], list[str]]:
    """For the palette's swatches: an HTML strip each, and a note each (empty when none drop)."""
    check = checked(tuple(tuple(int(v) for v in rgb) for rgb in comparison.colours))
    network_white, wcag_white = comparison.network_white, comparison.wcag_white
    notes = drop_notes(check, network_white, wcag_white)
    drops = check.drops(network_white)
    strips = [_strip(check, i, bool(network_white[i]), drops, notes[i]) for i in range(len(notes))]
    return strips, notes


def lost_count(notes: list[str]) -> str:
    """How many swatches a pick stops reading well on, for a group's heading."""
    lost = sum(map(bool, notes))
    return f"{lost} {'stops' if lost == 1 else 'stop'} reading well for a colour-blind eye"
