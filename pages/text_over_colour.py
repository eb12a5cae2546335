"""Text over a colour: the network's black-or-white choice, WCAG's, and teaching it your own."""

from __future__ import annotations

import secrets
from html import escape

import numpy as np
import pandas as pd
import streamlit as st

from core.colour.contrast import (
    BLACK,
    WHITE,
    contrast_ratio,
    relative_luminance,
    wcag_level,
    wcag_text_colour,
)
from core.colour.data import parse_colour, to_hex
from core.colour.labels import (
    Label,
    labels_from_csv,
    labels_to_csv,
    make_label,
    merge_labels,
    teach_colour,
    teaching_set,
)
from core.colour.palette import (
    AGREEMENT_SAMPLE,
    MAX_RANDOM,
    Comparison,
    agreement_colours,
    compare,
    palette,
)
from core.colour.plots import disagreement_cube, label_shift_figure, luminance_figure
from core.colour.preview import preview_file_name, preview_png
from core.mlp import MLP, TrainResult, white_text
from ui.app import ensure_app_navigation
from ui.common import TrainingSettings, session_network

ensure_app_navigation()  # a deep link on a fresh server still gets the app's navigation

DEFAULT_COLOUR = "#3366cc"
PICK_OUTLINE = "#1f5fbf"
DISAGREE = "#d62728"
PARAGRAPH = "A paragraph of body text at the page's normal size, the size most slides are set in."
LARGE = "Large text: 24 px, where WCAG asks for less contrast."
TEACH_SAMPLE = "Can you read this easily? The quick brown fox jumps over the lazy dog."


# ---------------------------------------------------------------- session state and callbacks


