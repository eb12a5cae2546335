"""A class session on "Text over a colour": students vote from phones, the projector retrains.

The page's address decides the view, before anything else is drawn:

- ``?class=<code>``: a student's phone. Only the voting view: one colour, two answers, Skip.
- ``?class=<code>&key=<secret>``: the lecturer's view (projector): the join code, link and QR
  code, the live pool, the controls and retraining. The key is checked against its stored hash
  on every run and again by the pool on every lecturer action, so a student link never reaches
  them, whatever widget values its browser sends.

The pool lives in SQL through ``st.connection("classroom", type="sql")``: a SQLite file under
``$CLASSROOM_DATA_DIR`` (default ``.data/``), or the database that ``.streamlit/secrets.toml``
names under ``[connections.classroom]`` (PostgreSQL on Community Cloud). The projector refreshes
in a fragment every 1.5 s with one small query; a vote reruns only the phone's fragment, and
nothing on the student's path touches TensorFlow (the class network's pick is NumPy).
"""

from __future__ import annotations

import io
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import segno
import streamlit as st

from core.colour.class_plots import anchor_split_figure, class_cube, class_luminance
from core.colour.classroom import (
    ClassSummary,
    Vote,
    colour_at,
    hex_to_rgb,
    kappa_words,
    summarise,
)
from core.colour.labels import labels_to_csv
from core.colour.link import PageLink
from core.colour.palette import compare
from core.colour.pool import ClassPool
from core.colour.pool_schema import (
    CODE_LENGTH,
    STUDENT_PATTERN,
    Pulse,
    new_student_id,
    normalise_code,
)
from core.colour.retraining import ClassRetrain, network_from_record
from core.mlp import MLP
from core.mlp.data import normalise
from ui.app import ROOT
from ui.colour.class_retrain import class_change_ui, retrain_class_ui
from ui.colour.join import join_note_ui, join_target, qr_caption
from ui.colour.network import base_network
from ui.colour.state import VoteAck, init_state, keep_vote_ack, last_vote_ack
from ui.colour.views import CHART_CONFIG, text_colour_hex

DATA_DIR_ENV = "CLASSROOM_DATA_DIR"
CONNECTION = "classroom"
PAGE_PATH = "text_over_colour"
PROJECTOR_EVERY = 1.5  # seconds between the projector's refreshes of the counts
CHARTS_EVERY = 6.0  # and of the charts, which cost more to draw
STUDENTS_EVERY = 10.0  # the lecturer's list of students
PHONE_EVERY = 5.0  # a phone looks for pause, close and the class network this often

# ------------------------------------------------------------------ the database


def data_dir() -> Path:
    """Where the SQLite file lives: $CLASSROOM_DATA_DIR, else .data/ in the app's folder."""
    folder = Path(os.environ.get(DATA_DIR_ENV) or ROOT / ".data")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _secrets_name_a_database() -> bool:
    if not st.secrets.load_if_toml_exists():
        return False
    section = st.secrets.get("connections", {}).get(CONNECTION, {})
    return "url" in section or "dialect" in section


@st.cache_resource(show_spinner=False, max_entries=2)
def _pool_for(url: str, _engine) -> ClassPool:
    return ClassPool(_engine)


def class_pool() -> ClassPool:
    """The pool on the app's database (one ClassPool per engine, shared by every session)."""
    if _secrets_name_a_database():
        connection = st.connection(CONNECTION, type="sql", pool_pre_ping=True)
    else:
        url = f"sqlite:///{data_dir() / 'classroom.sqlite'}"
        connection = st.connection(CONNECTION, type="sql", url=url, pool_size=10, max_overflow=20)
    engine = connection.engine
    return _pool_for(engine.url.render_as_string(hide_password=True), engine)


def display_code(code: str) -> str:
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


# ------------------------------------------------------------------ the page's branch


def class_view() -> bool:
    """Draw the class view the address asks for; False when it asks for none (the usual page)."""
    params = st.query_params
    if "class" not in params:
        return False
    if "key" in params:
        lecturer_ui(params.get("class", ""), params.get("key", ""))
    else:
        student_ui(params.get("class", ""))
    return True


def start_class_ui() -> None:
    """The button that starts a class session (the usual page shows it)."""
    st.button(
        "Start a class session",
        on_click=_on_start,
        icon=":material/groups:",
        key="class_start",
        help="Students open a link or scan a QR code and label colours from their phones; "
        "this screen shows the class's labels live and retrains the network on them.",
    )


