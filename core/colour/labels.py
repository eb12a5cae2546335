"""Labels a person gives ("this colour reads better with white text"), and their CSV form.

The CSV has a header and one label per row, so a class can pool files:

    colour,text
    #3366cc,white
    #f0e68c,black

On reading, ``colour`` takes any form ``core.colour.data.parse_colour`` accepts and ``text`` may
also be written 1 (white) or 0 (black), as in the lesson's expected outputs. A colour with commas
should be quoted (``"rgb(0, 0, 0)",white``); when it is not, and it is the only cell with commas,
its pieces are joined back.

An upload keeps the rows it can read and names the others (``read_labels_file``): one typo
does not cost a class its file. Two problems reject the whole file instead, because no row of
it can be trusted: a header without ``colour`` and ``text``, and a quote left open (the lines
after it read as one cell, so the rows it swallowed cannot be told apart).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from core.colour.data import parse_colour, read_colour, to_hex
from core.mlp.data import normalise, training_set

TEXT_COLOURS = ("black", "white")  # index = the lesson's label: 0 black, 1 white
MAX_ROWS = 10_000
MAX_BYTES = 1_000_000
UNDO_REACH = 1_000  # how far back in a teaching sequence an undone label's colour is looked for
TEXT_ALIASES = {"black": "black", "0": "black", "white": "white", "1": "white"}


@dataclass(frozen=True)
class Label:
    """One person's choice: over ``colour`` (``#rrggbb``) the ``text`` colour reads better."""

    colour: str
    text: str

    @property
    def target(self) -> int:
        """The lesson's label: 1 for white text, 0 for black."""
        return TEXT_COLOURS.index(self.text)


def make_label(colour: str | Sequence[int], text: str) -> Label:
    """Build a Label, checking both values.

    Args:
        colour: the background, in any form ``parse_colour`` accepts.
        text: "black", "white", "0" or "1".

    Raises:
        ValueError: naming the bad value.
    """
    key = str(text).strip().lower()
    if key not in TEXT_ALIASES:
        raise ValueError(f"text must be 'black' or 'white' (or 0 / 1), got {text!r}")
    return Label(to_hex(parse_colour(colour)), TEXT_ALIASES[key])


def labels_to_csv(labels: Iterable[Label]) -> str:
    """Write labels as CSV text with a ``colour,text`` header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["colour", "text"])
    for label in labels:
        writer.writerow([label.colour, label.text])
    return out.getvalue()


@dataclass(frozen=True)
class LabelFile:
    """What an uploaded labels file holds.

    Attributes:
        labels: the rows that are labels, in file order (at least one).
        notes: one per colour read in another form, "line 3: 'rgb(300, 0, 0)': red 300 ...".
        skipped: one per row left out and why, "line 4: '#ggg' is not a colour".
    """

    labels: list[Label]
    notes: list[str]
    skipped: list[str]


def _csv_rows(data: bytes | str) -> list[tuple[int, int, list[str]]]:
    """The file's non-blank rows with their first and last line numbers, the header first."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise ValueError(
                f"the file is {len(data):,} bytes; label files are at most {MAX_BYTES:,} bytes"
            )
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text: upload a CSV of labels") from None
    try:
        reader = csv.reader(io.StringIO(data))
        # Keep each row's lines in the file, as an editor or a spreadsheet numbers them.
        rows, end = [], 0
        for row in reader:
            first, end = end + 1, reader.line_num
            if any(cell.strip() for cell in row):
                rows.append((first, end, row))
    except csv.Error as error:
        raise ValueError(f"the file is not a readable CSV: {error}") from None
    if not rows:
        raise ValueError("the file is empty: expected a header 'colour,text' and one label per row")
    return rows


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first} to {last}"


def read_labels_file(data: bytes | str) -> LabelFile:
    """Read an uploaded labels file: the rows that are labels, and which rows were left out.

    Args:
        data: the file's bytes (UTF-8) or text.

    Returns:
        A LabelFile with at least one label.

    Raises:
        ValueError: when the file as a whole cannot be read (not UTF-8 text, too large, no
            ``colour,text`` header, too many rows, a quote left open) or no row is a label;
            with a message a person can act on, naming the lines at fault.
    """
    rows = _csv_rows(data)
    header = [cell.strip().lower() for cell in rows[0][2]]
    missing = [name for name in ("colour", "text") if name not in header]
    if missing:
        raise ValueError(
            f"the header {rows[0][2]!r} lacks column {missing[0]!r}: expected 'colour,text'"
        )
    if len(rows) == 1:
        raise ValueError("the file has a header but no labels")
    if len(rows) - 1 > MAX_ROWS:
        raise ValueError(f"the file has {len(rows) - 1:,} labels; at most {MAX_ROWS:,} are read")
    colour_at, text_at = header.index("colour"), header.index("text")
    labels, notes, skipped = [], [], []
    for first, last, row in rows[1:]:
        try:
            label, note = _row_label(row, len(header), colour_at, text_at)
        except ValueError as error:
            if last > first:  # no colour spans lines: a quote swallowed the lines after it
                raise ValueError(
                    f"{_lines(first, last)} read as one row: a quoted cell runs over several "
                    "lines (a quote left open?), so the rows in it cannot be told apart; check "
                    f'the quotes (") from line {first} and upload the file again'
                ) from None
            skipped.append(f"{_lines(first, last)}: {error}")
            continue
        labels.append(label)
        if note is not None:
            notes.append(f"{_lines(first, last)}: {note}")
    if not labels:
        listed = "; ".join(skipped[:3]) + (f" (and {len(skipped) - 3} more)" * (len(skipped) > 3))
        raise ValueError(f"no row is a label: {listed}")
    return LabelFile(labels, notes, skipped)