def init_state() -> None:
    """Give every key this page keeps a first value, once per session."""
    defaults = {
        "toc_colour": DEFAULT_COLOUR,
        "toc_picker": DEFAULT_COLOUR,
        "toc_typed": DEFAULT_COLOUR,
        "toc_colour_error": None,
        "toc_labels": [],
        "toc_teach_seed": secrets.randbelow(1_000_000),
        "toc_teach_index": 0,
        "toc_upload_nonce": 0,
        "toc_upload_message": None,
        "toc_retrained": None,
        "toc_retrain_error": None,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def set_colour(hex_colour: str) -> None:
    st.session_state.toc_colour = hex_colour
    st.session_state.toc_picker = hex_colour
    st.session_state.toc_colour_error = None


def on_pick() -> None:
    set_colour(to_hex(parse_colour(st.session_state.toc_picker)))
    st.session_state.toc_typed = st.session_state.toc_colour


def on_type() -> None:
    typed = st.session_state.toc_typed
    try:
        set_colour(to_hex(parse_colour(typed)))
    except ValueError as error:
        st.session_state.toc_colour_error = str(error)


def on_random_colour() -> None:
    rgb = np.random.default_rng().integers(0, 256, size=3)
    set_colour(to_hex(tuple(int(v) for v in rgb)))
    st.session_state.toc_typed = st.session_state.toc_colour


def on_teach(text: str | None) -> None:
    """Record the person's choice for the colour on show (None: skip it) and show the next."""
    if text is not None:
        colour = teach_colour(st.session_state.toc_teach_seed, st.session_state.toc_teach_index)
        st.session_state.toc_labels = [*st.session_state.toc_labels, make_label(colour, text)]
    st.session_state.toc_teach_index += 1


def on_undo() -> None:
    st.session_state.toc_labels = st.session_state.toc_labels[:-1]


def on_upload(key: str) -> None:
    """Merge an uploaded CSV into the labels; a bad file leaves the labels as they were."""
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    try:
        new = labels_from_csv(uploaded.getvalue())
    except ValueError as error:
        st.session_state.toc_upload_message = ("error", f"{uploaded.name}: {error}")
    else:
        merged, added = merge_labels(st.session_state.toc_labels, new)
        st.session_state.toc_labels = merged
        skipped = len(new) - added
        st.session_state.toc_upload_message = (
            "success",
            f"{uploaded.name}: added {added} label{'s' * (added != 1)}"
            + (f", skipped {skipped} already here" if skipped else "")
            + f". You now have {len(merged)}.",
        )
    st.session_state.toc_upload_nonce += 1  # a fresh, empty uploader for the next file


# ---------------------------------------------------------------- networks


def retrain(settings: TrainingSettings, labels: list[Label], include_document: bool) -> None:
    """Train afresh on the labels with the session's settings, showing progress; keep the result.

    The same labels and settings are not trained twice in a session.
    """
    key = (settings, tuple(labels), include_document)
    stored = st.session_state.toc_retrained
    if stored is not None and stored["key"] == key:
        return
    X, y = teaching_set(labels, include_document)
    bar = st.progress(0.0, text=f"Retraining on {len(y)} colours: {settings.describe()}")

    def report(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Retraining: iteration {done:,} of {total:,}")

    try:
        result = settings.train(X, y, progress=report)
    finally:
        bar.empty()
    st.session_state.toc_retrained = {
        "key": key,
        "result": result,
        "settings": settings,
        "labels": list(labels),
        "include_document": include_document,
    }
    st.session_state.toc_show_retrained = True  # switch the network choice on the next run


def describe_retrained(stored: dict) -> str:
    n = len(stored["labels"])
    extra = " and the document's 10 colours" if stored["include_document"] else ""
    return f"retrained on your {n} label{'s' * (n != 1)}{extra}, {stored['settings'].describe()}"


def choose_network(
    base: TrainResult, settings: TrainingSettings, from_session: bool
) -> tuple[MLP, str]:
    """Show which network answers on this page, let the person switch, return it and its name."""
    if from_session:
        base_name = f'the network you trained on "Train the MLP" ({settings.describe()})'
    else:
        base_name = (
            f"the document's default run ({settings.describe()}); train your own on "
            '"Train the MLP" and this page uses it'
        )
    stored = st.session_state.toc_retrained
    if stored is None:
        st.info(f"Network on this page: {base_name}.", icon=":material/neurology:")
        return base.network(), base_name
    if st.session_state.pop("toc_show_retrained", False):
        st.session_state.toc_network_choice = "retrained"
    choice = st.radio(
        "Network on this page",
        ["base", "retrained"],
        format_func=lambda c: (
            ("This session's network" if from_session else "The document's run")
            if c == "base"
            else "Retrained on your labels"
        ),
        horizontal=True,
        key="toc_network_choice",
    )
    if choice == "retrained":
        name = describe_retrained(stored)
        st.info(f"Network on this page: {name}.", icon=":material/school:")
        return stored["result"].network(), name
    st.info(f"Network on this page: {base_name}.", icon=":material/neurology:")
    return base.network(), base_name


# ---------------------------------------------------------------- drawing


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


def preview_ui(background: str, probability: float) -> None:
    """Black and white text side by side over the colour, ratios, badges, and the verdict."""
    network_pick = pick(probability)
    wcag_pick = wcag_text_colour(background)
    ratios = {
        "black": contrast_ratio(background, BLACK),
        "white": contrast_ratio(background, WHITE),
    }
    for column, text in zip(st.columns(2), ("black", "white"), strict=True):
        with column:
            chance = probability if text == "white" else 1 - probability
            if text == network_pick:
                st.markdown(f"**:material/star: Network's pick**, P({text}) = {chance:.2f}")
            else:
                st.markdown(f"Not picked, P({text}) = {chance:.2f}")
            box = text_box(background, text, [(17, PARAGRAPH), (24, LARGE)], text == network_pick)
            st.markdown(box, unsafe_allow_html=True)
            st.subheader(f"Contrast {ratios[text]:.2f} : 1", anchor=False)
            badges = st.columns(2, width=360)
            with badges[0]:
                level_badge("Normal text", wcag_level(ratios[text]))
            with badges[1]:
                level_badge("Large text", wcag_level(ratios[text], large=True))
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
        key="toc_preview_png",
    )


def formulas_ui(background: str) -> None:
    """The WCAG formulas with this colour's numbers in them."""
    r, g, b = parse_colour(background)
    L = relative_luminance(background)
    st.markdown("Each channel $c = v/255$ is linearised, then weighted by how bright it looks:")
    st.latex(
        r"c_{lin} = \begin{cases} c/12.92 & c \le 0.04045 \\ "
        r"\left(\frac{c + 0.055}{1.055}\right)^{2.4} & \text{otherwise}\end{cases}"
    )
    st.latex(
        rf"L = 0.2126\,R_{{lin}} + 0.7152\,G_{{lin}} + 0.0722\,B_{{lin}} = {L:.4f}"
        rf"\quad (R, G, B) = ({r}, {g}, {b})"
    )
    st.latex(
        rf"\text{{ratio}} = \frac{{L_{{lighter}} + 0.05}}{{L_{{darker}} + 0.05}}:\quad"
        rf"\text{{black}}\ \frac{{{L:.4f} + 0.05}}{{0 + 0.05}} = {(L + 0.05) / 0.05:.2f},\quad"
        rf"\text{{white}}\ \frac{{1 + 0.05}}{{{L:.4f} + 0.05}} = {1.05 / (L + 0.05):.2f}"
    )
    st.markdown(
        "Normal text needs **4.5 : 1** for AA and **7 : 1** for AAA; large text (24 px, "
        "or 18.66 px bold) needs **3 : 1** and **4.5 : 1**."
    )


def swatch_grid(comparison: Comparison, names: list[str], groups: list[str]) -> str:
    """HTML grid of swatches with text in the network's colour; disagreements outlined in red."""
    cells = []
    for i, hex_colour in enumerate(comparison.hex):
        text = "white" if comparison.network_white[i] else "black"
        disagree = not comparison.agree[i]
        border = f"4px dashed {DISAGREE}" if disagree else "1px solid #c8ccd2"
        flag = '<div style="font-weight:700">&#8800; WCAG</div>' if disagree else ""
        title = escape(f"{groups[i]}: {names[i]} {hex_colour}", quote=True)
        cells.append(
            f'<div title="{title}" style="background:{hex_colour};'
            f"color:{text_colour_hex(text)};border:{border};border-radius:8px;padding:8px 10px;"
            f'min-height:92px;font-size:16px;line-height:1.3">'
            f'<div style="font-size:22px;font-weight:700">Aa</div>'
            f"<div>{escape(names[i])}</div><div>P(white) {comparison.probability[i]:.2f}</div>"
            f"{flag}</div>"
        )
    return (
        '<div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));'
        f'gap:10px;margin-bottom:1rem">{"".join(cells)}</div>'
    )


def palette_ui(network: MLP) -> None:
    """The document's colours, its held-out ones and random ones, each with the network's text."""
    controls = st.columns([2, 1, 3])
    n_random = controls[0].slider("Random colours", 0, MAX_RANDOM, 20, key="toc_n_random")
    seed = controls[1].number_input("Seed", 0, 10**6, 0, step=1, key="toc_palette_seed")
    swatches = palette(n_random, int(seed))
    comparison = compare(network.forward, np.array([s.rgb for s in swatches]))
    names = [s.name for s in swatches]
    groups = [s.group for s in swatches]
    for group, heading in (
        ("training", "The document's 10 training colours"),
        ("held out", "Held-out colours the network never saw"),
        ("random", f"{n_random} random colours (seed {seed})"),
    ):
        mask = np.array([g == group for g in groups])
        if not mask.any():
            continue
        part = Comparison(
            comparison.colours[mask], comparison.probability[mask], comparison.luminance[mask]
        )
        wrong = int((~part.agree).sum())
        st.markdown(f"**{heading}**: {wrong} of {int(mask.sum())} disagree with WCAG")
        st.markdown(
            swatch_grid(
                part, [n for n, m in zip(names, mask, strict=True) if m], [group] * int(mask.sum())
            ),
            unsafe_allow_html=True,
        )
    table = pd.DataFrame(
        {
            "group": groups,
            "name": names,
            "colour": comparison.hex,
            "P(white)": comparison.probability.round(4),
            "network": np.where(comparison.network_white, "white", "black"),
            "WCAG": np.where(comparison.wcag_white, "white", "black"),
            "agree": comparison.agree,
        }
    )
    st.download_button(
        "Download the palette (CSV)",
        table.to_csv(index=False),
        f"palette-seed-{seed}.csv",
        "text/csv",
        icon=":material/download:",
        key="toc_palette_csv",
    )


def agreement_ui(network: MLP) -> Comparison:
    """The agreement rate over the fixed 1,000 random colours, as a number and as pictures."""
    comparison = compare(network.forward, agreement_colours())
    wrong = int((~comparison.agree).sum())
    st.metric(
        f"Agreement with WCAG over {AGREEMENT_SAMPLE:,} random colours",
        f"{comparison.agreement_rate:.1%}",
        help=f"{wrong} colours disagree",
    )
    flat, cube = st.tabs(["Luminance against the network's answer", "Where in the RGB cube"])
    with flat:
        st.plotly_chart(luminance_figure(comparison), key="toc_luminance_chart")
        st.caption(
            "Top left and bottom right: both pick the same. The other two corners are the "
            "disagreements, outlined in red. Hover a point for its colour."
        )
    with cube:
        st.plotly_chart(disagreement_cube(comparison), key="toc_cube_chart")
        st.caption("Drag to turn the cube. Faint dots agree; red-edged diamonds disagree.")
    return comparison


def teach_ui() -> None:
    """Show the next colour twice and record which text the person reads more easily."""
    seed, index = st.session_state.toc_teach_seed, st.session_state.toc_teach_index
    colour = to_hex(teach_colour(seed, index))
    st.markdown(f"**Colour {index + 1}: {colour}.** Which reads more easily?")
    for column, text in zip(st.columns(2), ("black", "white"), strict=True):
        with column:
            box = text_box(colour, text, [(17, TEACH_SAMPLE)], picked=False)
            st.markdown(box, unsafe_allow_html=True)
            st.button(
                f"{text.capitalize()} reads better",
                key=f"toc_teach_{text}",
                on_click=on_teach,
                args=(text,),
                icon=":material/thumb_up:",
                width="stretch",
                type="primary",
            )
    st.button(
        "Skip this colour",
        key="toc_teach_skip",
        on_click=on_teach,
        args=(None,),
        icon=":material/skip_next:",
    )


def labels_table_ui(labels: list[Label]) -> None:
    """The collected labels, each row painted in its colour and text."""
    if not labels:
        st.caption("No labels yet: click the text you read more easily above, or upload a CSV.")
        return
    table = pd.DataFrame(
        {"colour": [label.colour for label in labels], "text": [label.text for label in labels]}
    )
    table.index = pd.RangeIndex(1, len(table) + 1)

    def paint(row: pd.Series) -> list[str]:
        css = f"background-color:{row['colour']};color:{text_colour_hex(row['text'])}"
        return [css] * len(row)

    st.dataframe(
        table.style.apply(paint, axis=1),
        height=min(36 * len(table) + 40, 320),
        width=360,
        key="toc_labels_table",
    )


def labels_io_ui(labels: list[Label]) -> None:
    """Download and upload labels as CSV, so a class can pool them; undo the last one."""
    st.download_button(
        "Download labels (CSV)",
        labels_to_csv(labels),
        "colour-labels.csv",
        "text/csv",
        disabled=not labels,
        icon=":material/download:",
        key="toc_labels_csv",
    )
    st.button(
        "Undo last label",
        on_click=on_undo,
        disabled=not labels,
        key="toc_undo",
        icon=":material/undo:",
    )
    key = f"toc_upload_{st.session_state.toc_upload_nonce}"
    st.file_uploader(
        "Add labels from a CSV (columns colour,text)",
        type=["csv"],
        key=key,
        on_change=on_upload,
        args=(key,),
    )
    message = st.session_state.toc_upload_message
    if message is not None:
        kind, text = message
        (st.error if kind == "error" else st.success)(text)


def retrain_ui(settings: TrainingSettings, labels: list[Label]) -> None:
    """Retrain on the labels and show how the pick and the agreement rate moved."""
    include_document = st.checkbox(
        "Also train on the document's 10 colours", value=True, key="toc_include_document"
    )
    st.caption(f"Training settings (this session's): {settings.describe()}.")
    if st.button(
        f"Retrain on {len(labels)} label{'s' * (len(labels) != 1)}",
        type="primary",
        disabled=not labels,
        key="toc_retrain",
        icon=":material/model_training:",
    ):
        try:
            retrain(settings, labels, include_document)
            st.session_state.toc_retrain_error = None
        except ValueError as error:
            st.session_state.toc_retrain_error = str(error)
        st.rerun()
    if st.session_state.toc_retrain_error:
        st.error(f"Could not retrain: {st.session_state.toc_retrain_error}")


def pick(probability: float) -> str:
    return "white" if white_text(probability) else "black"


def change_ui(base: TrainResult, background: str) -> None:
    """Before and after retraining: the pick here, the agreement rate, the fit to the labels."""
    stored = st.session_state.toc_retrained
    if stored is None:
        return
    before_net, after_net = base.network(), stored["result"].network()
    st.subheader("What retraining changed")
    st.caption(f"After: {describe_retrained(stored)}.")
    if stored["labels"] != st.session_state.toc_labels:
        st.caption("Your labels have changed since; retrain to include the changes.")
    x = np.array([parse_colour(background)]) / 255.0
    p_before, p_after = float(before_net.forward(x)[0, 0]), float(after_net.forward(x)[0, 0])
    colours = agreement_colours()
    a_before = compare(before_net.forward, colours).agreement_rate
    a_after = compare(after_net.forward, colours).agreement_rate
    labelled = np.array([parse_colour(label.colour) for label in stored["labels"]])
    targets = [label.target for label in stored["labels"]]
    fit_before = compare(before_net.forward, labelled).probability
    fit_after = compare(after_net.forward, labelled).probability
    matched = [
        int(np.sum(white_text(p) == np.array(targets, dtype=bool))) for p in (fit_before, fit_after)
    ]
    columns = st.columns(3)
    columns[0].metric(
        f"Pick for {background}",
        f"{pick(p_after)} ({p_after:.2f})",
        f"{p_after - p_before:+.2f} P(white), was {pick(p_before)}",
        delta_color="off",
    )
    columns[1].metric(
        "Agreement with WCAG", f"{a_after:.1%}", f"{a_after - a_before:+.1%}", delta_color="off"
    )
    columns[2].metric(
        "Your labels the network matches",
        f"{matched[1]} of {len(targets)}",
        f"{matched[1] - matched[0]:+d} (was {matched[0]})",
    )
    st.plotly_chart(
        label_shift_figure(
            [label.colour for label in stored["labels"]], targets, fit_before, fit_after
        ),
        key="toc_shift_chart",
    )


# ---------------------------------------------------------------- the page

init_state()
st.title("Text over a colour")
st.markdown(
    "The lesson's 3-5-2-1 network reads a background colour and answers one question: "
    "should text over it be **black or white**? Here you can ask it, judge the answer against "
    "the WCAG accessibility contrast rules, and teach it your own eye."
)

with st.spinner("Training the document's network (once; every session shares it)..."):
    base_result, base_settings, from_session = session_network()
network, network_name = choose_network(base_result, base_settings, from_session)

st.header("Pick a background")
inputs = st.columns([1, 2, 1], vertical_alignment="bottom")
inputs[0].color_picker("Colour picker", key="toc_picker", on_change=on_pick)
inputs[1].text_input(
    "Or type a colour: #abc, #aabbcc, rgb(51, 102, 204), navy", key="toc_typed", on_change=on_type
)
inputs[2].button(
    "Random colour", on_click=on_random_colour, key="toc_random", icon=":material/casino:"
)
background = st.session_state.toc_colour
if st.session_state.toc_colour_error:
    st.error(f"{st.session_state.toc_colour_error}. Still showing {background}.")

probability = float(network.forward(np.array([parse_colour(background)]) / 255.0)[0, 0])
preview_ui(background, probability)
with st.expander("How WCAG computes the contrast ratio"):
    formulas_ui(background)

st.header("A palette")
st.markdown(
    "Each swatch carries text in the colour the network picks; a red dashed edge marks "
    "the swatches where WCAG would pick the other one."
)
palette_ui(network)
agreement_ui(network)

st.header("Teach it yourself")
st.markdown(
    "Each colour appears twice. Click the text you read more easily, or skip. Your labels stay "
    "in this session; download them as CSV and upload a classmate's file to pool them. Then "
    "retrain the network on them and see what changes."
)
teach_area, labels_area = st.columns([3, 2], gap="large")
with teach_area:
    teach_ui()
labels = st.session_state.toc_labels
with labels_area:
    st.markdown(
        f"**Your labels: {len(labels)}** "
        f"({sum(label.text == 'white' for label in labels)} white, "
        f"{sum(label.text == 'black' for label in labels)} black)"
    )
    labels_table_ui(labels)
    labels_io_ui(labels)
retrain_ui(base_settings, labels)
change_ui(base_result, background)
