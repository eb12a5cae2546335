"""The URL of "Text over a colour": read once per session, written after every run.

The link carries the page's state (``core.colour.link``) and the training settings of the
network the page uses (the same names as on "Train the MLP"), so a reload or a shared link
brings back the labels, the colour, the controls and the network (retrained by the cache).
"""

from __future__ import annotations

import math
import re

import streamlit as st

from core.colour.link import MAX_LINK_LABELS, PageLink, link_params, read_link
from ui.common import TrainingSettings, settings_from_query, settings_to_query

SETTING_KEYS = ("lr", "iterations", "seed", "init", "hidden", "activation")
NUMERIC_KEYS = ("lr", "iterations", "seed", "init")
# Messages that already say what the value became need no "the default is used".
CHANGED = re.compile(r"\b(became|clamped|using)\b")


def snapped_settings(params: dict[str, str], settings: TrainingSettings, named: str) -> list:
    """(key, message) for each numeric setting that was read as a different value.

    ``named`` holds the problems already reported, so a value is never named twice.
    """
    canonical = settings_to_query(settings)
    changed = []
    for key in NUMERIC_KEYS:
        if key not in params or f"`{key}=" in named:
            continue
        try:
            same = math.isclose(float(params[key]), float(canonical[key]), rel_tol=1e-9)
        except ValueError:
            same = False
        if not same:
            became = f'became {canonical[key]}, the nearest setting on "Train the MLP"'
            changed.append((key, f"`{key}={params[key]}` {became}"))
    return changed


def settings_problems(params: dict[str, str]) -> tuple[TrainingSettings | None, list]:
    """The link's training settings (None when it has none) and (key, message) problems."""
    if not any(key in params for key in SETTING_KEYS):
        return None, []
    settings, notes = settings_from_query(params)
    # Each note is its text, or an object carrying it as ``.text``: read both.
    messages = [str(getattr(note, "text", note)) for note in notes]
    problems = []
    for message in messages:
        key = next((k for k in SETTING_KEYS if f"`{k}=" in message), "settings")
        problems.append((key, message))
    problems += snapped_settings(params, settings, " ".join(messages))
    return settings, problems


def read_link_once() -> PageLink | None:
    """On the session's first run, read the URL; later runs return None.

    Problems are kept with the value the page used instead, so each warning shows only
    until that value changes.
    """
    if st.session_state.get("colour_link_read"):
        return None
    params = {key: st.query_params[key] for key in st.query_params}
    link, link_problems = read_link(params)
    settings, problems = settings_problems(params)
    st.session_state.colour_link_read = True
    st.session_state.colour_link_settings = settings
    values = link_values(link, settings or TrainingSettings())
    st.session_state.colour_link_problems = [
        (key, message, values.get(key)) for key, message in [*link_problems.items(), *problems]
    ]
    return link


def link_values(link: PageLink, settings: TrainingSettings) -> dict[str, str]:
    """Every value the link describes, defaults included, to tell when one has changed."""
    full = {
        "bg": link.background,
        "labels": repr(link.labels),
        "doc": str(link.include_document),
        "random": str(link.n_random),
        "pseed": str(link.palette_seed),
        "teach": repr(link.teach),
        "retrained": str(link.retrained),
        "retrained_doc": str(link.retrained_doc),
        "net": str(link.show_base),
    }
    return full | settings_to_query(settings) | {"settings": repr(settings)}


def link_warnings(link: PageLink, settings: TrainingSettings) -> None:
    """Name each URL value that was changed or ignored, while the page still shows its stand-in."""
    values = link_values(link, settings)
    kept = [p for p in st.session_state.get("colour_link_problems", []) if values.get(p[0]) == p[2]]
    st.session_state.colour_link_problems = kept
    if kept:
        lines = [
            f"- {message}{'' if CHANGED.search(message) else '; the default is used'}."
            for _, message, _ in kept
        ]
        st.warning(
            "Some of this link's settings could not be used as written:\n" + "\n".join(lines),
            icon="⚠️",
        )
    if len(link.labels) > MAX_LINK_LABELS:
        st.info(
            f"The link holds your first {MAX_LINK_LABELS} labels of {len(link.labels)}: this "
            "session keeps them all, but a reload or a shared link brings back only those. "
            "Download the labels (CSV) to keep every one.",
            icon=":material/link:",
        )


def write_link(link: PageLink, settings: TrainingSettings) -> None:
    """Put the page's state, and the settings when not the lesson's, into the URL."""
    params = link_params(link)
    if settings != TrainingSettings():
        params |= settings_to_query(settings)
    if {key: st.query_params[key] for key in st.query_params} != params:
        st.query_params.from_dict(params)
