"""Session state of "Text over a colour": its keys, first values, and the widgets' callbacks.

Every key starts with ``colour_``, but a class session's, which start with ``class_``. Values
that must survive a reload also go into the URL (``ui.colour.link``); the first run of a session
starts from the URL's values. A class session keeps what must survive in its pool (SQL), not here.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Sequence

import numpy as np
import streamlit as st

from core.colour.data import read_colour, to_hex
from core.colour.labels import (
    asked_at,
    make_label,
    merge_labels,
    read_labels_file,
    teach_colour,
)
from core.colour.link import DEFAULT_RANDOM, PageLink

# Widgets keep their values when the person visits another page and comes back.
KEEP = {"persist_state": "session"}
# The pool's answer to a phone's last vote (a VoteAck), for the voting view to show.
CLASS_ACK = "class_ack"


@dataclasses.dataclass(frozen=True)
class VoteAck:
    """What the pool said to a phone's vote (``ClassPool.vote``), for the next run to show.

    Attributes:
        status: the pool's answer: "counted", "skipped", "duplicate", "paused", ...
        votes: the student's votes so far.
        colour: the colour voted on, "#rrggbb".
        text: "black", "white", or None for a skip.
        repeated: the colour is an anchor, which the whole class labels and which comes back.
    """

    status: str
    votes: int
    colour: str
    text: str | None
    repeated: bool = False

    @property
    def done(self) -> bool:
        """The student is done with the colour: they answered it or skipped it, for good."""
        return self.status in ("counted", "skipped")


def keep_vote_ack(ack: VoteAck) -> None:
    st.session_state[CLASS_ACK] = ack


def last_vote_ack() -> VoteAck | None:
    """The answer to the phone's last vote.

    A counted or skipped colour stays on show until the next vote (the phone refreshes itself
    every few seconds, and the student is reading it); a refusal ("paused", "duplicate", ...)
    shows once, since it stops being true.
    """
    ack = st.session_state.get(CLASS_ACK)
    if not isinstance(ack, VoteAck):
        return None
    if not ack.done:
        del st.session_state[CLASS_ACK]
    return ack


def init_state(link: PageLink) -> None:
    """Give every key this page keeps its first value, once per session, from the link."""
    teach_seed, teach_index = link.teach or (secrets.randbelow(1_000_000), 0)
    defaults = {
        "colour_background": link.background,
        "colour_picker": link.background,
        "colour_typed": link.background,
        "colour_typed_error": None,
        "colour_typed_note": None,
        "colour_labels": list(link.labels),
        "colour_teach_seed": teach_seed,
        "colour_teach_index": teach_index,
        "colour_upload_nonce": 0,
        "colour_upload_message": None,
        "colour_retrained": None,
        "colour_retrain_error": None,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def current_link() -> PageLink:
    """The page's state now, as the link should carry it."""
    state = st.session_state
    stored = state.colour_retrained
    labels = tuple(state.colour_labels)
    retrained, retrained_doc = 0, True
    if stored is not None and tuple(stored["labels"]) == labels[: len(stored["labels"])]:
        retrained, retrained_doc = len(stored["labels"]), stored["include_document"]
    return PageLink(
        background=state.colour_background,
        labels=labels,
        include_document=bool(state.get("doc", True)),
        n_random=int(state.get("random", DEFAULT_RANDOM)),
        palette_seed=int(state.get("pseed", 0)),
        teach=(state.colour_teach_seed, state.colour_teach_index),
        retrained=retrained,
        retrained_doc=retrained_doc,
        show_base=state.get("colour_network_choice") == "base",
    )


def set_background(hex_colour: str) -> None:
    st.session_state.colour_background = hex_colour
    st.session_state.colour_picker = hex_colour
    st.session_state.colour_typed_error = None
    st.session_state.colour_typed_note = None


def on_pick() -> None:
    set_background(to_hex(read_colour(st.session_state.colour_picker).rgb))
    st.session_state.colour_typed = st.session_state.colour_background


def on_type() -> None:
    """Read the typed colour; a bad one keeps the last good colour and says why."""
    try:
        reading = read_colour(st.session_state.colour_typed)
    except ValueError as error:
        st.session_state.colour_typed_error = str(error)
        return
    set_background(to_hex(reading.rgb))
    st.session_state.colour_typed_note = reading.note


def on_random_colour() -> None:
    rgb = np.random.default_rng().integers(0, 256, size=3)
    set_background(to_hex(tuple(int(v) for v in rgb)))
    st.session_state.colour_typed = st.session_state.colour_background


def on_teach(text: str | None) -> None:
    """Record the person's choice for the colour on show (None: skip it) and show the next."""
    state = st.session_state
    if text is not None:
        colour = teach_colour(state.colour_teach_seed, state.colour_teach_index)
        state.colour_labels = [*state.colour_labels, make_label(colour, text)]
    state.colour_teach_index += 1


def on_undo() -> None:
    """Take the last label back; when it was taught, ask its colour again."""
    state = st.session_state
    *kept, undone = state.colour_labels
    state.colour_labels = kept
    position = asked_at(state.colour_teach_seed, state.colour_teach_index, undone.colour)
    if position is not None:
        state.colour_teach_index = position


def _first_three(items: Sequence[str]) -> str:
    return "; ".join(items[:3]) + (f" (and {len(items) - 3} more)" if len(items) > 3 else "")


def upload_message(
    name: str, added: int, skipped: int, total: int, notes: list[str], left_out: Sequence[str] = ()
) -> str:
    """What an upload did, in one paragraph: added, already here, changed, rows left out."""
    message = f"{name}: added {added} label{'s' * (added != 1)}"
    if skipped:
        message += f", skipped {skipped} already here"
    message += f". You now have {total}."
    if notes:
        message += f" Changed as a browser would: {_first_three(notes)}."
    if left_out:
        rows = f"{len(left_out)} row{'s' * (len(left_out) != 1)}"
        message += f" Left out {rows} that are not labels: {_first_three(left_out)}."
    return message


def on_upload(key: str) -> None:
    """Merge an uploaded CSV into the labels; a bad file leaves the labels as they were."""
    uploaded = st.session_state.get(key)
    if uploaded is None:
        return
    try:
        found = read_labels_file(uploaded.getvalue())
    except ValueError as error:
        st.session_state.colour_upload_message = ("error", f"{uploaded.name}: {error}")
    else:
        merged, added = merge_labels(st.session_state.colour_labels, found.labels)
        st.session_state.colour_labels = merged
        repeats = len(found.labels) - added
        text = upload_message(
            uploaded.name, added, repeats, len(merged), found.notes, found.skipped
        )
        kind = "warning" if found.skipped else "success"
        st.session_state.colour_upload_message = (kind, text)
    st.session_state.colour_upload_nonce += 1  # a fresh, empty uploader for the next file