def _on_start() -> None:
    new = class_pool().create_session()
    st.query_params.from_dict({"class": new.code, "key": new.key})


def _unknown_code_message(text: str) -> None:
    st.error(
        f"No class session has the code **{text[:20]}**. Check the code on the projector "
        f"({CODE_LENGTH} letters and digits) or scan its QR code again.",
        icon=":material/error:",
    )


# ------------------------------------------------------------------ the student's phone


def _student_id() -> str:
    """The tab's anonymous id: kept in the address (``&s=``), so a reload keeps it."""
    current = st.session_state.get("class_student")
    if current is None:
        given = st.query_params.get("s", "")
        current = given if STUDENT_PATTERN.match(given) else new_student_id()
        st.session_state.class_student = current
    if st.query_params.get("s") != current:
        st.query_params["s"] = current
    return current


def student_ui(code_text: str) -> None:
    """The voting view and nothing else."""
    code = normalise_code(code_text)
    pool = class_pool()
    view = None if code is None else pool.join(code, _student_id())
    if view is None:
        _unknown_code_message(code_text)
        return
    if view.status == "closed":
        st.info("This class session has ended. Thank you for taking part!", icon=":material/done:")
        return
    st.markdown(f"**Class vote** · code {display_code(code)}")
    phone_fragment(code, st.session_state.class_student)


@st.cache_resource(show_spinner=False, max_entries=64)
def class_network(code: str, version: int) -> MLP | None:
    """The class network the lecturer last saved (NumPy only: no TensorFlow on this path).

    Only the network is read, not the labels it learned (100,000 of them take 0.6 s).
    """
    saved = class_pool().network(code)
    try:
        return None if saved is None else network_from_record(saved)
    except (KeyError, TypeError, ValueError):
        return None  # a document this version cannot read: as if there were no class network


@st.cache_resource(show_spinner=False, max_entries=8)
def class_retrain(code: str, version: int) -> ClassRetrain | None:
    """The last retrain with what it learned from (the projector's "What retraining changed")."""
    saved = class_pool().network(code)
    try:
        return None if saved is None else ClassRetrain.from_payload(saved)
    except ValueError:
        return None


STATUS_MESSAGES = {
    "duplicate": ("info", "That colour was already counted."),
    "rate_limited": ("warning", "A little slower: at most two answers a second."),
    "not_issued": ("warning", "That colour is no longer on your screen; here is yours."),
    "paused": ("info", "The lecturer has paused voting; your answer was not sent."),
    "closed": ("info", "The session has ended; your answer was not sent."),
    "removed": ("warning", "The lecturer removed your answers from this session."),
    "not_joined": ("warning", "The session was reset; here is your first colour."),
}


def _on_vote(
    code: str, student: str, index: int, colour: str, repeated: bool, text: str | None
) -> None:
    result = class_pool().vote(code, student, index, colour, text)
    keep_vote_ack(VoteAck(result.status, result.votes, colour, text, repeated))


def would_have_picked(network: MLP, ack: VoteAck) -> str:
    """The class network's pick for a colour the student is done with, in one sentence."""
    p = float(network.forward(normalise([hex_to_rgb([ack.colour])[0]]))[0, 0])
    pick = "white" if p >= 0.5 else "black"
    too = " too" if ack.text == pick else ""
    return (
        f"The class network would have picked **{pick} text** over {ack.colour}{too} "
        f"(P(white) = {p:.2f})."
    )


def _ack_ui(network: MLP | None) -> None:
    """The answer to the last vote; then, and only then, the class network's pick for it."""
    ack = last_vote_ack()
    if ack is None:
        return
    if ack.status == "counted":
        st.success(
            f"Counted: {ack.text} over {ack.colour}. Your answers: {ack.votes}.",
            icon=":material/check:",
        )
    elif ack.status == "skipped":
        st.caption(f"Skipped {ack.colour}.")
    elif ack.status in STATUS_MESSAGES:
        kind, message = STATUS_MESSAGES[ack.status]
        getattr(st, kind)(message)
    # A skipped colour is done too: it never comes back. An anchor does (to everyone, and to
    # this student 32 colours later), so its pick stays hidden: the class's agreement on it
    # must be the students' own.
    if ack.done and not ack.repeated and network is not None:
        st.markdown(would_have_picked(network, ack))


