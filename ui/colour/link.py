"""The URL of "Text over a colour": its parameters, read once per session, written every run.

The link carries the page's state (``core.colour.link.PageLink``) and the training settings of
the network the page uses (the same names as on "Train the MLP"), so a reload or a shared link
brings back the labels, the colour, the controls and the network (retrained by the cache).
The palette's controls and "Also train on the document's colours" are widgets bound to the URL.
"""

from __future__ import annotations

import streamlit as st

from core.colour.labels import Label
from core.colour.link import (
    DEFAULT_COLOUR,
    DEFAULT_RANDOM,
    MAX_LINK_LABELS,
    MAX_SEED,
    PageLink,
    labels_from_param,
    labels_to_param,
    read_background,
    settle,
)
from core.colour.palette import MAX_RANDOM
from core.mlp import TrainingSettings
from ui.colour.state import DOC, N_RANDOM, PALETTE_SEED, keep_link_settings
from ui.link import (
    Changed,
    LinkNote,
    Param,
    flag,
    link_notes_ui,
    read_url_once,
    whole,
    write_flag,
    write_url,
)
from ui.training import LESSON, TRAINING_PARAMS, settings_of, values_of

PAGE = "colour"


def _background(text: str) -> str | Changed:
    colour, note = read_background(text)
    return colour if note is None else Changed(colour, note)


def _labels(text: str) -> tuple[Label, ...]:
    return tuple(labels_from_param(text))


def _teach(text: str) -> tuple[int, int]:
    seed, _, index = text.partition("-")
    if not (seed.strip().isdigit() and index.strip().isdigit()):
        raise ValueError("should be two whole numbers, such as 4711-12")
    read = whole(0, MAX_SEED)
    return read(seed), read(index)


def _net(text: str) -> bool:
    if text.strip() not in ("base", "retrained"):
        raise ValueError("should be base or retrained")
    return text.strip() == "base"


PARAMS: tuple[Param, ...] = (
    Param("bg", _background, DEFAULT_COLOUR, lambda colour: colour.lstrip("#")),
    Param(
        "labels",
        _labels,
        (),
        lambda labels: labels_to_param(labels[:MAX_LINK_LABELS]),
        default_words="no labels",
    ),
    Param(DOC, flag, True, write_flag, bound=True),
    Param(N_RANDOM, whole(0, MAX_RANDOM), DEFAULT_RANDOM, bound=True),
    Param(PALETTE_SEED, whole(0, MAX_SEED), 0, bound=True),
    # A sequence not yet started needs no seed: a reload may as well draw a new one.
    Param("teach", _teach, None, lambda teach: f"{teach[0]}-{teach[1]}"),
    Param("retrained", whole(1, MAX_LINK_LABELS), 0),
    Param("retrained_doc", flag, True, lambda doc: str(int(doc))),
    Param("net", _net, False, lambda base: "base" if base else "retrained"),
    *TRAINING_PARAMS,
)


def read_link() -> PageLink | None:
    """On the session's first run, the page's state from its URL (later runs: None).

    The link's training settings, when not the lesson's, are kept for ``base_network``.
    """
    values = read_url_once(PAGE, PARAMS)
    if values is None:
        return None
    link, problem = settle(
        PageLink(
            background=values["bg"],
            labels=values["labels"],
            include_document=values[DOC],
            n_random=values[N_RANDOM],
            palette_seed=values[PALETTE_SEED],
            teach=values["teach"],
            retrained=values["retrained"],
            retrained_doc=values["retrained_doc"],
            show_base=values["net"],
        )
    )
    if problem is not None:
        st.session_state[f"{PAGE}_link"]["notes"].append(LinkNote("retrained", problem, 0))
    settings = settings_of(values)
    keep_link_settings(None if settings == LESSON else settings)
    return link


def link_values(link: PageLink, settings: TrainingSettings) -> dict[str, object]:
    """The URL values of the page's state and its network's training settings."""
    kept = link.labels[:MAX_LINK_LABELS]
    retrained = 0 < link.retrained <= len(kept)
    return {
        "bg": link.background,
        "labels": kept,
        DOC: link.include_document,
        N_RANDOM: link.n_random,
        PALETTE_SEED: link.palette_seed,
        "teach": link.teach if link.teach and link.teach[1] else None,
        "retrained": link.retrained if retrained else 0,
        "retrained_doc": link.retrained_doc if retrained else True,
        "net": link.show_base if retrained else False,
        **values_of(settings),
    }


def link_warnings(link: PageLink, settings: TrainingSettings) -> None:
    """Name each URL value that was changed or ignored, while the page still shows its stand-in."""
    link_notes_ui(PAGE, link_values(link, settings))
    if len(link.labels) > MAX_LINK_LABELS:
        st.info(
            f"The link holds your first {MAX_LINK_LABELS} labels of {len(link.labels)}: this "
            "session keeps them all, but a reload or a shared link brings back only those. "
            "Download the labels (CSV) to keep every one.",
            icon=":material/link:",
        )


def write_link(link: PageLink, settings: TrainingSettings) -> None:
    """Put the page's state, and the settings when not the lesson's, into the URL."""
    write_url(link_values(link, settings), PARAMS)
