"""AppTest of the class session on "Text over a colour": the student's and the lecturer's views.

Each test gets its own SQLite pool ($CLASSROOM_DATA_DIR in a temp folder) and reads it back
through its own engine, as a second server would.
"""

from __future__ import annotations

import io

import pytest
import segno
import sqlalchemy as sa
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.colour.classroom import colour_at
from core.colour.pool import ClassPool, new_student_id
from ui.colour.classroom import join_link, qr_png

PAGE = "../../pages/text_over_colour.py"
VOTE_BUTTONS = ["Black reads better", "White reads better", "Skip"]
LECTURER_KEYS = (
    "class_pause",
    "class_resume",
    "class_close",
    "class_reopen",
    "class_reset",
    "class_remove",
    "class_retrain",
    "class_csv",
)


@pytest.fixture
def pool(tmp_path, monkeypatch):
    monkeypatch.setenv("CLASSROOM_DATA_DIR", str(tmp_path))
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'classroom.sqlite'}")
    yield ClassPool(engine)
    engine.dispose()


def open_page(**params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "success", "warning", "error", "subheader")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def widget_keys(at: AppTest) -> set[str]:
    return {w.key for kind in ("button", "checkbox", "selectbox") for w in getattr(at, kind)}


def shown_colour(at: AppTest) -> str:
    card = next(m.value for m in at.markdown if 'data-testid="class-colour"' in m.value)
    return card.split('data-colour="')[1][:7]


# ------------------------------------------------------------------ students


@pytest.mark.parametrize(
    "code",
    ["ZZZZZZZZZZ", "ZZZZZ-ZZZZZ", "abc", "<script>alert(1)</script>", "", "' OR 1=1 --"],
    ids=["unknown", "unknown with dash", "too short", "html", "empty", "sql"],
)
def test_an_unknown_code_gets_a_clear_message_and_nothing_else(pool, code):
    at = open_page(**{"class": code})
    assert "No class session has the code" in at.error[0].value
    assert not at.button and not at.markdown  # no voting view, no join


def test_a_closed_session_says_it_has_ended(pool):
    session = pool.create_session()
    pool.set_status(session.code, session.key, "closed")
    at = open_page(**{"class": session.code})
    assert "has ended" in at.info[0].value
    assert not at.button


def test_the_student_sees_only_the_voting_view_and_a_vote_is_counted(pool):
    session = pool.create_session()
    at = open_page(**{"class": session.code})
    assert [b.label for b in at.button] == VOTE_BUTTONS
    assert not widget_keys(at) & set(LECTURER_KEYS)
    assert session.key not in texts(at) and session.key not in str(dict(at.query_params))
    student = at.query_params["s"]
    seed = pool.seed(session.code)
    assert shown_colour(at) == colour_at(seed, student, 0).hex
    at.button(key="class_vote_white").click().run()
    assert "Counted: white over" in at.success[0].value
    [(_, vote)] = pool.votes(session.code)
    assert (vote.student, vote.colour, vote.text) == (
        student,
        colour_at(seed, student, 0).hex,
        "white",
    )
    assert shown_colour(at) == colour_at(seed, student, 1).hex  # the next colour follows


def test_a_reload_keeps_the_students_id_and_place(pool):
    session = pool.create_session()
    at = open_page(**{"class": session.code})
    at.button(key="class_vote_black").click().run()
    at.button(key="class_skip").click().run()
    student = at.query_params["s"]
    again = open_page(**{"class": session.code, "s": student})  # the same tab, reloaded
    assert again.query_params["s"] == student
    assert shown_colour(again) == colour_at(pool.seed(session.code), student, 2).hex
    assert len(pool.votes(session.code)) == 1


def test_a_student_link_with_a_wrong_key_shows_no_lecturer_control(pool):
    session = pool.create_session()
    for key in ("", "wrong", session.key[:-1]):
        at = open_page(**{"class": session.code, "key": key})
        assert "does not belong to the session" in at.error[0].value
        assert not at.button and not at.sidebar.button


def test_lecturer_widget_keys_sent_from_a_student_page_do_nothing(pool):
    session = pool.create_session()
    student = new_student_id()
    pool.join(session.code, student)
    view = pool.student_view(session.code, student)
    assert pool.vote(
        session.code, student, 0, colour_at(view.seed, student, 0).hex, "white"
    ).counted
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params["class"] = session.code
    for key in LECTURER_KEYS:  # as if a browser sent these widgets' values
        at.session_state[key] = True
    at.session_state["class_reset_sure"] = True
    at.session_state["class_remove_who"] = student
    at.run()
    assert not at.exception
    assert pool.status(session.code) == "open"
    assert len(pool.votes(session.code)) == 1


# ------------------------------------------------------------------ the lecturer


def lecturer(session) -> AppTest:
    return open_page(**{"class": session.code, "key": session.key})


