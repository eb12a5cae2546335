"""The class's pool of labels in a SQL database: sessions, students, votes, the class network.

``ClassPool(engine)`` takes any SQLAlchemy engine; the app hands it SQLite (a file, WAL mode)
or PostgreSQL, and the same statements run on both. The schema is created on first use and
carries its version (table ``schema_version``); a database written by a newer version of the
app is refused rather than misread.

Rules the pool keeps, whatever the page asks:

- a vote is stored, and the call returns, only once its transaction has committed;
- a vote is only "black" or "white", for the colour at the student's current position of their
  sequence (``core.colour.classroom.colour_at``): anything else is refused, nothing stored;
- each student has a token bucket: ``BURST`` votes at once, then ``RATE`` a second;
- lecturer actions need the session's key, compared in constant time with its stored hash;
- join codes are 10 symbols of a 32-symbol alphabet (50 bits, from ``secrets``), lecturer keys
  192 bits; neither is sequential.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from core.colour.classroom import MAX_INDEX, Vote, colour_at
from core.colour.labels import TEXT_COLOURS

SCHEMA_VERSION = 1
# version -> function(connection) that upgrades a database from that version to the next one
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
CODE_LENGTH = 10  # 50 bits
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
STUDENT_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
BURST, RATE = 3.0, 2.0  # a student's token bucket: 3 votes at once, then 2 a second
MAX_STUDENTS = 2_000  # per session: a script inventing ids cannot grow the pool without end
STATUSES = ("open", "paused", "closed")

metadata = sa.MetaData()
schema_version = sa.Table(
    "schema_version", metadata, sa.Column("version", sa.Integer, nullable=False)
)
sessions = sa.Table(
    "class_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("epoch", sa.Integer, nullable=False, default=0),
    sa.Column("network_version", sa.Integer, nullable=False, default=0),
    sa.Column("created_ms", sa.BigInteger, nullable=False),
)
students = sa.Table(
    "class_students",
    metadata,
    sa.Column("session_id", sa.ForeignKey("class_sessions.id"), primary_key=True),
    sa.Column("student", sa.String(32), primary_key=True),
    sa.Column("next_index", sa.Integer, nullable=False, default=0),
    sa.Column("votes", sa.Integer, nullable=False, default=0),
    sa.Column("tokens", sa.Float, nullable=False, default=BURST),
    sa.Column("at_ms", sa.BigInteger, nullable=False),
    sa.Column("blocked", sa.Boolean, nullable=False, default=False),
)
votes = sa.Table(
    "class_votes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.ForeignKey("class_sessions.id"), nullable=False),
    sa.Column("student", sa.String(32), nullable=False),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("colour", sa.String(7), nullable=False),
    sa.Column("anchor", sa.Integer, nullable=True),
    sa.Column("text", sa.String(5), nullable=False),
    sa.Column("created_ms", sa.BigInteger, nullable=False),
    sa.Index("class_votes_by_session", "session_id", "id"),
)
networks = sa.Table(
    "class_networks",
    metadata,
    sa.Column("session_id", sa.ForeignKey("class_sessions.id"), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("network", sa.Text, nullable=False),
    sa.Column("created_ms", sa.BigInteger, nullable=False),
)


class LecturerKeyError(PermissionError):
    """A lecturer action with a key that is not the session's."""


class UnknownSessionError(LookupError):
    """No session has this code."""


class SchemaVersionError(RuntimeError):
    """The database was written by a newer version of the app."""


@dataclass(frozen=True)
class NewSession:
    code: str
    key: str  # shown once, to the lecturer; only its hash is stored


@dataclass(frozen=True)
class Pulse:
    """The projector's cheap look at a session: one small query."""

    status: str
    epoch: int
    labels: int
    students: int
    network_version: int
    last_id: int


@dataclass(frozen=True)
class StudentView:
    """What a student's phone needs: the session's state and where the student is."""

    status: str
    seed: int
    next_index: int
    votes: int
    blocked: bool
    network_version: int


@dataclass(frozen=True)
class VoteResult:
    """What happened to a vote: ``status`` is "counted" only when it was committed."""

    status: str  # counted, duplicate, not_issued, bad_text, rate_limited, paused, closed, ...
    votes: int = 0  # the student's votes so far
    vote_id: int | None = None

    @property
    def counted(self) -> bool:
        return self.status == "counted"


def normalise_code(text: str | None) -> str | None:
    """A join code as typed ("k7qm-2xpd 9r") in its stored form, or None when it cannot be one."""
    if not text:
        return None
    code = re.sub(r"[\s-]", "", str(text)).upper().translate(str.maketrans("OIL", "011"))
    return code if CODE_PATTERN.match(code) else None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_student_id() -> str:
    """An anonymous random id for a student's tab (96 bits)."""
    return secrets.token_urlsafe(12)