def colour_card(colour: str, height: str = "38vh") -> str:
    """HTML: the colour filling most of a phone's screen, with black and white text over it."""
    lines = "".join(
        f'<div style="color:{text_colour_hex(t)};font-size:30px;font-weight:700;'
        f'line-height:1.3;margin:0.4rem 0">{t.capitalize()} text reads like this</div>'
        for t in ("black", "white")
    )
    return (
        f'<div data-testid="class-colour" data-colour="{colour}" style="background:{colour};'
        f"min-height:{height};border-radius:14px;border:1px solid #c8ccd2;display:flex;"
        'flex-direction:column;justify-content:center;padding:1rem 1.2rem;margin-bottom:0.6rem">'
        f"{lines}</div>"
    )


@st.fragment(run_every=PHONE_EVERY)
def phone_fragment(code: str, student: str) -> None:
    """One colour, two answers and Skip; a vote reruns only this fragment."""
    pool = class_pool()
    view = pool.student_view(code, student)
    if view is not None and view.next_index < 0 and view.status != "closed":
        view = pool.join(code, student)  # the lecturer reset the session
    version = 0 if view is None else view.network_version
    network = class_network(code, version) if version else None
    _ack_ui(network)
    if view is None or view.status == "closed":
        st.info("This class session has ended. Thank you for taking part!", icon=":material/done:")
        return
    if view.blocked:
        return
    if view.status == "paused":
        st.info("Voting is paused. Look at the projector.", icon=":material/pause_circle:")
        return
    issued = colour_at(view.seed, student, view.next_index)
    st.markdown(colour_card(issued.hex), unsafe_allow_html=True)
    repeated = issued.anchor is not None
    if network is not None:  # its pick only after the answer: votes stay the student's own
        st.caption(
            "Everyone labels this colour, and it comes back: the class network's pick for it "
            "stays hidden."
            if repeated
            else "After your answer you see what the class network would have picked."
        )
    args = (code, student, issued.index, issued.hex, repeated)
    black, white = st.columns(2)
    for column, text in ((black, "black"), (white, "white")):
        column.button(
            f"{text.capitalize()} reads better",
            key=f"class_vote_{text}",
            on_click=_on_vote,
            args=(*args, text),
            type="primary",
            width="stretch",
        )
    st.button("Skip", key="class_skip", on_click=_on_vote, args=(*args, None), width="stretch")
    st.caption(f"Colour {issued.index + 1}: {issued.hex}. Anonymous: no name is sent.")


# ------------------------------------------------------------------ the pool, as projected


@dataclass
class PoolMirror:
    """The votes of one session held in memory, brought up to date by id (shared by views)."""

    epoch: int = -1
    last_id: int = 0
    votes: dict[int, Vote] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, pool: ClassPool, code: str, pulse: Pulse) -> list[Vote]:
        with self.lock:
            if pulse.epoch != self.epoch:  # a reset or a removal: read everything again
                self.votes, self.last_id, self.epoch = {}, 0, pulse.epoch
            if pulse.last_id != self.last_id or pulse.labels != len(self.votes):
                self._add(pool.votes(code, after_id=self.last_id))
                if len(self.votes) < pulse.labels:  # a vote committed out of id order
                    self.votes, self.last_id = {}, 0
                    self._add(pool.votes(code))
            return list(self.votes.values())

    def _add(self, rows: list[tuple[int, Vote]]) -> None:
        for vote_id, vote in rows:
            self.votes[vote_id] = vote
            self.last_id = max(self.last_id, vote_id)


@st.cache_resource(show_spinner=False, max_entries=32)
def _mirror(code: str) -> PoolMirror:
    return PoolMirror()


def pool_votes(code: str, pulse: Pulse) -> list[Vote]:
    return _mirror(code).update(class_pool(), code, pulse)


# ------------------------------------------------------------------ the lecturer's view


def join_link(code: str) -> str:
    """The absolute link students open: the browser's address, or this machine's network
    address when the browser is on localhost (``ui.colour.join``)."""
    return join_target(PAGE_PATH).link(code)


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
        _unknown_code_message(code_text)
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


