"""Class sessions in SQL: create one, the lecturer's actions, and what anyone may read.

``SessionPool(engine)`` takes any SQLAlchemy engine (SQLite, PostgreSQL) and creates the schema
(``core.colour.pool_schema``) on first use, refusing a database a newer app wrote. Its lecturer
actions need the session's key, compared in constant time with its stored hash. A student's
join and votes are ``core.colour.pool.ClassPool``'s, which extends it.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from core.colour.classroom import Vote
from core.colour.pool_schema import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MIGRATIONS,
    SCHEMA_VERSION,
    STATUSES,
    LecturerKeyError,
    NewSession,
    Pulse,
    SchemaVersionError,
    UnknownSessionError,
    configure_sqlite,
    hash_key,
    metadata,
    networks,
    normalise_code,
    schema_version,
    sessions,
    students,
    votes,
)


class SessionPool:
    """Class sessions in one SQL database (SQLite or PostgreSQL), apart from students' votes.

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
                sa.select(votes.c.student, sa.func.count().label("cast"))
                .where(votes.c.session_id == row.id)
                .group_by(votes.c.student)
                .order_by(sa.func.count().desc(), votes.c.student)
            )
            return [(r.student, int(r.cast)) for r in connection.execute(query)]

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
            sa.select(sa.func.count()).where(in_session).scalar_subquery().label("labels"),
            sa.select(sa.func.count(sa.distinct(votes.c.student)))
            .where(in_session)
            .scalar_subquery()
            .label("students"),
            sa.select(sa.func.coalesce(sa.func.max(votes.c.id), 0))
            .where(in_session)
            .scalar_subquery()
            .label("last_id"),
        ).where(sessions.c.code == code)
        with self._read() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return Pulse(
            status=row.status,
            epoch=int(row.epoch),
            labels=int(row.labels),
            students=int(row.students),
            network_version=int(row.network_version),
            last_id=int(row.last_id),
        )

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