def _insert_ignore(engine: Engine, table: sa.Table, values: dict):
    """INSERT that does nothing when the row exists, in the engine's dialect."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).values(**values).on_conflict_do_nothing()


SQLITE_PRAGMAS = ("journal_mode=WAL", "busy_timeout=30000", "synchronous=NORMAL", "foreign_keys=ON")


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection) -> None:
    write = connection.get_execution_options().get("classroom_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, and BEGIN IMMEDIATE for write transactions.

    ``synchronous=NORMAL`` in WAL mode: a commit is in the WAL file when the call returns, so a
    killed or restarted server loses nothing acknowledged (tested with ``kill -9``); only a power
    cut of the machine itself could lose the last commits (FULL would fsync each vote).

    With the driver's own transaction handling, a transaction that reads and then writes can
    fail at once with "database is locked" instead of waiting; taking the write lock at BEGIN
    makes writers queue on the busy timeout instead. Idempotent.
    """
    if not event.contains(engine, "connect", _sqlite_connect):
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)


def _refusal(seed: int, mine, student: str, index: int, colour: str) -> str | None:
    """Why a vote at ``index`` for ``colour`` cannot count for this student, or None."""
    if mine is None:
        return "not_joined"
    if mine.blocked:
        return "removed"
    if colour_at(seed, student, index).hex != colour.lower():
        return "not_issued"
    if index < mine.next_index:
        return "duplicate"
    if index > mine.next_index:
        return "not_issued"
    return None


