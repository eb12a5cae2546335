"""The class's pool on a real database: SQLite (a file, WAL) and PostgreSQL (a throwaway cluster).

Every test runs on both. Without PostgreSQL's binaries the PostgreSQL half skips with one line
saying how to install them, unless REQUIRE_POSTGRES=1 (CI), where it fails instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from core.colour import pool_schema, pool_sessions
from core.colour.classroom import colour_at
from core.colour.pool import ClassPool
from core.colour.pool_schema import (
    BURST,
    CODE_LENGTH,
    CODE_PATTERN,
    SCHEMA_VERSION,
    LecturerKeyError,
    SchemaVersionError,
    UnknownSessionError,
    new_student_id,
    normalise_code,
)
from tests.support import postgres

ROOT = Path(__file__).resolve().parents[2]


def stored_version(pool: ClassPool) -> int:
    """The schema version the database holds (table ``schema_version``)."""
    pool.ensure_schema()
    with pool.engine.connect() as connection:
        query = sa.select(sa.func.max(pool_schema.schema_version.c.version))
        return int(connection.execute(query).scalar())


@pytest.fixture(scope="session")
def postgres_server():
    bin_dir = postgres.binaries()
    if bin_dir is None:
        if postgres.required():
            pytest.fail(f"REQUIRE_POSTGRES=1 but {postgres.HOW_TO_ENABLE}")
        pytest.skip(postgres.HOW_TO_ENABLE)
    with postgres.cluster(bin_dir) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database of each kind, as a SQLAlchemy URL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'classroom.sqlite'}"
    server = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def engine(db_url):
    engine = sa.create_engine(db_url, pool_size=20, max_overflow=20)
    yield engine
    engine.dispose()


class Clock:
    """A clock the test moves by hand (seconds)."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def pool(engine, clock):
    return ClassPool(engine, clock=clock)


def vote(pool: ClassPool, code: str, student: str, text: str = "white", index: int | None = None):
    """Vote for the colour the student is shown now (or at ``index``)."""
    view = pool.student_view(code, student)
    index = view.next_index if index is None else index
    return pool.vote(code, student, index, colour_at(view.seed, student, index).hex, text)


# ------------------------------------------------------------------ schema


def test_schema_is_created_on_first_use_and_versioned(pool, engine):
    assert stored_version(pool) == SCHEMA_VERSION
    tables = set(sa.inspect(engine).get_table_names())
    assert {"schema_version", "class_sessions", "class_students", "class_votes"} <= tables


def test_a_second_app_on_the_same_database_keeps_its_data(pool, engine):
    session = pool.create_session()
    student = new_student_id()
    pool.join(session.code, student)
    assert vote(pool, session.code, student).status == "counted"
    again = ClassPool(engine)
    assert again.ensure_schema() == SCHEMA_VERSION
    assert len(again.votes(session.code)) == 1


def test_a_database_from_a_newer_app_is_refused(pool, engine):
    pool.ensure_schema()
    with engine.begin() as connection:
        connection.execute(pool_schema.schema_version.update().values(version=SCHEMA_VERSION + 1))
    with pytest.raises(SchemaVersionError, match=f"version {SCHEMA_VERSION + 1}"):
        ClassPool(engine).ensure_schema()


