"""A class session on "Text over a colour": which view the address asks for, and its start.

The page's address decides the view, before anything else is drawn:

- ``?class=<code>``: a student's phone. Only the voting view: one colour, two answers, Skip.
- ``?class=<code>&key=<secret>``: the lecturer's view (projector): the join code, link and QR
  code, the live pool, the controls and retraining. The key is checked against its stored hash
  on every run and again by the pool on every lecturer action, so a student link never reaches
  them, whatever widget values its browser sends.

The phone is ``ui.colour.phone``, the projector ``ui.colour.projector`` (its controls
``ui.colour.class_controls``, its retraining ``ui.colour.class_retrain``), the database wiring
``ui.colour.class_pool``, the join link and code ``ui.colour.join``.
"""

from __future__ import annotations

import streamlit as st

from ui.colour.class_pool import class_pool
from ui.colour.phone import student_ui
from ui.colour.projector import lecturer_ui


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
