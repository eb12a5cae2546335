"""The class session's database wiring: the pool on the app's database, and what every
viewer of a session shares from it (the class network, the last retrain, the votes in memory).

The pool lives in SQL through ``st.connection("classroom", type="sql")``: a SQLite file under
``$CLASSROOM_DATA_DIR`` (default ``.data/``), or the database that ``.streamlit/secrets.toml``
names under ``[connections.classroom]`` (PostgreSQL on Community Cloud). Each cache here is
keyed by values: an engine by its URL, a network by the session's code and network version.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Engine

from core.colour.classroom import ClassSummary, Vote, summarise
from core.colour.pool import ClassPool
from core.colour.pool_schema import Pulse
from core.colour.retraining import ClassRetrain, network_from_record
from core.mlp import MLP
from ui.app import ROOT

DATA_DIR_ENV = "CLASSROOM_DATA_DIR"
CONNECTION = "classroom"


def data_dir() -> Path:
    """Where the SQLite file lives: $CLASSROOM_DATA_DIR, else .data/ in the app's folder."""
    folder = Path(os.environ.get(DATA_DIR_ENV) or ROOT / ".data")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _secrets_name_a_database() -> bool:
    if not st.secrets.load_if_toml_exists():
        return False
    section = st.secrets.get("connections", {}).get(CONNECTION, {})
    return "url" in section or "dialect" in section


def engine_identity(engine: Engine) -> str:
    """What makes two engines the same database: their URL (password included)."""
    return engine.url.render_as_string(hide_password=False)


@st.cache_resource(show_spinner=False, max_entries=2, hash_funcs={Engine: engine_identity})
def _pool_for(engine: Engine) -> ClassPool:
    return ClassPool(engine)


def class_pool() -> ClassPool:
    """The pool on the app's database (one ClassPool per engine, shared by every session)."""
    if _secrets_name_a_database():
        connection = st.connection(CONNECTION, type="sql", pool_pre_ping=True)
    else:
        url = f"sqlite:///{data_dir() / 'classroom.sqlite'}"
        connection = st.connection(CONNECTION, type="sql", url=url, pool_size=10, max_overflow=20)
    return _pool_for(connection.engine)


@st.cache_resource(show_spinner=False, max_entries=64)
def class_network(code: str, version: int) -> MLP | None:
    """The class network the lecturer last saved (NumPy only: no TensorFlow on this path).

    Only the network is read, not the labels it learned (100,000 of them take 0.6 s).
    """
    saved = class_pool().network(code)
    try:
        return None if saved is None else network_from_record(saved)
    except (KeyError, TypeError, ValueError):
        return None  # a document this version cannot read: as if there were no class network


@st.cache_resource(show_spinner=False, max_entries=8)
def class_retrain(code: str, version: int) -> ClassRetrain | None:
    """The last retrain with what it learned from (the projector's "What retraining changed")."""
    saved = class_pool().network(code)
    try:
        return None if saved is None else ClassRetrain.from_payload(saved)
    except ValueError:
        return None


@dataclass
class PoolMirror:
    """The votes of one session held in memory, brought up to date by id, and their summary
    (shared by every viewer of the session).

    The mirror is the one owner of these votes: it knows when they changed (a new epoch, a new
    last id, a new count), and summarises them again only then.
    """

    epoch: int = -1
    last_id: int = 0
    votes: dict[int, Vote] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    summarised: tuple[tuple[int, int, int, int], ClassSummary] | None = None

    def update(self, pool: ClassPool, code: str, pulse: Pulse) -> list[Vote]:
        with self.lock:
            if pulse.epoch != self.epoch:  # a reset or a removal: read everything again
                self.votes, self.last_id, self.epoch = {}, 0, pulse.epoch
            if pulse.last_id != self.last_id or pulse.labels != len(self.votes):
                self._add(pool.votes(code, after_id=self.last_id))
                if len(self.votes) < pulse.labels:  # a vote committed out of id order
                    self.votes, self.last_id = {}, 0
                    self._add(pool.votes(code))
            return list(self.votes.values())

    def summary(self, pool: ClassPool, code: str, pulse: Pulse, seed: int) -> ClassSummary:
        """The votes' summary (``summarise``), brought up to date first."""
        self.update(pool, code, pulse)
        with self.lock:  # the votes and their state read together, whatever other viewers do
            state = (self.epoch, self.last_id, len(self.votes), seed)
            if self.summarised is None or self.summarised[0] != state:
                self.summarised = (state, summarise(list(self.votes.values()), seed))
            return self.summarised[1]

    def _add(self, rows: list[tuple[int, Vote]]) -> None:
        for vote_id, vote in rows:
            self.votes[vote_id] = vote
            self.last_id = max(self.last_id, vote_id)


@st.cache_resource(show_spinner=False, max_entries=32)
def _mirror(code: str) -> PoolMirror:
    return PoolMirror()


def pool_votes(code: str, pulse: Pulse) -> list[Vote]:
    return _mirror(code).update(class_pool(), code, pulse)


def pool_summary(code: str, pulse: Pulse) -> ClassSummary:
    """The pool's summary for the projector, shared by every viewer of the session."""
    return _mirror(code).summary(class_pool(), code, pulse, class_pool().seed(code))
