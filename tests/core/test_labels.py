"""A person's labels: CSV round trip, validation, merging, and retraining towards them."""

import contextlib
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.colour.contrast import relative_luminances
from core.colour.data import to_hex
from core.colour.labels import (
    MAX_ROWS,
    UNDO_REACH,
    Label,
    asked_at,
    labels_to_csv,
    make_label,
    merge_labels,
    read_labels_file,
    teach_colour,
    teaching_set,
)
from core.mlp import train
from core.mlp.data import training_set

LABELS = [Label("#3366cc", "white"), Label("#f0e68c", "black"), Label("#767676", "white")]


def problems(data: bytes | str) -> str:
    """What reading an upload says is wrong: its error, or the rows it left out."""
    try:
        found = read_labels_file(data)
    except ValueError as error:
        return str(error)
    return "; ".join(found.skipped)


def labels_and_notes(data: str) -> tuple[list[Label], list[str]]:
    found = read_labels_file(data)
    return found.labels, found.notes


def test_csv_round_trip():
    text = labels_to_csv(LABELS)
    assert text.splitlines() == ["colour,text", "#3366cc,white", "#f0e68c,black", "#767676,white"]
    assert read_labels_file(text).labels == LABELS
    assert read_labels_file(text.encode("utf-8")).labels == LABELS


def test_csv_from_a_spreadsheet_is_read_too():
    # Byte-order mark, capitalised header, extra column, 0/1 labels, names, blank lines.
    data = '\ufeffName,Colour,Text\r\nann,navy,1\r\n\r\nbob,#FFF,0\r\ncy,"rgb(0,100,0)",White\r\n'
    assert read_labels_file(data.encode("utf-8")).labels == [
        Label("#000080", "white"),
        Label("#ffffff", "black"),
        Label("#006400", "white"),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (b"colour,text\n", "has a header but no labels"),
        (b"color,label\n#fff,black\n", "lacks column 'colour'"),
        (b"colour,label\n#fff,black\n", "lacks column 'text'"),
        (b"colour,text\n#fff,black\n#ggg,white\n", "line 3: '#ggg' is not a colour"),
        (b"colour,text\n#fff,grey\n", "line 2: text must be 'black' or 'white'"),
        (b"colour,text\n#fff\n", "line 2: expected a colour and a text colour"),
        (b"colour,text\n\n#fff,black\n\nnope,white\n", "line 5: 'nope' is not a colour"),
        (b"colour,text\n\xff\xfe\x00bad", "not UTF-8 text"),
        (("colour,text\n" + "#fff,black\n" * (MAX_ROWS + 1)).encode(), "at most 10,000"),
        (b"\x89PNG\r\n\x1a\n", "not UTF-8 text"),
    ],
)
def test_bad_csv_says_what_is_wrong(data, message):
    assert message in problems(data)


