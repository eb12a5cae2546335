"""The projector's view of a class session: the join code, link and QR code, the live pool,
the class's charts, and retraining on the class (with the lecturer's controls in the sidebar).

The lecturer key is checked against its stored hash on every run and again by the pool on
every lecturer action. The counts refresh in a fragment every 1.5 s with one small query; the
charts every few seconds, built once per state of the pool for every viewer.
"""

from __future__ import annotations

import io

import numpy as np
import segno
import streamlit as st

from core.colour.class_plots import anchor_split_figure, class_cube, class_luminance
from core.colour.classroom import ClassSummary, kappa_words
from core.colour.link import PageLink
from core.colour.palette import compare
from core.colour.pool_schema import normalise_code
from core.mlp import MLP
from ui.cache import BY_VALUE
from ui.colour.class_controls import controls_ui
from ui.colour.class_pool import class_network, class_pool, class_retrain, pool_summary, pool_votes
from ui.colour.class_retrain import class_change_ui, retrain_class_ui
from ui.colour.join import display_code, join_note_ui, join_target, qr_caption, unknown_code_message
from ui.colour.network import base_network
from ui.colour.state import init_state
from ui.colour.views import CHART_CONFIG

PAGE_PATH = "text_over_colour"
PROJECTOR_EVERY = 1.5  # seconds between the projector's refreshes of the counts
CHARTS_EVERY = 6.0  # and of the charts, which cost more to draw


@st.cache_data(show_spinner=False, max_entries=64)
def qr_png(link: str) -> bytes:
    """The link as a QR code, a PNG drawn here (segno): no service outside the server."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=12, border=2)
    return out.getvalue()


def lecturer_ui(code_text: str, key: str) -> None:
    """The projector's view of a session, with the lecturer's controls."""
    code = normalise_code(code_text)
    pool = class_pool()
    if code is None or pool.status(code) is None:
        unknown_code_message(code_text)
        return
    if not pool.check_key(code, key):
        st.error(
            "This lecturer link's key does not belong to the session. Students join with the "
            "link on the projector, which has no key.",
            icon=":material/lock:",
        )
        return
    init_state(PageLink())
    base_result, settings, _ = base_network()
    join_ui(code)
    controls_ui(code, key)
    network = _projector_network(code, base_result)
    projector_ui(code, network)
    retrain_class_ui(pool, code, key, settings, base_result)
    _class_change(code, base_result)


def _projector_network(code: str, base_result) -> MLP:
    """The class network once the lecturer retrained, else the page's base network."""
    pulse = class_pool().pulse(code)
    version = 0 if pulse is None else pulse.network_version
    return (class_network(code, version) if version else None) or base_result.network()


def join_ui(code: str) -> None:
    """The join code, link and QR code, large enough for the back of a hall."""
    target = join_target(PAGE_PATH)
    link = target.link(code)
    words, picture = st.columns([3, 2], vertical_alignment="center")
    with words:
        st.markdown("#### Join the class vote: scan the code, or open")
        st.markdown(f"**{link}**")
        join_note_ui(target, code)
        st.markdown(
            '<div style="font-size:5.5rem;font-weight:800;letter-spacing:0.3rem;line-height:1.1">'
            f"{display_code(code)}</div>",
            unsafe_allow_html=True,
        )
        st.caption("Anonymous: students get a random id; no name, no personal data.")
    with picture:
        st.image(qr_png(link), caption=qr_caption(target), width=340)


def projector_ui(code: str, network: MLP) -> None:
    """The pool, live: counts every 1.5 s (one small query), charts every few seconds."""
    live_counts_fragment(code)
    live_charts_fragment(code, network)


@st.fragment(run_every=PROJECTOR_EVERY)
def live_counts_fragment(code: str) -> None:
    """How many labels and students so far: one small SQL query per refresh."""
    pulse = class_pool().pulse(code)
    if pulse is None:
        return
    columns = st.columns([1, 1, 2])
    columns[0].metric("Labels", f"{pulse.labels:,}")
    columns[1].metric("Students", f"{pulse.students:,}")
    if pulse.status != "open":
        columns[2].info(f"Voting is {pulse.status}.", icon=":material/pause_circle:")


@st.fragment(run_every=CHARTS_EVERY)
def live_charts_fragment(code: str, network: MLP) -> None:
    """Agreement and the charts; rebuilt only when the pool changed since the last refresh."""
    pulse = class_pool().pulse(code)
    if pulse is None or not pulse.labels:
        st.caption("No labels yet: the charts appear with the first votes.")
        return
    summary = pool_summary(code, pulse)
    kappa, wcag = summary.agreement.kappa, summary.wcag_agreement
    columns = st.columns([1, 1, 2])
    columns[0].metric("Agreement (Fleiss' κ)", "–" if kappa is None else f"{kappa:.2f}")
    columns[1].metric("Labels agreeing with WCAG", "–" if wcag is None else f"{wcag:.0%}")
    columns[2].caption(f"Fleiss' κ on the repeated colours: {kappa_words(kappa)}.")
    left, right = st.columns(2)
    with left:
        figure = class_figure("luminance", summary)
        st.plotly_chart(figure, key="class_luminance_chart", config=CHART_CONFIG)
    with right:
        figure = class_figure("cube", summary)
        st.plotly_chart(figure, key="class_cube_chart", config=CHART_CONFIG)
    if summary.repeated:
        splits = class_figure("splits", summary)
        st.plotly_chart(splits, key="class_split_chart", config=CHART_CONFIG)
    else:
        st.caption(
            "Repeated colours: every fourth colour on the phones is one of 8 the whole class "
            "labels; the class's split shows once two students have answered one."
        )
    _parting_ui(summary, network)


FIGURES = {
    "luminance": class_luminance,
    "cube": class_cube,
    "splits": lambda summary: anchor_split_figure(summary.repeated),
}


@st.cache_resource(show_spinner=False, max_entries=12, hash_funcs=BY_VALUE)
def class_figure(name: str, summary: ClassSummary):
    """One of the projector's charts, built once per summary of the pool for every viewer
    (keyed by the summary's value: its counts, colours, shares and splits)."""
    return FIGURES[name](summary)


def _parting_ui(summary: ClassSummary, network: MLP) -> None:
    """Where the class, WCAG and the network give different answers on the repeated colours."""
    rated = summary.repeated
    if not rated:
        return
    picks = compare(
        network.forward,
        np.array([[int(s.colour[i : i + 2], 16) for i in (1, 3, 5)] for s in rated]),
    )
    rows = []
    for split, white in zip(rated, picks.network_white, strict=True):
        network_pick = "white" if white else "black"
        parted = len({split.majority, split.wcag, network_pick}) > 1
        rows.append(
            {
                "colour": split.colour,
                "class": f"{split.white} white / {split.black} black",
                "class says": split.majority or "tie",
                "WCAG": split.wcag,
                "network": network_pick,
                "they part": "yes" if parted else "",
            }
        )
    st.markdown("**Where the class, WCAG and the network part ways** (the repeated colours)")
    st.dataframe(rows, hide_index=True, key="class_parting_table")


def _class_change(code: str, base_result) -> None:
    """What the last retrain changed, from what the pool keeps: a reload shows it again."""
    pulse = class_pool().pulse(code)
    retrained = (
        class_retrain(code, pulse.network_version) if pulse and pulse.network_version else None
    )
    if retrained is not None:
        labels = [vote.label() for vote in pool_votes(code, pulse)]
        class_change_ui(retrained, base_result.network(), labels)
