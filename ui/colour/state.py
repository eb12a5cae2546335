"""Session state of "Text over a colour": its keys, typed records, and the functions that
read and change them. No other module of the topic spells a key or touches ``st.session_state``.

Every key of the usual page starts with ``colour_`` but the three widgets bound to the URL,
whose keys are their URL parameters' names (``DOC``, ``N_RANDOM``, ``PALETTE_SEED``); a class
session's start with ``class_``. Values that must survive a reload also go into the URL
(``ui.colour.link``); the first run of a session starts from the URL's values. A class session
keeps what must survive in its pool (SQL), not here.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Sequence

import numpy as np
import streamlit as st

from core.colour.data import read_colour, to_hex
from core.colour.labels import (
    Label,
    asked_at,
    make_label,
    merge_labels,
    read_labels_file,
    teach_colour,
)
from core.colour.link import DEFAULT_RANDOM, PageLink
from core.mlp import TrainingSettings, TrainResult
from ui.training import TRAINED_KEY

# Widgets keep their values when the person visits another page and comes back.
KEEP = {"persist_state": "session"}

# The keys of the usual page.
BACKGROUND = "colour_background"  # the colour on show, "#rrggbb"
PICKER = "colour_picker"  # the colour picker's widget
TYPED = "colour_typed"  # the typed colour's widget
TYPED_ERROR = "colour_typed_error"  # why the typed colour could not be read
TYPED_NOTE = "colour_typed_note"  # how the typed colour was changed to be shown
LABELS = "colour_labels"  # list[Label]: the person's labels, in the order given
TEACH_SEED = "colour_teach_seed"  # the teaching sequence's seed
TEACH_INDEX = "colour_teach_index"  # and the position of the colour on show
UPLOAD_NONCE = "colour_upload_nonce"  # a new uploader widget after each file
UPLOAD_MESSAGE = "colour_upload_message"  # (kind, text) of the last upload
RETRAINED = "colour_retrained"  # a Retrained, or None
RETRAIN_ERROR = "colour_retrain_error"  # why the last retrain failed, or None
LINK_SETTINGS = "colour_link_settings"  # the link's training settings when not the lesson's
DECLINED = "colour_declined"  # the settings of a base network the person swapped for the lesson's
NETWORK_CHOICE = "colour_network_choice"  # the radio: "base" or "retrained"
SHOW_RETRAINED = "colour_show_retrained"  # switch the radio to "retrained" on the next run
CLASS_INCLUDE_DOCUMENT = "colour_include_document"  # the projector's "Also train on ..." box
# Widgets bound to the URL: their keys are the URL parameters' names (``ui.colour.link``).
DOC = "doc"  # "Also train on the document's 10 colours"
N_RANDOM = "random"  # the palette's number of random colours
PALETTE_SEED = "pseed"  # and their seed

# The keys of a class session.
CLASS_ACK = "class_ack"  # the pool's answer to a phone's last vote (a VoteAck)
CLASS_STUDENT = "class_student"  # the phone's anonymous student id
CLASS_MESSAGE = "class_message"  # what the lecturer's last control did (sidebar)
CLASS_REMOVED = "class_removed"  # what removing a student did (its fragment)


@dataclasses.dataclass(frozen=True)
class Retrained:
    """A network retrained on the person's labels, and what it learned from.

    Attributes:
        result: the training run.
        settings: its training settings (the base network's).
        labels: the labels it learned, in the order given.
        include_document: it also learned the document's 10 colours.
    """

    result: TrainResult
    settings: TrainingSettings
    labels: tuple[Label, ...]
    include_document: bool

    def learned_from(
        self, settings: TrainingSettings, labels: Sequence[Label], include_document: bool
    ) -> bool:
        """Whether these are the inputs this network was trained on."""
        return (self.settings, self.labels, self.include_document) == (
            settings,
            tuple(labels),
            include_document,
        )


@dataclasses.dataclass(frozen=True)
class PickedColour:
    """The background on show and what reading the typed colour said.

    Attributes:
        background: the colour on show, "#rrggbb".
        error: why the typed colour could not be read (the last good colour stays), or None.
        note: how the typed colour was changed to be shown (clamped, ...), or None.
    """

    background: str
    error: str | None
    note: str | None


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


def init_state(link: PageLink) -> None:
    """Give every key this page keeps its first value, once per session, from the link."""
    teach_seed, teach_index = link.teach or (secrets.randbelow(1_000_000), 0)
    defaults = {
        BACKGROUND: link.background,
        PICKER: link.background,
        TYPED: link.background,
        TYPED_ERROR: None,
        TYPED_NOTE: None,
        LABELS: list(link.labels),
        TEACH_SEED: teach_seed,
        TEACH_INDEX: teach_index,
        UPLOAD_NONCE: 0,
        UPLOAD_MESSAGE: None,
        RETRAINED: None,
        RETRAIN_ERROR: None,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


# ------------------------------------------------------------------ reading


def picked_colour() -> PickedColour:
    state = st.session_state
    return PickedColour(state[BACKGROUND], state[TYPED_ERROR], state[TYPED_NOTE])


def labels() -> list[Label]:
    """The person's labels, in the order given (a copy: change them through the callbacks)."""
    return list(st.session_state[LABELS])


def teach_position() -> tuple[int, int]:
    """The teaching sequence's seed and the position of the colour on show."""
    return st.session_state[TEACH_SEED], st.session_state[TEACH_INDEX]


def upload_key() -> str:
    """The uploader's key: a new one after each file, so the next upload starts empty."""
    return f"colour_upload_{st.session_state[UPLOAD_NONCE]}"


def last_upload() -> tuple[str, str] | None:
    """(kind, text) of what the last upload did: kind is "success", "warning" or "error"."""
    return st.session_state[UPLOAD_MESSAGE]


def retrained() -> Retrained | None:
    return st.session_state.get(RETRAINED)


def retrain_error() -> str | None:
    return st.session_state.get(RETRAIN_ERROR)


def link_settings() -> TrainingSettings | None:
    """The training settings the link named, when not the lesson's (None once declined)."""
    return st.session_state.get(LINK_SETTINGS)


def declined() -> TrainingSettings | None:
    """The settings of a base network that never learned, which the person swapped away."""
    return st.session_state.get(DECLINED)


def trained_settings() -> TrainingSettings | None:
    """The settings of the network "Train the MLP" trained in this session, or None."""
    trained = st.session_state.get(TRAINED_KEY)
    return None if trained is None else trained["settings"]


def current_link() -> PageLink:
    """The page's state now, as the link should carry it."""
    state = st.session_state
    stored = retrained()
    kept = tuple(state[LABELS])
    n_retrained, retrained_doc = 0, True
    if stored is not None and stored.labels == kept[: len(stored.labels)]:
        n_retrained, retrained_doc = len(stored.labels), stored.include_document
    return PageLink(
        background=state[BACKGROUND],
        labels=kept,
        include_document=bool(state.get(DOC, True)),
        n_random=int(state.get(N_RANDOM, DEFAULT_RANDOM)),
        palette_seed=int(state.get(PALETTE_SEED, 0)),
        teach=(state[TEACH_SEED], state[TEACH_INDEX]),
        retrained=n_retrained,
        retrained_doc=retrained_doc,
        show_base=state.get(NETWORK_CHOICE) == "base",
    )


# ------------------------------------------------------------------ changing


def keep_link_settings(settings: TrainingSettings | None) -> None:
    st.session_state[LINK_SETTINGS] = settings


def keep_retrained(stored: Retrained) -> None:
    """Keep a retrained network; the network choice switches to it on the next run."""
    st.session_state[RETRAINED] = stored
    st.session_state[SHOW_RETRAINED] = True


def keep_retrain_error(error: str | None) -> None:
    st.session_state[RETRAIN_ERROR] = error


def decline(settings: TrainingSettings) -> None:
    """Swap a base network that never learned for the lesson's (a button's callback)."""
    st.session_state[DECLINED] = settings
    st.session_state[LINK_SETTINGS] = None
    st.session_state[RETRAINED] = None  # it was trained with the settings that failed
    st.session_state.pop(NETWORK_CHOICE, None)


def show_network(choice: str) -> None:
    """Set the network choice ("base" or "retrained") as a link asks, before the radio draws."""
    st.session_state.pop(SHOW_RETRAINED, None)
    st.session_state[NETWORK_CHOICE] = choice


def follow_retrain() -> None:
    """After a retrain, switch the network choice to the retrained one (before the radio)."""
    if st.session_state.pop(SHOW_RETRAINED, False):
        st.session_state[NETWORK_CHOICE] = "retrained"


def set_background(hex_colour: str) -> None:
    st.session_state[BACKGROUND] = hex_colour
    st.session_state[PICKER] = hex_colour
    st.session_state[TYPED_ERROR] = None
    st.session_state[TYPED_NOTE] = None


def on_pick() -> None:
    set_background(to_hex(read_colour(st.session_state[PICKER]).rgb))
    st.session_state[TYPED] = st.session_state[BACKGROUND]


def on_type() -> None:
    """Read the typed colour; a bad one keeps the last good colour and says why."""
    try:
        reading = read_colour(st.session_state[TYPED])
    except ValueError as error:
        st.session_state[TYPED_ERROR] = str(error)
        return
    set_background(to_hex(reading.rgb))
    st.session_state[TYPED_NOTE] = reading.note


def on_random_colour() -> None:
    rgb = np.random.default_rng().integers(0, 256, size=3)
    set_background(to_hex(tuple(int(v) for v in rgb)))
    st.session_state[TYPED] = st.session_state[BACKGROUND]


def on_teach(text: str | None) -> None:
    """Record the person's choice for the colour on show (None: skip it) and show the next."""
    state = st.session_state
    if text is not None:
        colour = teach_colour(state[TEACH_SEED], state[TEACH_INDEX])
        state[LABELS] = [*state[LABELS], make_label(colour, text)]
    state[TEACH_INDEX] += 1


def on_undo() -> None:
    """Take the last label back; when it was taught, ask its colour again."""
    state = st.session_state
    *kept, undone = state[LABELS]
    state[LABELS] = kept
    position = asked_at(state[TEACH_SEED], state[TEACH_INDEX], undone.colour)
    if position is not None:
        state[TEACH_INDEX] = position


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
        st.session_state[UPLOAD_MESSAGE] = ("error", f"{uploaded.name}: {error}")
    else:
        merged, added = merge_labels(st.session_state[LABELS], found.labels)
        st.session_state[LABELS] = merged
        repeats = len(found.labels) - added
        text = upload_message(
            uploaded.name, added, repeats, len(merged), found.notes, found.skipped
        )
        kind = "warning" if found.skipped else "success"
        st.session_state[UPLOAD_MESSAGE] = (kind, text)
    st.session_state[UPLOAD_NONCE] += 1  # a fresh, empty uploader for the next file


# ------------------------------------------------------------------ a class session


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


def class_student(given: str, valid: Callable[[str], bool], new: Callable[[], str]) -> str:
    """The tab's anonymous student id: the one it has, else ``given`` when valid, else new."""
    current = st.session_state.get(CLASS_STUDENT)
    if current is None:
        current = given if valid(given) else new()
        st.session_state[CLASS_STUDENT] = current
    return current


def tell_lecturer(key: str, message: str) -> None:
    """Keep what a lecturer's control did, for the next run to show (``CLASS_MESSAGE`` or
    ``CLASS_REMOVED``, the fragment that shows it)."""
    st.session_state[key] = message


def told_lecturer(key: str) -> str | None:
    """What a lecturer's control did, once (``tell_lecturer``)."""
    return st.session_state.pop(key, None)
