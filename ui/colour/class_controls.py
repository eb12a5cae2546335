"""The lecturer's controls of a class session, in the sidebar: pause, resume, close, reopen,
reset, remove a student, download the labels. Every action passes the lecturer key, which the
pool checks again.
"""

from __future__ import annotations

import streamlit as st

from core.colour.labels import labels_to_csv
from ui.colour.class_pool import class_pool
from ui.colour.state import CLASS_MESSAGE, CLASS_REMOVED, tell_lecturer, told_lecturer

STUDENTS_EVERY = 10.0  # the lecturer's list of students


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
        message = told_lecturer(CLASS_MESSAGE)
        if message:
            st.success(message)


@st.fragment(run_every=STUDENTS_EVERY)
def _remove_ui(code: str, key: str) -> None:
    """Pick a student by their votes and remove them (refreshed: new students appear)."""
    message = told_lecturer(CLASS_REMOVED)
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
    tell_lecturer(CLASS_MESSAGE, "Every label of this session was removed.")


def _remove(code: str, key: str, student: str | None) -> None:
    if student:
        removed = class_pool().remove_student(code, key, student)
        tell_lecturer(CLASS_REMOVED, f"Removed {removed} label{'s' * (removed != 1)}.")