def test_an_older_database_is_upgraded_by_its_migrations(pool, engine, monkeypatch):
    pool.ensure_schema()
    ran = []

    def add_column(connection):
        ran.append(True)
        connection.exec_driver_sql("ALTER TABLE class_sessions ADD COLUMN title VARCHAR(40)")

    monkeypatch.setattr(pool_sessions, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(pool_sessions, "MIGRATIONS", {SCHEMA_VERSION: add_column})
    upgraded = ClassPool(engine)
    assert upgraded.ensure_schema() == SCHEMA_VERSION + 1
    assert ran == [True]
    assert stored_version(upgraded) == SCHEMA_VERSION + 1
    columns = {c["name"] for c in sa.inspect(engine).get_columns("class_sessions")}
    assert "title" in columns


# ------------------------------------------------------------------ sessions and keys


def test_codes_are_long_random_and_keys_are_stored_hashed(pool, engine):
    made = [pool.create_session() for _ in range(20)]
    codes = [s.code for s in made]
    assert len(set(codes)) == 20 and all(len(c) == CODE_LENGTH for c in codes)
    assert len({c[:4] for c in codes}) > 10  # not sequential
    with engine.connect() as connection:
        dump = " ".join(str(row) for row in connection.execute(sa.select(pool_schema.sessions)))
    assert not any(s.key in dump for s in made)  # only hashes are stored
    assert pool.check_key(made[0].code, made[0].key)
    assert not pool.check_key(made[0].code, made[1].key)
    assert not pool.check_key(made[0].code, "")
    assert not pool.check_key("NOSUCHCODE", made[0].key)


@pytest.mark.parametrize(
    "action",
    [
        lambda p, c, k: p.set_status(c, k, "closed"),
        lambda p, c, k: p.reset(c, k),
        lambda p, c, k: p.remove_student(c, k, "someone12"),
        lambda p, c, k: p.save_network(c, k, {"weights": []}),
        lambda p, c, k: p.student_counts(c, k),
    ],
    ids=["close", "reset", "remove", "save network", "list students"],
)
@pytest.mark.parametrize("key", ["", "wrong-key", None], ids=["empty", "wrong", "none"])
def test_lecturer_actions_need_the_sessions_key(pool, action, key):
    session = pool.create_session()
    with pytest.raises(LecturerKeyError):
        action(pool, session.code, key)
    assert pool.status(session.code) == "open"


@pytest.mark.parametrize(
    "typed, code",
    [
        ("ABCDE-FGHJK", "ABCDEFGHJK"),
        (" abcde fghjk ", "ABCDEFGHJK"),
        ("ABCDEFGHJO", "ABCDEFGHJ0"),  # O read as zero, I and L as one
        ("ABCDEFGHJ", None),
        ("ABCDEFGHJU", None),  # U is not in the alphabet
        ("'; DROP TABLE class_votes; --", None),
        ("", None),
        (None, None),
    ],
)
def test_join_codes_as_typed(typed, code):
    assert normalise_code(typed) == code


@given(st.text(max_size=40))
def test_whatever_is_typed_as_a_code_is_read_as_one_or_refused(text):
    code = normalise_code(text)
    assert code is None or CODE_PATTERN.match(code)


# ------------------------------------------------------------------ voting


def test_a_vote_is_counted_once_and_the_next_colour_follows(pool):
    session = pool.create_session()
    student = new_student_id()
    assert pool.join(session.code, student).next_index == 0
    first = vote(pool, session.code, student, "black")
    assert first.status == "counted" and first.votes == 1 and first.vote_id is not None
    view = pool.student_view(session.code, student)
    assert view.next_index == 1 and view.votes == 1
    again = pool.vote(session.code, student, 0, colour_at(view.seed, student, 0).hex, "black")
    assert again.status == "duplicate"  # a double tap does not count twice
    assert [v.text for _, v in pool.votes(session.code)] == ["black"]


def test_a_skip_moves_on_without_a_vote(pool):
    session = pool.create_session()
    student = new_student_id()
    pool.join(session.code, student)
    view = pool.student_view(session.code, student)
    skipped = pool.vote(session.code, student, 0, colour_at(view.seed, student, 0).hex, None)
    assert skipped.status == "skipped"
    assert pool.student_view(session.code, student).next_index == 1
    assert pool.votes(session.code) == []


HOSTILE_VOTES = [
    # (what, how to change a good vote, expected status)
    ("unknown code", {"code": "ZZZZZZZZZZ"}, "unknown_session"),
    ("code that is not a code", {"code": "../../etc"}, "unknown_session"),
    ("text neither black nor white", {"text": "purple"}, "bad_text"),
    ("text as a number", {"text": "1"}, "bad_text"),
    ("a colour not issued", {"colour": "#123456"}, "not_issued"),
    ("a colour further on", {"index": 5}, "not_issued"),
    ("a negative position", {"index": -1}, "not_issued"),
    ("a huge position", {"index": 10**12}, "not_issued"),
    ("a student who never joined", {"student": "nobody-here"}, "not_joined"),
]


@pytest.mark.parametrize(
    "change, status", [h[1:] for h in HOSTILE_VOTES], ids=[h[0] for h in HOSTILE_VOTES]
)
def test_hostile_votes_are_refused_and_nothing_is_stored(pool, change, status):
    session = pool.create_session()
    student = new_student_id()
    view = pool.join(session.code, student)
    good = {
        "code": session.code,
        "student": student,
        "index": 0,
        "colour": colour_at(view.seed, student, 0).hex,
        "text": "white",
    }
    result = pool.vote(**{**good, **change})
    assert result.status == status and result.status != "counted"
    assert pool.votes(session.code) == []
    assert pool.vote(**good).status == "counted"  # the real vote still goes through afterwards


@pytest.mark.parametrize("status", ["paused", "closed"])
def test_paused_and_closed_sessions_take_no_votes_until_reopened(pool, status):
    session = pool.create_session()
    student = new_student_id()
    pool.join(session.code, student)
    pool.set_status(session.code, session.key, status)
    assert vote(pool, session.code, student).status == status
    assert pool.votes(session.code) == []
    pool.set_status(session.code, session.key, "open")
    assert vote(pool, session.code, student).status == "counted"


def test_a_flood_is_rate_limited_and_the_bucket_refills(pool, clock):
    session = pool.create_session()
    student = new_student_id()
    pool.join(session.code, student)
    results = [vote(pool, session.code, student).status for _ in range(10)]  # at one instant
    assert results == ["counted"] * int(BURST) + ["rate_limited"] * (10 - int(BURST))
    clock.now += 0.5  # two votes a second: one more after half a second
    assert vote(pool, session.code, student).status == "counted"
    assert vote(pool, session.code, student).status == "rate_limited"
    assert len(pool.votes(session.code)) == int(BURST) + 1


def test_the_lecturer_removes_one_students_votes_and_that_id_stops_voting(pool):
    session = pool.create_session()
    flooder, honest = new_student_id(), new_student_id()
    for student in (flooder, honest):
        pool.join(session.code, student)
        assert vote(pool, session.code, student).status == "counted"
    epoch = pool.pulse(session.code).epoch
    assert pool.remove_student(session.code, session.key, flooder) == 1
    assert [v.student for _, v in pool.votes(session.code)] == [honest]
    assert vote(pool, session.code, flooder).status == "removed"
    assert pool.pulse(session.code).epoch == epoch + 1  # the projector reloads the pool


def test_reset_empties_the_pool_and_students_start_again(pool):
    session = pool.create_session()
    student = new_student_id()
    pool.join(session.code, student)
    vote(pool, session.code, student)
    pool.reset(session.code, session.key)
    assert pool.votes(session.code) == []
    assert pool.join(session.code, student).next_index == 0
    assert pool.pulse(session.code).labels == 0


def test_a_closed_session_says_so_and_admits_nobody_new(pool):
    session = pool.create_session()
    pool.set_status(session.code, session.key, "closed")
    view = pool.join(session.code, new_student_id())
    assert view.status == "closed" and view.next_index == -1
    assert pool.join("ZZZZZZZZZZ", new_student_id()) is None
    with pytest.raises(UnknownSessionError):
        pool.votes("ZZZZZZZZZZ")


def test_the_class_network_is_kept_with_a_version(pool):
    session = pool.create_session()
    network = {"layers": [3, 5, 2, 1], "activation": "sigmoid", "weights": [[[0.5]]]}
    assert pool.network(session.code) is None
    assert pool.save_network(session.code, session.key, network) == 1
    assert pool.save_network(session.code, session.key, {**network, "labels": 4}) == 2
    assert pool.network(session.code)["labels"] == 4
    assert pool.student_view(session.code, new_student_id()).network_version == 2


def test_pulse_counts_labels_students_and_the_newest_vote(pool):
    session = pool.create_session()
    students = [new_student_id() for _ in range(3)]
    for student in students:
        pool.join(session.code, student)
    ids = [vote(pool, session.code, s).vote_id for s in students + students[:1]]
    pulse = pool.pulse(session.code)
    assert (pulse.labels, pulse.students, pulse.last_id) == (4, 3, max(ids))
    assert [i for i, _ in pool.votes(session.code, after_id=ids[1])] == ids[2:]


# ------------------------------------------------------------------ concurrency and restarts


def test_students_voting_in_the_same_millisecond_all_count(pool):
    session = pool.create_session()
    students = [new_student_id() for _ in range(12)]
    for student in students:
        pool.join(session.code, student)
    views = {s: pool.student_view(session.code, s) for s in students}
    barrier = threading.Barrier(len(students))
    results = {}

    def cast(student):
        colour = colour_at(views[student].seed, student, 0).hex
        barrier.wait()  # every thread sends its vote at the same instant
        results[student] = pool.vote(session.code, student, 0, colour, "white")

    threads = [threading.Thread(target=cast, args=(s,)) for s in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(r.status == "counted" for r in results.values()), results
    assert len(pool.votes(session.code)) == len(students)


def test_many_writers_for_a_while_lose_nothing(engine):
    pool = ClassPool(engine, clock=lambda: time.time() * 1000)  # the bucket never runs dry
    session = pool.create_session()
    students = [new_student_id() for _ in range(8)]
    counted = []

    def run(student):
        pool.join(session.code, student)
        for _ in range(25):
            result = vote(pool, session.code, student)
            if result.status == "counted":
                counted.append(result.vote_id)

    threads = [threading.Thread(target=run, args=(s,)) for s in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(counted) == 8 * 25
    assert sorted(i for i, _ in pool.votes(session.code)) == sorted(counted)


def test_a_restart_loses_no_acknowledged_vote(engine, db_url):
    pool = ClassPool(engine)
    session = pool.create_session()
    students = [new_student_id() for _ in range(4)]
    for student in students:
        pool.join(session.code, student)
    acked = [vote(pool, session.code, s).vote_id for s in students]
    engine.dispose()  # the server goes away
    reopened = sa.create_engine(db_url)
    try:
        after = ClassPool(reopened)
        assert sorted(i for i, _ in after.votes(session.code)) == sorted(acked)
        assert vote(after, session.code, students[0]).status == "counted"  # and the lecture goes on
    finally:
        reopened.dispose()


VOTER = """
import sys, time
import sqlalchemy as sa
from core.colour.classroom import colour_at
from core.colour.pool import ClassPool
pool = ClassPool(sa.create_engine(sys.argv[1]), clock=lambda: time.time() * 1000)
code, students = sys.argv[2], sys.argv[3:]
while True:
    for student in students:
        view = pool.student_view(code, student)
        colour = colour_at(view.seed, student, view.next_index).hex
        result = pool.vote(code, student, view.next_index, colour, "white")
        if result.status == "counted":
            print(result.vote_id, flush=True)  # the acknowledgement, after the commit
"""


@pytest.mark.slow
def test_a_server_killed_mid_vote_loses_no_acknowledged_vote(engine, db_url):
    pool = ClassPool(engine)
    session = pool.create_session()
    students = [new_student_id() for _ in range(3)]
    for student in students:
        pool.join(session.code, student)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    voter = subprocess.Popen(
        [sys.executable, "-c", VOTER, db_url, session.code, *students],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    acked = []
    try:
        deadline = time.monotonic() + 60
        while len(acked) < 40 and time.monotonic() < deadline:
            line = voter.stdout.readline()
            if not line:
                break
            acked.append(int(line))
    finally:
        voter.send_signal(signal.SIGKILL)  # no clean shutdown: mid-transaction, as a crash
        rest = voter.communicate(timeout=30)[0]
    acked += [int(line) for line in rest.split()]
    assert len(acked) >= 40
    engine.dispose()
    stored = {i for i, _ in ClassPool(sa.create_engine(db_url)).votes(session.code)}
    assert set(acked) <= stored  # every acknowledged vote survived the kill


def test_every_field_of_the_pulse_is_read_by_its_own_column(pool):
    # Each field gets a different number, so reading one column for another cannot pass.
    session = pool.create_session()
    students = [new_student_id() for _ in range(2)]
    removed = new_student_id()
    for student in [*students, removed]:
        pool.join(session.code, student)
    for _ in range(2):  # votes 1 and 2, removed below: the newest id outgrows the count
        assert vote(pool, session.code, removed).status == "counted"
    for student in students:
        for _ in range(3 if student == students[0] else 2):
            assert vote(pool, session.code, student).status == "counted"
    pool.remove_student(session.code, session.key, removed)  # epoch 1
    for _ in range(3):
        pool.save_network(session.code, session.key, {"layers": [3, 5, 2, 1]})
    pool.set_status(session.code, session.key, "paused")
    ids = [vote_id for vote_id, _ in pool.votes(session.code)]
    pulse = pool.pulse(session.code)
    assert pulse.status == "paused"
    assert pulse.epoch == 1
    assert pulse.labels == 5
    assert pulse.students == 2
    assert pulse.network_version == 3
    assert pulse.last_id == max(ids) == 7


def test_student_counts_read_each_student_with_their_votes(pool):
    session = pool.create_session()
    many, few = new_student_id(), new_student_id()
    for student, n in ((few, 1), (many, 3)):
        pool.join(session.code, student)
        for _ in range(n):
            assert vote(pool, session.code, student).status == "counted"
    assert pool.student_counts(session.code, session.key) == [(many, 3), (few, 1)]
