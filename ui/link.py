"""A page's state in its URL: one codec for the three pages, so a reload or a link restores it.

Plain settings are widgets bound to the query string with Streamlit's own binding
(``bind="query-params"``; the widget's key is the parameter's name): Streamlit writes them as
they change and leaves them out at their default. What binding cannot express (packed labels,
a hidden-layer list, the step a person stands at) is written here, by the same rule: only
values that differ from the default.

Binding drops a value it cannot use without a word, and reads only its own spelling of a value
(``iterations=100000``, not ``1e5``). So on a session's first run this module reads every
parameter of the page itself: a value it can use but spelt otherwise is rewritten the way the
widget writes it, and a value it cannot use becomes a ``LinkNote`` saying what the page uses
instead. The notes show until the person changes that setting.

Two rules hold for every parameter of every page. A parameter given more than once
(``lr=0.2&lr=20``) is read from its last value, as ``st.query_params`` reads it, and a note says
so. A link's numbers are written in ASCII: the digits 0-9, a sign, '.' and 'e'; a value with any
other digit (``lr=٣``, a full-width ``３``, a superscript ``²``) is not read as a number, and a
note says which digit it was and what the page uses instead.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

NOTE_LENGTH = 40  # a value is quoted in a note up to this many characters
QUOTE = re.compile(r"(['\"`])(.*?)\1", re.DOTALL)  # what a reader's reason quotes
REPEATS_QUOTED = 3  # a parameter given more often is quoted with its first values only
# A number as a link writes it: ASCII digits, a sign, one '.', an exponent ("0.2", "-1e5").
NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
WHOLE = re.compile(r"[+-]?\d+", re.ASCII)


@dataclass(frozen=True)
class Changed:
    """A value a parameter's reader accepted as something else, and what it became."""

    value: object
    reason: str  # e.g. "was out of range and is clamped as CSS does, to #ff0000"


@dataclass(frozen=True)
class Param:
    """One URL parameter of a page.

    Attributes:
        name: The parameter's name in the URL (and the key of its widget when ``bound``).
        read: Text to value; raises ``ValueError`` with a reason ("is not a whole number"), or
            returns ``Changed`` for a value used in another form.
        default: The value without the parameter; a value equal to it is left out of the URL.
        write: Value to text, exactly as the widget writes it when ``bound``.
        bound: A widget bound with ``bind="query-params"`` and ``key=name`` shows this value.
        default_words: How a note names the default where its written form says nothing to a
            person ("no labels" for an empty list).
    """

    name: str
    read: Callable[[str], object]
    default: object
    write: Callable[[object], str] = str
    bound: bool = False
    default_words: str | None = None

    def instead(self) -> str:
        """What a note says the page uses in place of a value it cannot use."""
        if self.default is None:
            return "ignored"
        return f"using {self.default_words or self.write(self.default) or 'the default'}"


@dataclass(frozen=True)
class LinkNote:
    """A URL value that could not be used as written, and what the page uses instead.

    The page shows it while its setting still holds ``value``, and drops it once changed.
    """

    name: str
    text: str
    value: object


def quoted(text: str) -> str:
    """A URL value as a note quotes it: cut to ``NOTE_LENGTH`` characters."""
    return text if len(text) <= NOTE_LENGTH else f"{text[:NOTE_LENGTH]}…"


def cut_quotes(reason: str) -> str:
    """A reader's reason with each value it quotes ('…', "…", `…`) cut like ``quoted``."""
    return QUOTE.sub(lambda match: f"{match[1]}{quoted(match[2])}{match[1]}", reason)


def foreign_digit(text: str) -> str | None:
    """The first digit of ``text`` that is not one of ASCII 0-9 ('٣', '３', '²'), else None."""
    return next((c for c in text if not c.isascii() and c.isnumeric()), None)


def read_value(param: Param, text: str) -> object:
    """``param.read(text)``, refusing a value with a digit other than 0-9 first."""
    digit = foreign_digit(text)
    if digit is not None:
        name = unicodedata.name(digit, "").lower() or f"U+{ord(digit):04X}"
        raise ValueError(f"has the digit '{digit}' ({name}); a link's numbers take only 0-9")
    return param.read(text)