def _label_and_note(colour: str, text: str) -> tuple[Label, str | None]:
    reading = read_colour(colour)
    return make_label(reading.rgb, text), reading.note


def _row_label(
    row: list[str], width: int, colour_at: int, text_at: int
) -> tuple[Label, str | None]:
    """One CSV row as a Label; an unquoted colour with commas, rgb(0,0,0), is joined back."""
    extra = len(row) - width
    if extra > 0:
        # Only the colour column can hold commas: its cells are the `extra + 1` from colour_at.
        colour = ",".join(row[colour_at : colour_at + extra + 1])
        rest = row[:colour_at] + [colour] + row[colour_at + extra + 1 :]
        try:
            return _label_and_note(rest[colour_at], rest[text_at])
        except ValueError as error:
            raise ValueError(
                f"{error} (this row has {len(row)} cells for {width} columns: a colour with "
                f'commas must be quoted, as in "rgb(0, 0, 0)",white)'
            ) from None
    if len(row) <= max(colour_at, text_at):
        raise ValueError(f"expected a colour and a text colour, got {row!r}")
    return _label_and_note(row[colour_at], row[text_at])


def merge_labels(existing: Sequence[Label], new: Sequence[Label]) -> tuple[list[Label], int]:
    """Add new labels, skipping any (colour, text) pair already present.

    Different texts for the same colour are both kept: people do disagree.

    Returns:
        The merged list and how many labels were added.
    """
    merged = list(existing)
    seen = set(merged)
    for label in new:
        if label not in seen:
            merged.append(label)
            seen.add(label)
    return merged, len(merged) - len(existing)


def teaching_set(
    labels: Sequence[Label], include_document: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets to train on: the person's labels, optionally after the document's ten.

    Returns:
        X of shape (n, 3) in [0, 1] and y of shape (n, 1) with 1 = white text.

    Raises:
        ValueError: when there is nothing to train on.
    """
    X_parts, y_parts = [], []
    if include_document:
        X_doc, y_doc = training_set()
        X_parts.append(X_doc)
        y_parts.append(y_doc)
    if labels:
        X_parts.append(normalise([parse_colour(label.colour) for label in labels]))
        y_parts.append(np.array([[label.target] for label in labels], dtype=np.float64))
    if not X_parts:
        raise ValueError("no labels to train on: label some colours or include the document's ten")
    return np.vstack(X_parts), np.vstack(y_parts)


def teach_colour(seed: int, index: int) -> tuple[int, int, int]:
    """The index-th colour of a person's teaching sequence (the same seed gives the same colours).

    Args:
        seed: the sequence's seed.
        index: 0, 1, 2, ...

    Returns:
        (r, g, b) ints in 0..255.
    """
    if seed < 0 or index < 0:
        raise ValueError(f"expected seed and index >= 0, got seed {seed}, index {index}")
    r, g, b = np.random.default_rng([seed, index]).integers(0, 256, size=3)
    return (int(r), int(g), int(b))


def asked_at(seed: int, index: int, colour: str) -> int | None:
    """The latest position before ``index`` where the teaching sequence asked about ``colour``.

    Undoing a label steps the sequence back there, so the colour is asked again. A label that
    came from a file is not in the sequence (None): undoing it leaves the sequence alone.

    Args:
        seed: the sequence's seed.
        index: the position the sequence has reached (the colour on show).
        colour: ``#rrggbb``, as a ``Label`` holds it.

    Returns:
        A position in ``index - UNDO_REACH .. index - 1``, or None.
    """
    if seed < 0 or index < 0:
        raise ValueError(f"expected seed and index >= 0, got seed {seed}, index {index}")
    for position in range(index - 1, max(-1, index - 1 - UNDO_REACH), -1):
        if to_hex(teach_colour(seed, position)) == colour:
            return position
    return None
