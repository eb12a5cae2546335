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

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from core.colour.classroom import MAX_INDEX, colour_at
from core.colour.labels import TEXT_COLOURS
from core.colour.pool_schema import (
    BURST,
    MAX_STUDENTS,
    RATE,
    STUDENT_PATTERN,
    StudentView,
    VoteResult,
    insert_ignore,
    normalise_code,
    sessions,
    students,
    votes,
)
from core.colour.pool_sessions import SessionPool


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


class ClassPool(SessionPool):
    """Class sessions, their students and their votes in one SQL database.

    Args:
        engine: a SQLAlchemy engine. SQLite engines are configured here (WAL, busy timeout).
        clock: seconds since the epoch (tests pass their own).
    """

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
                        insert_ignore(
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
