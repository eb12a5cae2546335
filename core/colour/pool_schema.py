"""The class pool's SQL schema: its tables, version, codes, records and SQLite settings.

``core.colour.pool.ClassPool`` runs its statements on these tables; nothing here touches a
database but ``configure_sqlite``, which only adds listeners to an engine. The same schema runs
on SQLite and PostgreSQL; ``SCHEMA_VERSION`` is stored in table ``schema_version`` and
``MIGRATIONS`` upgrades an older database step by step.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

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


def insert_ignore(engine: Engine, table: sa.Table, values: dict):
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
