"""AppTest of the class session on "Text over a colour": the student's and the lecturer's views.

Each test gets its own SQLite pool ($CLASSROOM_DATA_DIR in a temp folder) and reads it back
through its own engine, as a second server would.
"""

from __future__ import annotations

import io
import json
import time

import numpy as np
import pytest
import segno
import sqlalchemy as sa
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.colour.classroom import colour_at
from core.colour.pool import ClassPool
from core.colour.pool_schema import new_student_id
from ui.colour.join import join_target
from ui.colour.projector import PAGE_PATH, qr_png

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
    result = pool.vote(session.code, student, 0, colour_at(view.seed, student, 0).hex, "white")
    assert result.status == "counted"
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
    assert len(at.get("plotly_chart")) == 2  # no colour answered twice yet: no split chart
    assert "the class's split shows once two students have answered one" in shown


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
    for _ in range(2):  # the third colour is a spread one (the fourth, an anchor, hides it)
        phone.button(key="class_vote_white").click().run()
    at = lecturer(session)
    at.checkbox(key="colour_include_document").uncheck()
    at.button(key="class_retrain").click().run()
    assert not at.exception
    saved = pool.network(session.code)
    assert saved["labels"] == 2 and saved["include_document"] is False
    assert "The class's labels the network matches" in [m.label for m in at.metric]
    phone.run()
    colour = shown_colour(phone)
    assert f"picked **white text** over {colour}" not in texts(phone)  # not before the vote
    assert f"picked **black text** over {colour}" not in texts(phone)
    phone.button(key="class_vote_black").click().run()
    assert f"The class network would have picked **white text** over {colour}" in texts(phone)


def p_white_by_hand(saved: dict, colour: str) -> float:
    """The saved network's P(white) for a colour, by the lesson's formulas (sigmoid layers)."""
    a = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    assert saved["activation"] == "sigmoid"
    for W in saved["weights"]:
        a = 1 / (1 + np.exp(-(np.array(W) @ np.append(a, 1.0))))
    return float(a[0])


def class_with_votes(pool, answers: dict[str, list[str | None]]):
    """A session where each named student answers their first colours (None: a skip).

    At most three answers each: a phone's burst before the pool's rate limit.
    """
    session = pool.create_session()
    seed = pool.seed(session.code)
    cast = []
    for name, given in answers.items():
        student = f"{name}-{'x' * 8}"
        pool.join(session.code, student)
        for index, text in enumerate(given):
            colour = colour_at(seed, student, index).hex
            result = pool.vote(session.code, student, index, colour, text)
            assert result.status == ("skipped" if text is None else "counted")
            if text is not None:
                cast.append((colour, text))
    return session, cast


def retrained_lecturer(pool, session) -> AppTest:
    at = lecturer(session)
    at.checkbox(key="colour_include_document").uncheck()
    at.button(key="class_retrain").click().run()
    assert not at.exception, at.exception
    return at


def in_order(node):
    """Every element under a block, in the order the page draws them."""
    for child in node.children.values():
        if getattr(child, "children", None):
            yield from in_order(child)
        else:
            yield child


def retrain_section(at: AppTest) -> str:
    """The projector's texts from "What retraining changed" on, in the order drawn."""
    shown = [v for e in in_order(at.main) if isinstance(v := getattr(e, "value", None), str)]
    assert "What retraining changed" in shown, shown
    return "\n".join(shown[shown.index("What retraining changed") :])


def chart(at: AppTest, key: str) -> dict:
    [found] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    return json.loads(found.proto.spec)


@pytest.mark.slow
def test_a_phone_shows_the_class_networks_pick_only_after_the_vote(pool):
    session, _ = class_with_votes(pool, {"ana": ["white", "white", "black"]})
    phone = open_page(**{"class": session.code})
    assert "would have picked" not in texts(phone)  # no class network yet: no caption either
    retrained_lecturer(pool, session)
    saved = pool.network(session.code)
    phone.run()  # the phone's next refresh: the class network is there now
    before = texts(phone)
    assert "picked **" not in before and "picks" not in before  # no pick before the vote
    assert "After your answer you see what the class network would have picked" in before
    colour = shown_colour(phone)
    p = p_white_by_hand(saved, colour)
    pick = "white" if p >= 0.5 else "black"
    other = "black" if pick == "white" else "white"
    phone.button(key=f"class_vote_{other}").click().run()
    assert (
        f"The class network would have picked **{pick} text** over {colour} (P(white) = {p:.2f})."
    ) in texts(phone)
    assert f"Counted: {other} over {colour}" in phone.success[0].value
    colour = shown_colour(phone)  # the next colour: a skip is done with it too
    p = p_white_by_hand(saved, colour)
    phone.button(key="class_skip").click().run()
    after_skip = texts(phone)
    assert f"Skipped {colour}." in after_skip
    assert f"would have picked **{'white' if p >= 0.5 else 'black'} text** over {colour}" in (
        after_skip
    )
    assert after_skip.count("would have picked") == 2  # the skip's line, and the caption
    colour = shown_colour(phone)
    p = p_white_by_hand(saved, colour)
    pick = "white" if p >= 0.5 else "black"
    phone.button(key=f"class_vote_{pick}").click().run()
    assert f"would have picked **{pick} text** over {colour} too (P(white)" in texts(phone)
    # The fourth colour is an anchor: the whole class labels it, and it comes back to this
    # student later, so its pick stays hidden before and after the vote.
    anchor = colour_at(pool.seed(session.code), phone.query_params["s"], 3)
    assert anchor.anchor is not None and shown_colour(phone) == anchor.hex
    assert "the class network's pick for it stays hidden" in texts(phone)
    time.sleep(1.0)  # three answers in a row are a phone's burst; then two a second
    phone.button(key="class_vote_white").click().run()
    assert f"Counted: white over {anchor.hex}" in phone.success[0].value
    assert "picked **" not in texts(phone)