def repeat_note(param: Param, texts: Sequence[str], value: object, usable: bool) -> LinkNote:
    """A note that ``param`` was given more than once and the last value is the one read."""
    times = "twice" if len(texts) == 2 else f"{len(texts)} times"
    shown = [f"`{quoted(str(t))}`" for t in texts[:REPEATS_QUOTED]]
    listed = ", ".join(shown) + (", …" if len(texts) > REPEATS_QUOTED else "")
    if not usable:
        using = "reading the last"
    elif value == param.default:  # named as a note names the default ("no labels")
        using = f"using the last, {param.instead().removeprefix('using ')}"
    else:
        using = f"using the last, {param.write(value)}"
    return LinkNote(param.name, f"`{param.name}` was given {times} ({listed}); {using}", value)


def read_params(
    raw: Mapping[str, str],
    params: Sequence[Param],
    repeated: Mapping[str, Sequence[str]] | None = None,
) -> tuple[dict[str, object], list[LinkNote]]:
    """Every parameter's value from URL text: what it says, else its default, with a note.

    Args:
        raw: The URL's parameters (others than ``params`` are ignored), each its last value.
        params: The page's parameters.
        repeated: Every value, in order, of each parameter the URL gives more than once.

    Returns:
        A value for every parameter (its default when absent or unusable), and one note per
        value that was not used as written (a repeated parameter: one note for the repeat).
    """
    values: dict[str, object] = {}
    notes: list[LinkNote] = []
    repeated = repeated or {}
    for param in params:
        values[param.name] = param.default
        text = raw.get(param.name)
        if text is None:
            continue
        texts = repeated.get(param.name, ())
        written = f"`{param.name}={quoted(str(text))}`"
        try:
            value = read_value(param, str(text))
        except ValueError as error:
            if len(texts) > 1:
                notes.append(repeat_note(param, texts, param.default, usable=False))
            reason = cut_quotes(str(error))
            notes.append(
                LinkNote(param.name, f"{written} {reason}; {param.instead()}", param.default)
            )
            continue
        if isinstance(value, Changed):
            reason = cut_quotes(value.reason)
            if len(texts) > 1:
                notes.append(repeat_note(param, texts, value.value, usable=False))
            notes.append(LinkNote(param.name, f"{written} {reason}", value.value))
            value = value.value
        elif len(texts) > 1:
            notes.append(repeat_note(param, texts, value, usable=True))
        values[param.name] = value
    return values, notes


def query_of(values: Mapping[str, object], params: Sequence[Param]) -> dict[str, str]:
    """The URL parameters of ``values``: each written as its parameter writes it, defaults left
    out."""
    return {
        p.name: p.write(values[p.name])
        for p in params
        if p.name in values and values[p.name] != p.default
    }


def canonical(raw: Mapping[str, str], values: Mapping[str, object], params: Sequence[Param]):
    """``raw`` with the page's parameters rewritten as the page writes them (other parameters
    kept as they came)."""
    names = {p.name for p in params}
    kept = {key: value for key, value in raw.items() if key not in names}
    return kept | query_of(values, params)


def read_url_once(
    page: str,
    params: Sequence[Param],
    adjust: Callable[[dict, Mapping[str, str]], dict] | None = None,
) -> dict[str, object] | None:
    """On the session's first run of a page, its URL's values; on later runs None.

    Seeds the bound widgets (``st.session_state[name]``) with values that differ from their
    default, keeps the notes for ``link_notes_ui``, and, when the URL spells a value otherwise
    than the page does (or holds one it cannot use), rewrites the URL and reruns once, so that
    Streamlit's binding reads the page's own spelling. The values come back on that rerun.

    Args:
        page: A name for the page's entries in the session state.
        params: The page's parameters.
        adjust: ``adjust(values, raw)`` may change the values read (a default that depends on
            another value); the URL is then rewritten to match.
    """
    key = f"{page}_link"
    stored = st.session_state.get(key)
    if stored is not None:
        if stored["pending"]:
            stored["pending"] = False
            return stored["values"]
        return None
    raw = st.query_params.to_dict()  # a parameter given twice: its last value
    repeated = {p.name: texts for p in params if len(texts := st.query_params.get_all(p.name)) > 1}
    values, notes = read_params(raw, params, repeated)
    if adjust is not None:
        values = adjust(values, raw)
    for param in params:
        if param.bound and values[param.name] != param.default:
            st.session_state[param.name] = values[param.name]
    rewritten = canonical(raw, values, params)
    rewrite = rewritten != raw or bool(repeated)  # a repeat leaves the URL with one value
    st.session_state[key] = {"values": values, "notes": notes, "pending": rewrite}
    if rewrite:
        st.query_params.from_dict(rewritten)  # no widget is bound yet on a first run
        st.rerun()
    return values


