"""A student's phone in a class session: one colour, two answers, Skip, and nothing else.

A vote reruns only the phone's fragment, and nothing on the student's path touches TensorFlow
(the class network's pick is NumPy). The student's id is anonymous and kept in the address
(``&s=``), so a reload keeps their place.
"""

from __future__ import annotations

import streamlit as st

from core.colour.classroom import colour_at, hex_to_rgb
from core.colour.pool_schema import STUDENT_PATTERN, new_student_id, normalise_code
from core.mlp import MLP
from core.mlp.data import normalise
from ui.colour.class_pool import class_network, class_pool
from ui.colour.join import display_code, unknown_code_message
from ui.colour.state import VoteAck, class_student, keep_vote_ack, last_vote_ack
from ui.colour.views import text_colour_hex

PHONE_EVERY = 5.0  # a phone looks for pause, close and the class network this often


def _student_id() -> str:
    """The tab's anonymous id: kept in the address (``&s=``), so a reload keeps it."""
    given = st.query_params.get("s", "")
    current = class_student(given, lambda s: bool(STUDENT_PATTERN.match(s)), new_student_id)
    if st.query_params.get("s") != current:
        st.query_params["s"] = current
    return current


def student_ui(code_text: str) -> None:
    """The voting view and nothing else."""
    code = normalise_code(code_text)
    pool = class_pool()
    view = None if code is None else pool.join(code, _student_id())
    if view is None:
        unknown_code_message(code_text)
        return
    if view.status == "closed":
        st.info("This class session has ended. Thank you for taking part!", icon=":material/done:")
        return
    st.markdown(f"**Class vote** · code {display_code(code)}")
    phone_fragment(code, _student_id())


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