class ClassPool:
    """Class sessions and their votes in one SQL database (SQLite or PostgreSQL).

    Args:
        engine: a SQLAlchemy engine. SQLite engines are configured here (WAL, busy timeout).
        clock: seconds since the epoch (tests pass their own).
    """

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock
        self._schema_ready = False
        self._lock = threading.Lock()
        # SQLite takes one writer at a time and its busy handler sleeps up to 100 ms between
        # tries; threads of this process queue on a lock instead, woken at once.
        self._writer = threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine)

    # ------------------------------------------------------------------ plumbing

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        self.ensure_schema()
        with self.engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back on an exception."""
        self.ensure_schema()
        with self._writer, self.engine.connect() as connection:
            connection = connection.execution_options(classroom_write=True)
            with connection.begin():
                yield connection

    def ensure_schema(self) -> int:
        """Create the tables on first use, or upgrade them; returns the schema version."""
        if self._schema_ready:
            return SCHEMA_VERSION
        with self._lock:
            if not self._schema_ready:
                self._create_or_upgrade()
                self._schema_ready = True
        return SCHEMA_VERSION

    def _create_or_upgrade(self) -> None:
        with self.engine.connect() as connection:
            connection = connection.execution_options(classroom_write=True)
            with connection.begin():
                metadata.create_all(connection, checkfirst=True)
                rows = connection.execute(sa.select(schema_version.c.version)).scalars().all()
                if not rows:
                    connection.execute(schema_version.insert().values(version=SCHEMA_VERSION))
                    return
                version = max(rows)
                if version > SCHEMA_VERSION:
                    raise SchemaVersionError(
                        f"the classroom database has schema version {version}, newer than "
                        f"this app's {SCHEMA_VERSION}: update the app, or use another database"
                    )
                while version < SCHEMA_VERSION:
                    MIGRATIONS[version](connection)
                    version += 1
                connection.execute(schema_version.delete())
                connection.execute(schema_version.insert().values(version=SCHEMA_VERSION))

    def schema_version(self) -> int:
        with self._read() as connection:
            return int(
                connection.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
            )

    def _session_row(self, connection: Connection, code: str):
        code = normalise_code(code)
        if code is None:
            return None
        return connection.execute(sa.select(sessions).where(sessions.c.code == code)).first()

    def _lecturer_row(self, connection: Connection, code: str, key: str):
        row = self._session_row(connection, code)
        if row is None:
            raise UnknownSessionError(f"no class session has the code {code!r}")
        if not hmac.compare_digest(row.key_hash, hash_key(str(key or ""))):
            raise LecturerKeyError("the lecturer key does not match this session")
        return row

    # ------------------------------------------------------------------ lecturer

    def create_session(self) -> NewSession:
        """A new open session with a fresh join code, lecturer key and sequence seed."""
        key = secrets.token_urlsafe(24)
        for _ in range(5):  # a clash of 50-bit codes is all but impossible; retry anyway
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                with self._write() as connection:
                    connection.execute(
                        sessions.insert().values(
                            code=code,
                            key_hash=hash_key(key),
                            seed=secrets.randbelow(2**31),
                            status="open",
                            epoch=0,
                            network_version=0,
                            created_ms=self._now_ms(),
                        )
                    )
                return NewSession(code, key)
            except sa.exc.IntegrityError:
                continue
        raise RuntimeError("could not find a free join code")

    def check_key(self, code: str, key: str | None) -> bool:
        """Whether ``key`` is the lecturer key of session ``code`` (constant-time comparison)."""
        with self._read() as connection:
            try:
                self._lecturer_row(connection, code, key or "")
            except (UnknownSessionError, LecturerKeyError):
                return False
        return True

    def set_status(self, code: str, key: str, status: str) -> None:
        """Open (or reopen), pause or close a session."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
        with self._write() as connection:
            row = self._lecturer_row(connection, code, key)
            connection.execute(
                sessions.update().where(sessions.c.id == row.id).values(status=status)
            )

    def reset(self, code: str, key: str) -> None:
        """Remove every vote and every student's place: the session starts again, same code."""
        with self._write() as connection:
            row = self._lecturer_row(connection, code, key)
            connection.execute(votes.delete().where(votes.c.session_id == row.id))
            connection.execute(students.delete().where(students.c.session_id == row.id))
            connection.execute(
                sessions.update().where(sessions.c.id == row.id).values(epoch=row.epoch + 1)
            )

    def remove_student(self, code: str, key: str, student: str) -> int:
        """Remove one student's votes and stop that id from voting again; returns how many."""
        with self._write() as connection:
            row = self._lecturer_row(connection, code, key)
            removed = connection.execute(
                votes.delete().where(votes.c.session_id == row.id, votes.c.student == student)
            ).rowcount
            connection.execute(
                students.update()
                .where(students.c.session_id == row.id, students.c.student == student)
                .values(blocked=True, votes=0)
            )
            connection.execute(
                sessions.update().where(sessions.c.id == row.id).values(epoch=row.epoch + 1)
            )
        return int(removed)

    def save_network(self, code: str, key: str, network: dict) -> int:
        """Keep the class network (layers, activation, weights as lists); returns its version."""
        payload = json.dumps(network)
        with self._write() as connection:
            row = self._lecturer_row(connection, code, key)
            version = row.network_version + 1
            connection.execute(networks.delete().where(networks.c.session_id == row.id))
            connection.execute(
                networks.insert().values(
                    session_id=row.id, version=version, network=payload, created_ms=self._now_ms()
                )
            )
            connection.execute(
                sessions.update().where(sessions.c.id == row.id).values(network_version=version)
            )
        return version

    def student_counts(self, code: str, key: str) -> list[tuple[str, int]]:
        """(student, votes) for every student with a vote, most votes first."""
        with self._read() as connection:
            row = self._lecturer_row(connection, code, key)
            query = (
                sa.select(votes.c.student, sa.func.count())
                .where(votes.c.session_id == row.id)
                .group_by(votes.c.student)
                .order_by(sa.func.count().desc(), votes.c.student)
            )
            return [(r[0], int(r[1])) for r in connection.execute(query)]

    # ------------------------------------------------------------------ anyone

    def status(self, code: str) -> str | None:
        """The session's status, or None for an unknown code."""
        with self._read() as connection:
            row = self._session_row(connection, code)
        return None if row is None else row.status

    def seed(self, code: str) -> int:
        with self._read() as connection:
            row = self._session_row(connection, code)
        if row is None:
            raise UnknownSessionError(f"no class session has the code {code!r}")
        return int(row.seed)

    def pulse(self, code: str) -> Pulse | None:
        """Status, epoch, counts and the newest vote id, in one small query (None: unknown)."""
        code = normalise_code(code)
        if code is None:
            return None
        in_session = votes.c.session_id == sessions.c.id
        query = sa.select(
            sessions.c.status,
            sessions.c.epoch,
            sessions.c.network_version,
            sa.select(sa.func.count()).where(in_session).scalar_subquery(),
            sa.select(sa.func.count(sa.distinct(votes.c.student)))
            .where(in_session)
            .scalar_subquery(),
            sa.select(sa.func.coalesce(sa.func.max(votes.c.id), 0))
            .where(in_session)
            .scalar_subquery(),
        ).where(sessions.c.code == code)
        with self._read() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return Pulse(row[0], int(row[1]), int(row[3]), int(row[4]), int(row[2]), int(row[5]))

    def votes(self, code: str, after_id: int = 0) -> list[tuple[int, Vote]]:
        """The session's votes with their ids (after ``after_id``), in the order they were cast."""
        with self._read() as connection:
            row = self._session_row(connection, code)
            if row is None:
                raise UnknownSessionError(f"no class session has the code {code!r}")
            query = (
                sa.select(votes)
                .where(votes.c.session_id == row.id, votes.c.id > after_id)
                .order_by(votes.c.id)
            )
            return [
                (r.id, Vote(r.student, r.idx, r.colour, r.text, r.anchor))
                for r in connection.execute(query)
            ]

    def network(self, code: str) -> dict | None:
        """The class network last saved for the session, or None."""
        with self._read() as connection:
            row = self._session_row(connection, code)
            if row is None:
                return None
            payload = connection.execute(
                sa.select(networks.c.network).where(networks.c.session_id == row.id)
            ).scalar()
        return None if payload is None else json.loads(payload)

    # ------------------------------------------------------------------ students

    def join(self, code: str, student: str) -> StudentView | None:
        """Register a student (once; a reload keeps their place) and say where they are.

        Returns:
            The student's view of the session, or None for an unknown code.
        """
        if not STUDENT_PATTERN.match(student or ""):
            raise ValueError(f"expected a student id of 8-32 URL-safe characters, got {student!r}")
        with self._write() as connection:
            row = self._session_row(connection, code)
            if row is None:
                return None
            mine = self._student_row(connection, row.id, student, lock=False)
            if mine is None and row.status != "closed":
                count = connection.execute(
                    sa.select(sa.func.count()).where(students.c.session_id == row.id)
                ).scalar()
                if count < MAX_STUDENTS:
                    connection.execute(
                        _insert_ignore(
                            self.engine,
                            students,
                            {
                                "session_id": row.id,
                                "student": student,
                                "next_index": 0,
                                "votes": 0,
                                "tokens": BURST,
                                "at_ms": self._now_ms(),
                                "blocked": False,
                            },
                        )
                    )
                    mine = self._student_row(connection, row.id, student, lock=False)
        return self._view(row, mine)

    def student_view(self, code: str, student: str) -> StudentView | None:
        """The session's state and the student's place, in one query (None: unknown code)."""
        code = normalise_code(code)
        if code is None:
            return None
        query = (
            sa.select(sessions, students.c.next_index, students.c.votes, students.c.blocked)
            .select_from(
                sessions.outerjoin(
                    students,
                    sa.and_(students.c.session_id == sessions.c.id, students.c.student == student),
                )
            )
            .where(sessions.c.code == code)
        )
        with self._read() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return StudentView(
            row.status,
            int(row.seed),
            -1 if row.next_index is None else int(row.next_index),
            int(row.votes or 0),
            bool(row.blocked),
            int(row.network_version),
        )

    @staticmethod
    def _view(session_row, student_row) -> StudentView:
        return StudentView(
            session_row.status,
            int(session_row.seed),
            -1 if student_row is None else int(student_row.next_index),
            0 if student_row is None else int(student_row.votes),
            False if student_row is None else bool(student_row.blocked),
            int(session_row.network_version),
        )

    @staticmethod
    def _student_row(connection: Connection, session_id: int, student: str, lock: bool):
        query = sa.select(students).where(
            students.c.session_id == session_id, students.c.student == student
        )
        return connection.execute(query.with_for_update() if lock else query).first()

    def vote(
        self, code: str, student: str, index: int, colour: str, text: str | None
    ) -> VoteResult:
        """Store a student's label for the colour at ``index`` of their sequence.

        Args:
            code: the session's join code.
            student: the student's id (they must have joined).
            index: the position of the colour the student was shown.
            colour: that colour, "#rrggbb" (checked against the sequence).
            text: "black" or "white"; None records a skip (no vote, the next colour follows).

        Returns:
            A VoteResult; "counted" only after the vote has been committed.
        """
        if text is not None and text not in TEXT_COLOURS:
            return VoteResult("bad_text")
        if not isinstance(index, int | np.integer) or not 0 <= index < MAX_INDEX:
            return VoteResult("not_issued")
        now = self._now_ms()
        with self._write() as connection:
            row = self._session_row(connection, code)
            if row is None:
                return VoteResult("unknown_session")
            if row.status != "open":
                return VoteResult(row.status)
            mine = self._student_row(connection, row.id, student, lock=True)
            refusal = _refusal(int(row.seed), mine, student, int(index), str(colour))
            if refusal is not None:
                return VoteResult(refusal, 0 if mine is None else mine.votes)
            issued = colour_at(int(row.seed), student, int(index))
            tokens = min(BURST, mine.tokens + (now - mine.at_ms) / 1000 * RATE)
            if tokens < 1:
                return VoteResult("rate_limited", mine.votes)
            vote_id = None
            if text is not None:
                vote_id = connection.execute(
                    votes.insert()
                    .values(
                        session_id=row.id,
                        student=student,
                        idx=int(index),
                        colour=issued.hex,
                        anchor=issued.anchor,
                        text=text,
                        created_ms=now,
                    )
                    .returning(votes.c.id)
                ).scalar()
            cast = mine.votes + (text is not None)
            connection.execute(
                students.update()
                .where(students.c.session_id == row.id, students.c.student == student)
                .values(next_index=int(index) + 1, votes=cast, tokens=tokens - 1, at_ms=now)
            )
        return VoteResult("counted" if text is not None else "skipped", cast, vote_id)