def controls_ui(code: str, key: str) -> None:
    """Pause, resume, close, reopen, reset, remove a student, download: in the sidebar."""
    pool = class_pool()
    status = pool.status(code)
    with st.sidebar:
        st.subheader("Class session")
        st.markdown(f"Status: **{status}**")
        st.caption(
            "This page's address is your lecturer link: bookmark it to come back, after a server "
            "restart too. Project in full screen (F11): the address bar holds your key."
        )
        if status == "open":
            st.button("Pause voting", key="class_pause", on_click=_set, args=(code, key, "paused"))
        elif status == "paused":
            st.button("Resume voting", key="class_resume", on_click=_set, args=(code, key, "open"))
        if status == "closed":
            st.button(
                "Reopen the session", key="class_reopen", on_click=_set, args=(code, key, "open")
            )
        else:
            st.button(
                "Close the session", key="class_close", on_click=_set, args=(code, key, "closed")
            )
        st.download_button(
            "Download the labels (CSV)",
            data=lambda: labels_to_csv(v.label() for _, v in pool.votes(code)),
            file_name=f"class-{code.lower()}-labels.csv",
            mime="text/csv",
            icon=":material/download:",
            key="class_csv",
        )
        _remove_ui(code, key)
        with st.expander("Reset: remove every label"):
            sure = st.checkbox("Yes, remove every label of this session", key="class_reset_sure")
            st.button(
                "Reset", key="class_reset", disabled=not sure, on_click=_reset, args=(code, key)
            )
        message = st.session_state.pop("class_message", None)
        if message:
            st.success(message)


@st.fragment(run_every=STUDENTS_EVERY)
def _remove_ui(code: str, key: str) -> None:
    """Pick a student by their votes and remove them (refreshed: new students appear)."""
    message = st.session_state.pop("class_removed", None)
    if message:
        st.success(message)
    counts = class_pool().student_counts(code, key)
    if not counts:
        return
    names = {s: f"{s[:6]}… ({n} label{'s' * (n != 1)})" for s, n in counts}
    student = st.selectbox(
        "A student's labels", list(names), format_func=names.get, key="class_remove_who"
    )
    st.button(
        "Remove this student's labels",
        key="class_remove",
        on_click=_remove,
        args=(code, key, student),
        help="Their labels leave the pool and that phone can no longer vote.",
    )


def _set(code: str, key: str, status: str) -> None:
    class_pool().set_status(code, key, status)


def _reset(code: str, key: str) -> None:
    class_pool().reset(code, key)
    st.session_state.class_message = "Every label of this session was removed."


def _remove(code: str, key: str, student: str | None) -> None:
    if student:
        removed = class_pool().remove_student(code, key, student)
        st.session_state.class_removed = f"Removed {removed} label{'s' * (removed != 1)}."


# ------------------------------------------------------------------ the live view


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
    summary = _summary(code, pulse)
    kappa, wcag = summary.agreement.kappa, summary.wcag_agreement
    columns = st.columns([1, 1, 2])
    columns[0].metric("Agreement (Fleiss' κ)", "–" if kappa is None else f"{kappa:.2f}")
    columns[1].metric("Labels agreeing with WCAG", "–" if wcag is None else f"{wcag:.0%}")
    columns[2].caption(f"Fleiss' κ on the repeated colours: {kappa_words(kappa)}.")
    version = (code, pulse.epoch, pulse.last_id, pulse.labels)
    left, right = st.columns(2)
    with left:
        figure = class_figure("luminance", version, summary)
        st.plotly_chart(figure, key="class_luminance_chart", config=CHART_CONFIG)
    with right:
        figure = class_figure("cube", version, summary)
        st.plotly_chart(figure, key="class_cube_chart", config=CHART_CONFIG)
    if summary.repeated:
        splits = class_figure("splits", version, summary)
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


@st.cache_resource(show_spinner=False, max_entries=12)
def class_figure(name: str, version: tuple, _summary: ClassSummary):
    """One of the projector's charts, built once per state of the pool for every viewer."""
    return FIGURES[name](_summary)


@st.cache_resource(show_spinner=False, max_entries=8)
def _class_summary(code: str, seed: int, version: tuple, _votes) -> ClassSummary:
    return summarise(_votes, seed)


def _summary(code: str, pulse: Pulse) -> ClassSummary:
    seed = class_pool().seed(code)
    votes = pool_votes(code, pulse)
    return _class_summary(code, seed, (pulse.epoch, len(votes), pulse.last_id), votes)


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


# ------------------------------------------------------------------ what retraining changed


def _class_change(code: str, base_result) -> None:
    """What the last retrain changed, from what the pool keeps: a reload shows it again."""
    pulse = class_pool().pulse(code)
    retrained = (
        class_retrain(code, pulse.network_version) if pulse and pulse.network_version else None
    )
    if retrained is not None:
        labels = [vote.label() for vote in pool_votes(code, pulse)]
        class_change_ui(retrained, base_result.network(), labels)