def write_url(values: Mapping[str, object], params: Sequence[Param]) -> None:
    """Keep the URL's unbound parameters equal to ``values`` (bound ones Streamlit writes).

    Only what changed is written, one parameter at a time, so the browser's history stays
    quiet and the bound parameters are never touched.
    """
    for param in params:
        if param.bound or param.name not in values:
            continue
        value = values[param.name]
        text = None if value == param.default else param.write(value)
        if st.query_params.get(param.name) == text:
            continue
        if text is None:
            del st.query_params[param.name]
        else:
            st.query_params[param.name] = text


def link_notes_ui(page: str, current: Mapping[str, object]) -> None:
    """One warning naming each URL value the page could not use, while it still applies.

    Args:
        page: The page's name, as given to ``read_url_once``.
        current: The value of each parameter now; a note goes once its value changed.
    """
    stored = st.session_state.get(f"{page}_link")
    if not stored:
        return
    notes = [n for n in stored["notes"] if current.get(n.name, n.value) == n.value]
    stored["notes"] = notes
    if notes:
        lines = "\n".join(f"- {note.text}." for note in notes)
        st.warning(
            f"Some of this link's settings could not be used as written:\n{lines}",
            icon=":material/warning:",
        )


# Readers shared by the pages' parameters: each raises ValueError with the reason.


def whole(low: int, high: int) -> Callable[[str], int]:
    """A reader of whole numbers from ``low`` to ``high`` ("7", "7.0" and "1e3" are whole)."""

    def read(text: str) -> int:
        value = None
        if WHOLE.fullmatch(text.strip()):
            with contextlib.suppress(ValueError):  # too many digits for int: read as a float
                value = int(text.strip())  # exact
        if value is None:
            value = number(float("-inf"), float("inf"))(text)
            if value != int(value):
                raise ValueError("is not a whole number")
        if not low <= value <= high:
            raise ValueError(f"is outside {low:,} to {high:,}")
        return int(value)

    return read


def number(low: float, high: float) -> Callable[[str], float]:
    """A reader of finite numbers from ``low`` to ``high``."""

    def read(text: str) -> float:
        if not NUMBER.fullmatch(text.strip()):
            raise ValueError("is not a number")
        value = float(text.strip())
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("is not a number")
        if not low <= value <= high:
            raise ValueError(f"is outside {low:,g} to {high:,g}")
        return value

    return read


def one_of(options: Sequence[str]) -> Callable[[str], str]:
    """A reader of one of ``options``, as written."""

    def read(text: str) -> str:
        if text.strip() not in options:
            raise ValueError(f"should be one of {', '.join(options)}")
        return text.strip()

    return read


def flag(text: str) -> bool:
    """A yes/no: ``true``/``false`` as Streamlit writes a checkbox, or ``1``/``0``."""
    value = text.strip().lower()
    if value not in ("true", "false", "1", "0"):
        raise ValueError("should be true or false")
    return value in ("true", "1")


def write_flag(value: object) -> str:
    return "true" if value else "false"


def exact(value: float) -> str:
    """A float as short URL text that reads back as the same float ("0.2", "1", "0.33")."""
    short = f"{value:.15g}"
    return short if float(short) == value else repr(float(value))


# The app's own parameter, on every page: the projector view (ui/app.py's sidebar switch).
PROJECTOR = "projector"
VIEW = Param("view", one_of((PROJECTOR,)), None)  # absent: the default view