@pytest.mark.slow
def test_the_projector_speaks_of_the_class_and_shows_only_its_colours(pool):
    session, cast = class_with_votes(
        pool, {"ana": ["white", None, "black"], "ben": ["black", "white"]}
    )
    at = retrained_lecturer(pool, session)
    shown = retrain_section(at)
    assert "After: retrained on the class's 4 labels, " in shown
    assert "your" not in shown.lower()
    labels = [m.label for m in at.metric]
    assert labels[-2:] == ["Agreement with WCAG", "The class's labels the network matches"]
    assert not any(label.startswith("Pick for") for label in labels)
    assert "#3366cc" not in shown and "#3366cc" not in str([m.value for m in at.metric])
    spec = chart(at, "class_shift_chart")
    assert spec["layout"]["title"]["text"].startswith("The class's labels, before and after")
    assert [t["name"] for t in spec["data"]][-1] == "the class's label (0 black, 1 white)"
    rows = {y for trace in spec["data"] for y in trace.get("y", [])}
    assert {row.split(". ", 1)[1] for row in rows} == {colour for colour, _ in cast}
    matched = next(m for m in at.metric if m.label == "The class's labels the network matches")
    saved = pool.network(session.code)
    by_hand = sum((p_white_by_hand(saved, c) >= 0.5) == (t == "white") for c, t in cast)
    assert matched.value == f"{by_hand} of 4"


@pytest.mark.slow
def test_what_retraining_changed_comes_back_after_a_reload(pool):
    session, cast = class_with_votes(pool, {"ana": ["white", "black", "white"], "ben": ["black"]})
    first = retrained_lecturer(pool, session)
    metrics = {m.label: (m.value, m.delta) for m in first.metric}
    chart_before = chart(first, "class_shift_chart")
    again = lecturer(session)  # a fresh session on the same lecturer link: a reload
    shown = retrain_section(again)
    assert "After: retrained on the class's 4 labels, " in shown
    assert "have changed since" not in shown
    assert {m.label: (m.value, m.delta) for m in again.metric} == metrics
    assert chart(again, "class_shift_chart")["data"] == chart_before["data"]
    student = "cid-xxxxxxxx"
    pool.join(session.code, student)
    pool.vote(session.code, student, 0, colour_at(pool.seed(session.code), student, 0).hex, "white")
    shown = retrain_section(lecturer(session))
    assert "The class's labels have changed since: 5 labels now. Retrain to include" in shown
    assert "After: retrained on the class's 4 labels, " in shown


@pytest.mark.slow
def test_a_retrain_before_any_vote_says_it_learned_the_documents_colours_alone(pool):
    session = pool.create_session()
    at = lecturer(session)
    at.checkbox(key="colour_include_document").check().run()
    at.button(key="class_retrain").click().run()
    assert not at.exception, at.exception
    shown = retrain_section(at)
    assert "After: retrained on the document's 10 colours alone (the class had no labels " in shown
    assert [m.label for m in at.metric][-1] == "Agreement with WCAG"
    assert pool.network(session.code)["trained_on"] == []


@pytest.mark.slow
def test_a_class_network_saved_by_an_older_version_still_shows_what_changed(pool):
    session, cast = class_with_votes(pool, {"ana": ["white", "black"]})
    saved = retrained_lecturer(pool, session)
    document = pool.network(session.code)
    old = {k: document[k] for k in ("layers", "activation", "weights", "labels")}
    pool.save_network(session.code, session.key, {**old, "include_document": False})
    at = lecturer(session)
    shown = retrain_section(at)
    assert "After: retrained on the class's 2 labels." in shown  # no settings kept then
    metric = next(m for m in at.metric if m.label == "The class's labels the network matches")
    assert metric.value.endswith("of 2")
    assert saved.metric  # the first view drew its metrics too


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
    import ui.colour.join as join

    class Context:
        url = "https://lecture.example.org/text_over_colour"
        headers = {}

    def join_link(code: str) -> str:  # what the projector draws and prints (join_ui)
        return join_target(PAGE_PATH).link(code)

    monkeypatch.setattr(join.st, "context", Context())
    assert (
        join_link("K7QM2XPD9R") == "https://lecture.example.org/text_over_colour?class=K7QM2XPD9R"
    )
    Context.url, Context.headers = None, {"Host": "10.0.0.5:8501"}
    assert join_link("K7QM2XPD9R") == "http://10.0.0.5:8501/text_over_colour?class=K7QM2XPD9R"