@pytest.mark.parametrize(
    "colour, text, message",
    [("#12", "white", "'#12' is not a colour"), ("#123456", "blue", "got 'blue'")],
)
def test_make_label_names_the_bad_value(colour, text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_label(colour, text)


def test_merge_skips_repeats_and_keeps_disagreements():
    new = [Label("#3366cc", "white"), Label("#3366cc", "black"), Label("#000000", "white")]
    merged, added = merge_labels(LABELS, new)
    assert added == 2
    assert merged == [*LABELS, Label("#3366cc", "black"), Label("#000000", "white")]
    assert merge_labels(merged, merged) == (merged, 0)


def test_teaching_set_puts_the_documents_ten_first():
    X, y = teaching_set(LABELS)
    X_doc, y_doc = training_set()
    assert X.shape == (13, 3) and y.shape == (13, 1)
    np.testing.assert_array_equal(X[:10], X_doc)
    np.testing.assert_allclose(X[10], np.array([0x33, 0x66, 0xCC]) / 255)
    assert y[10:, 0].tolist() == [1.0, 0.0, 1.0]
    assert teaching_set(LABELS, include_document=False)[0].shape == (3, 3)
    with pytest.raises(ValueError, match="no labels to train on"):
        teaching_set([], include_document=False)


def test_teach_colours_repeat_with_the_seed_and_change_with_the_index():
    sequence = [teach_colour(5, i) for i in range(20)]
    assert sequence == [teach_colour(5, i) for i in range(20)]
    assert len(set(sequence)) == 20
    assert sequence != [teach_colour(6, i) for i in range(20)]
    assert all(0 <= v <= 255 and isinstance(v, int) for c in sequence for v in c)
    with pytest.raises(ValueError, match="index -1"):
        teach_colour(5, -1)


def test_retraining_on_labels_moves_predictions_towards_them():
    X_doc, y_doc = training_set()
    before = train(X_doc, y_doc, iterations=6000, engine="numpy").network()
    # A person who wants white text on mid-dark colours the lesson's network gives black text.
    candidates = np.random.default_rng(1).integers(0, 256, size=(400, 3))
    p = before.forward(candidates / 255).ravel()
    chosen = candidates[(p < 0.3) & (relative_luminances(candidates) < 0.3)][:12]
    assert len(chosen) == 12
    labels = [make_label(tuple(int(v) for v in c), "white") for c in chosen]

    X, y = teaching_set(labels)
    after = train(X, y, iterations=6000, engine="numpy").network()

    p_before = before.forward(chosen / 255).ravel()
    p_after = after.forward(chosen / 255).ravel()
    assert np.all(p_after > p_before)
    assert np.mean(p_after > 0.5) >= 0.9
    # The document's own ten colours are still answered correctly.
    np.testing.assert_array_equal(after.forward(X_doc).ravel() > 0.5, y_doc.ravel() == 1)


# Issue 9.10: a spreadsheet writes rgb(0,0,0) without quotes; the row is read, not rejected.
@pytest.mark.parametrize(
    "data, labels",
    [
        ("colour,text\nrgb(0,0,0),white\n", [Label("#000000", "white")]),
        (
            "colour,text\nrgb(255, 255, 0),black\n#fff,0\n",
            [Label("#ffff00", "black"), Label("#ffffff", "black")],
        ),
        ("name,colour,text\nann,rgb(0,100,0),1\n", [Label("#006400", "white")]),
        ("text,colour\nwhite,rgb(0,0,128)\n", [Label("#000080", "white")]),
    ],
)
def test_unquoted_colours_with_commas_are_read(data, labels):
    assert read_labels_file(data).labels == labels


def test_unreadable_unquoted_row_says_to_quote():
    with pytest.raises(ValueError, match=r"line 2: .*a colour with commas must be quoted"):
        read_labels_file("colour,text\nrgb(0,0,0,white\n")


def test_clamped_colours_in_a_file_are_named():
    labels, notes = labels_and_notes('colour,text\n"rgb(300, 0, 0)",white\n#000,black\n')
    assert labels == [Label("#ff0000", "white"), Label("#000000", "black")]
    assert len(notes) == 1 and notes[0].startswith("line 2: ") and "red 300" in notes[0]


csv_cells = st.one_of(
    st.sampled_from(["#fff", "navy", "rgb(0,0,0)", '"rgb(1, 2, 3)"', "white", "black", "1", "0"]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
csv_rows = st.lists(st.lists(csv_cells, max_size=4).map(",".join), max_size=6)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        csv_rows.map(lambda rows: "\n".join(["colour,text", *rows])),
        csv_rows.map("\n".join),
        st.binary(max_size=200),
    )
)
def test_any_file_gives_labels_or_a_clear_message(data):
    try:
        labels = read_labels_file(data).labels
    except ValueError as error:
        assert str(error)
        return
    assert labels and all(re.fullmatch(r"#[0-9a-f]{6}", label.colour) for label in labels)
    assert all(label.text in ("black", "white") for label in labels)


# Issue 25 item 7: one bad row no longer costs a class its whole file.
@pytest.mark.parametrize(
    "data, labels, skipped",
    [
        (
            "colour,text\n#fff,black\n#ggg,white\n#000,white\n",
            [Label("#ffffff", "black"), Label("#000000", "white")],
            ["line 3: '#ggg' is not a colour"],
        ),
        (
            "colour,text\n\nnavy,1\n\n#fff,grey\n#fff\n#123,0\n",
            [Label("#000080", "white"), Label("#112233", "black")],
            ["line 5: text must be 'black' or 'white'", "line 6: expected a colour and a text"],
        ),
        (
            "name,colour,text\nann,rgb(0,0,0,white\nbob,rgb(0,0,0),white\n",
            [Label("#000000", "white")],
            ["line 2: ", "a colour with commas must be quoted"],
        ),
    ],
)
def test_an_upload_keeps_its_good_rows_and_names_the_others(data, labels, skipped):
    found = read_labels_file(data)
    assert found.labels == labels
    assert len(found.skipped) == sum(s.startswith("line") for s in skipped)
    for piece in skipped:
        assert any(piece in line for line in found.skipped), (piece, found.skipped)


@pytest.mark.parametrize(
    "data, message",
    [
        ("colour,text\n#ggg,white\nnope,1\n", "no row is a label: line 2: '#ggg' is not a"),
        (
            "colour,text\n" + "x,white\n" * 5,
            "line 4: 'x' is not a colour: try #aabbcc, navy, rgb(51 102 204), hsl(210 50% 40%) "
            "or oklch(0.6 0.12 250) (and 2 more)",
        ),
        (
            'colour,text\n#fff,black\n"#000,white\n#111,black\n',
            "lines 3 to 4 read as one row: a quoted cell runs over several lines",
        ),
        ("colour,label\n#fff,black\n", "lacks column 'text'"),
    ],
)
def test_a_file_is_refused_whole_where_keeping_rows_would_be_wrong(data, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_labels_file(data)


label_rows = st.tuples(
    st.sampled_from(["#fff", "navy", "#3366cc", '"rgb(1, 2, 3)"']),
    st.sampled_from(["white", "black", "1", "0"]),
).map(",".join)
bad_rows = st.one_of(
    st.sampled_from(["#ggg,white", "#fff,grey", "#fff", "navy,purple,"]),
    st.text(alphabet="abcxyz#0123 ", min_size=1, max_size=10).map(lambda t: f"{t},white"),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(label_rows, bad_rows), min_size=1, max_size=12))
def test_good_rows_are_kept_in_order_and_each_skipped_row_is_named_by_its_line(rows):
    data = "\n".join(["colour,text", *rows]) + "\n"
    lines = dict(enumerate(rows, start=2))  # line 1 is the header, as an editor counts
    readable = {}
    for n, row in lines.items():
        with contextlib.suppress(ValueError):
            readable[n] = read_labels_file(f"colour,text\n{row}\n").labels[0]
    if not readable:
        with pytest.raises(ValueError, match="no row is a label"):
            read_labels_file(data)
        return
    found = read_labels_file(data)
    assert found.labels == list(readable.values())  # each row read as it is read alone
    named = [int(re.match(r"line (\d+): ", s)[1]) for s in found.skipped]
    assert named == [n for n in lines if n not in readable]


def test_an_undone_label_is_found_where_the_sequence_asked_it():
    colours = [to_hex(teach_colour(9, i)) for i in range(UNDO_REACH + 10)]
    assert asked_at(9, 4, colours[2]) == 2
    assert asked_at(9, 4, colours[4]) is None  # not asked yet
    assert asked_at(9, 3, "#123456") is None  # a label from a file
    assert asked_at(9, UNDO_REACH + 5, colours[5]) == 5  # the reach's far end
    assert asked_at(9, UNDO_REACH + 5, colours[4]) is None  # past it
    with pytest.raises(ValueError, match="index"):
        asked_at(9, -1, colours[0])