@pytest.mark.slow
def test_start_a_class_session_from_the_page(pool):
    at = open_page()
    at.button(key="class_start").click().run()
    assert not at.exception
    code, key = at.query_params["class"], at.query_params["key"]
    assert pool.check_key(code, key)
    assert any(code[:5] in m.value and code[5:] in m.value for m in at.markdown)
    assert [m.label for m in at.metric][:2] == ["Labels", "Students"]


@pytest.mark.slow
def test_the_projector_shows_the_join_code_link_qr_and_counts(pool):
    session = pool.create_session()
    for text in ("white", "black"):
        student = new_student_id()
        pool.join(session.code, student)
        view = pool.student_view(session.code, student)
        pool.vote(session.code, student, 0, colour_at(view.seed, student, 0).hex, text)
    at = lecturer(session)
    shown = texts(at)
    assert f"{session.code[:5]}-{session.code[5:]}" in shown
    assert f"/text_over_colour?class={session.code}" in shown
    assert session.key not in shown  # the key stays in the lecturer's address bar only
    assert at.get("imgs") or at.get("image")  # the QR code
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Labels"] == "2" and metrics["Students"] == "2"
    assert metrics["Labels agreeing with WCAG"].endswith("%")
    assert len(at.get("plotly_chart")) == 3


@pytest.mark.slow
def test_pause_resume_close_reopen_from_the_lecturer_view(pool):
    session = pool.create_session()
    at = lecturer(session)
    student = open_page(**{"class": session.code})
    at.sidebar.button(key="class_pause").click().run()
    assert pool.status(session.code) == "paused"
    student.button(key="class_vote_white").click().run()
    assert not pool.votes(session.code)
    assert "paused" in texts(student)
    at.sidebar.button(key="class_resume").click().run()
    at.sidebar.button(key="class_close").click().run()
    assert pool.status(session.code) == "closed"
    assert "has ended" in texts(open_page(**{"class": session.code}))
    at.sidebar.button(key="class_reopen").click().run()
    assert pool.status(session.code) == "open"
    assert [b.label for b in open_page(**{"class": session.code}).button] == VOTE_BUTTONS


@pytest.mark.slow
def test_the_lecturer_removes_one_students_votes_and_resets(pool):
    session = pool.create_session()
    students = [new_student_id() for _ in range(2)]
    for student in students:
        pool.join(session.code, student)
        view = pool.student_view(session.code, student)
        pool.vote(session.code, student, 0, colour_at(view.seed, student, 0).hex, "white")
    at = lecturer(session)
    at.sidebar.selectbox(key="class_remove_who").set_value(students[0]).run()
    at.sidebar.button(key="class_remove").click().run()
    assert [v.student for _, v in pool.votes(session.code)] == [students[1]]
    at.sidebar.checkbox(key="class_reset_sure").check().run()
    at.sidebar.button(key="class_reset").click().run()
    assert pool.votes(session.code) == []


@pytest.mark.slow
def test_retraining_on_the_class_reaches_the_phones(pool):
    session = pool.create_session()
    phone = open_page(**{"class": session.code})
    for _ in range(3):
        phone.button(key="class_vote_white").click().run()
    at = lecturer(session)
    at.checkbox(key="colour_include_document").uncheck()
    at.button(key="class_retrain").click().run()
    assert not at.exception
    saved = pool.network(session.code)
    assert saved["labels"] == 3 and saved["include_document"] is False
    assert "Your labels the network matches" in [m.label for m in at.metric]
    phone.run()
    assert "The class network picks" in texts(phone)


# ------------------------------------------------------------------ pieces


def test_the_qr_code_holds_the_join_link():
    link = "http://192.168.1.20:8501/text_over_colour?class=K7QM2XPD9R"
    image = Image.open(io.BytesIO(qr_png.__wrapped__(link))).convert("L")
    matrix = segno.make(link, error="m").matrix
    scale, border = 12, 2
    assert image.size == ((len(matrix) + 2 * border) * scale,) * 2
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            centre = ((x + border) * scale + scale // 2, (y + border) * scale + scale // 2)
            assert (image.getpixel(centre) < 128) == bool(dark)


def test_the_join_link_is_absolute_when_the_browser_says_where_it_is(monkeypatch):
    import ui.colour.classroom as classroom

    class Context:
        url = "https://lecture.example.org/text_over_colour"
        headers = {}

    monkeypatch.setattr(classroom.st, "context", Context())
    assert (
        join_link("K7QM2XPD9R") == "https://lecture.example.org/text_over_colour?class=K7QM2XPD9R"
    )
    Context.url, Context.headers = None, {"Host": "10.0.0.5:8501"}
    assert join_link("K7QM2XPD9R") == "http://10.0.0.5:8501/text_over_colour?class=K7QM2XPD9R"
