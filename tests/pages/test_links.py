"""The one URL codec (ui/link.py) and each page's parameters: what a link says, the page reads.

Every page reads its link the same way: a value it can use is used (spelt the page's way), a
value it cannot use becomes one note saying what the page uses instead. Old links keep working.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.colour.labels import Label
from core.colour.link import MAX_LINK_LABELS, PageLink
from core.filters.model import CONV_LAYERS
from core.mlp import TrainingSettings
from core.mlp.network import check_iterations, check_layers, check_learning_rate
from core.mlp.settings import MAX_SEED
from ui.colour.link import PARAMS as COLOUR_PARAMS
from ui.colour.link import link_values
from ui.filters.controls import PAGE_DEFAULT, link_params, own_steps
from ui.link import Changed, Param, canonical, exact, number, query_of, read_params, whole
from ui.train.controls import PARAMS as TRAIN_PARAMS
from ui.training import TRAINING_PARAMS, settings_of, values_of

FILTER_PARAMS = link_params("imagenet")


def read(raw: dict, params) -> tuple[dict, list[str]]:
    values, notes = read_params(raw, params)
    return values, [note.text for note in notes]


# The codec itself.


def test_a_value_read_another_way_says_what_it_became():
    param = Param("x", lambda t: Changed(int(t) % 10, f"became {int(t) % 10}"), 0)
    values, notes = read_params({"x": "12"}, [param])
    assert values == {"x": 2} and [n.text for n in notes] == ["`x=12` became 2"]
    assert notes[0].value == 2


def test_defaults_are_left_out_and_other_parameters_kept():
    param = Param("n", whole(1, 8), 4)
    assert query_of({"n": 4}, [param]) == {}
    assert query_of({"n": 5}, [param]) == {"n": "5"}
    assert canonical({"n": "4", "other": "x"}, {"n": 4}, [param]) == {"other": "x"}
    assert canonical({"n": "5.0"}, {"n": 5}, [param]) == {"n": "5"}


def test_a_long_value_is_quoted_short():
    _, notes = read({"n": "9" * 500}, [Param("n", whole(1, 8), 4)])
    assert notes == [f"`n={'9' * 40}…` is outside 1 to 8; using 4"]


def test_a_default_written_as_nothing_is_named_in_words():
    read_tags = whole(1, 8)
    assert read({"tags": "x"}, [Param("tags", read_tags, (), lambda v: "")])[1] == [
        "`tags=x` is not a number; using the default"
    ]
    named = Param("tags", read_tags, (), lambda v: "", default_words="no tags")
    assert read({"tags": "x"}, [named])[1] == ["`tags=x` is not a number; using no tags"]


# Train the MLP (and the training settings on "Text over a colour").


@pytest.mark.parametrize("learning_rate", [1.5, 0.2, 1 / 3, 0.1 + 0.2, 100.0])
def test_training_settings_survive_the_url_round_trip(learning_rate):
    trained = TrainingSettings(learning_rate, 50_000, 42, 0.5, (8, 3, 1), "relu")
    values, notes = read(query_of(values_of(trained), TRAINING_PARAMS), TRAINING_PARAMS)
    assert settings_of(values) == trained and notes == []
    assert exact(0.2) == "0.2"  # short when it can be


@pytest.mark.parametrize(
    "params, field, value",
    [
        ({"lr": "0.33"}, "learning_rate", 0.33),  # between slider stops: kept as written
        ({"lr": "0.3333333333333333"}, "learning_rate", 1 / 3),
        ({"iterations": "12345"}, "iterations", 12_345),
        ({"iterations": "1e5"}, "iterations", 100_000),  # a number, written another way
        ({"init": "0.14"}, "init_scale", 0.14),
        ({"seed": "7.0"}, "seed", 7),
        ({"hidden": "8"}, "hidden", (8,)),
    ],
)
def test_any_valid_training_value_is_used_as_written(params, field, value):
    values, notes = read(params, TRAINING_PARAMS)
    assert getattr(settings_of(values), field) == value and notes == []


@pytest.mark.parametrize(
    "params, says",
    [
        ({"lr": "abc"}, "`lr=abc` is not a number; using 0.2"),
        ({"lr": "0"}, "`lr=0` is outside 0.0001 to 100; using 0.2"),
        ({"iterations": "-5"}, "`iterations=-5` is outside 1 to 200,000; using 10000"),
        ({"iterations": "1e6"}, "outside 1 to 200,000"),  # a number, too large: not "not a number"
        ({"iterations": "2.5"}, "`iterations=2.5` is not a whole number"),
        ({"seed": "1e9"}, "outside"),
        ({"hidden": "0-2"}, "using 5-2"),
        ({"hidden": "1-2-3-4"}, "1-3 layer sizes"),
        ({"activation": "softmax"}, "`activation=softmax` should be one of sigmoid, tanh, relu"),
        ({"init": "nan"}, "not a number"),
        ({"step": "x"}, "`step=x` is not a number; using 0"),
    ],
)
def test_unusable_training_values_say_what_they_became(params, says):
    values, notes = read(params, TRAIN_PARAMS)
    assert settings_of(values) == TrainingSettings()
    assert len(notes) == 1 and says in notes[0]


TRAIN_TEXT = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**7), 10**7).map(str),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([p.name for p in TRAIN_PARAMS] + ["x"]), TRAIN_TEXT))
def test_any_training_link_gives_valid_settings_and_a_note_per_unused_value(raw):
    values, notes = read_params(raw, TRAIN_PARAMS)
    result = settings_of(values)
    check_learning_rate(result.learning_rate)
    check_iterations(result.iterations)
    check_layers(result.layers)
    assert 0 <= result.seed <= MAX_SEED and result.init_scale > 0 and result.problem() == ""
    noted = {note.name for note in notes}
    assert noted <= set(raw) - {"x"}
    # What the page writes reads back the same, with nothing to note.
    again, again_notes = read_params(canonical(raw, values, TRAIN_PARAMS), TRAIN_PARAMS)
    assert again == values and again_notes == []


# Text over a colour.


def test_colour_defaults_are_left_out_and_the_rest_read_back():
    assert query_of(link_values(PageLink(), TrainingSettings()), COLOUR_PARAMS) == {}
    link = PageLink(
        background="#ff0000",
        labels=(Label("#000000", "white"), Label("#ffffff", "black")),
        include_document=False,
        n_random=5,
        palette_seed=7,
        teach=(12, 3),
        retrained=1,
        retrained_doc=False,
        show_base=True,
    )
    query = query_of(link_values(link, TrainingSettings(learning_rate=1.0)), COLOUR_PARAMS)
    assert query == {
        "bg": "ff0000",
        "labels": "AAAA____AQ",
        "doc": "false",
        "random": "5",
        "pseed": "7",
        "teach": "12-3",
        "retrained": "1",
        "retrained_doc": "0",
        "net": "base",
        "lr": "1",
    }
    values, notes = read(query, COLOUR_PARAMS)
    assert values == link_values(link, TrainingSettings(learning_rate=1.0)) and notes == []


def test_the_largest_colour_link_stays_short_and_keeps_the_first_labels():
    labels = tuple(Label(f"#{i:06x}", "white" if i % 3 else "black") for i in range(600))
    link = PageLink(background="#123456", labels=labels, retrained=MAX_LINK_LABELS + 1)
    query = query_of(link_values(link, TrainingSettings()), COLOUR_PARAMS)
    assert sum(len(k) + len(v) + 2 for k, v in query.items()) < 1400
    values, _ = read(query, COLOUR_PARAMS)
    assert values["labels"] == labels[:MAX_LINK_LABELS]  # the first 300, in order
    assert "retrained" not in query  # a network that learned more than the link holds


@pytest.mark.parametrize(
    "params, key, message, value",
    [
        ({"bg": "zzz"}, "bg", "`bg=zzz` is not a colour (write it as 3366cc); using 3366cc", None),
        ({"bg": "rgb(300,0,0)"}, "bg", "clamped as CSS does, to #ff0000", "#ff0000"),
        ({"bg": "navy"}, "bg", None, "#000080"),
        ({"bg": "abc"}, "bg", None, "#aabbcc"),
        ({"random": "500"}, "random", "`random=500` is outside 0 to 200; using 20", None),
        ({"random": "1e3"}, "random", "`random=1e3` is outside 0 to 200", None),
        ({"doc": "yes"}, "doc", "`doc=yes` should be true or false; using true", None),
        ({"doc": "0"}, "doc", None, False),  # the form older links use
        ({"teach": "5"}, "teach", "`teach=5` should be two whole numbers", None),
        ({"teach": "5-4"}, "teach", None, (5, 4)),
        ({"net": "x"}, "net", "`net=x` should be base or retrained", None),
        ({"labels": "abc"}, "labels", "`labels=abc` is cut short", None),
        (
            {"labels": "garbage!!"},
            "labels",
            "`labels=garbage!!` is not a list of labels written by this page; using no labels",
            None,
        ),
    ],
)
def test_each_bad_colour_value_is_named_and_replaced(params, key, message, value):
    values, notes = read(params, COLOUR_PARAMS)
    default = next(p.default for p in COLOUR_PARAMS if p.name == key)
    assert values[key] == (default if value is None else value)
    if message is None:
        assert notes == []
    else:
        assert len(notes) == 1 and message in notes[0]


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([p.name for p in COLOUR_PARAMS] + ["other"]),
        st.text(max_size=30),
        max_size=6,
    )
)
def test_any_colour_link_gives_a_state_and_names_each_value_it_refused(raw):
    values, notes = read_params(raw, COLOUR_PARAMS)
    for note in notes:
        assert note.name in raw and note.text.startswith(f"`{note.name}=")
    again, again_notes = read_params(canonical(raw, values, COLOUR_PARAMS), COLOUR_PARAMS)
    assert again == values and again_notes == []


# VGG16 filters.


def test_filter_links_read_back_their_values():
    query = {"layer": "block3_conv3", "n": "3", "M": "150", "steps": "7", "size": "64"}
    values, notes = read(query, FILTER_PARAMS)
    assert notes == [] and query_of(values, FILTER_PARAMS) == query
    indices = {"select": "indices", "filters": "4,9,2", "method": "fourier", "step": "0.05"}
    values, notes = read(indices, FILTER_PARAMS)
    assert notes == [] and query_of(values, FILTER_PARAMS) == indices


def test_a_link_naming_only_the_method_gets_its_steps():
    raw = {"method": "fourier", "layer": "block5_conv3"}
    values = own_steps(read_params(raw, FILTER_PARAMS)[0], raw)
    assert (values["steps"], values["step"]) == (96, 0.05)
    assert canonical(raw, values, FILTER_PARAMS) == {
        "method": "fourier",
        "layer": "block5_conv3",
        "steps": "96",
        "step": "0.05",
    }
    raw = {"method": "fourier"}  # the page's first layer, block1_conv1: its own learning rate
    values = own_steps(read_params(raw, FILTER_PARAMS)[0], raw)
    assert (values["steps"], values["step"]) == (96, 0.01)


@pytest.mark.parametrize(
    "query, named",
    [
        ({"layer": "block9_conv9"}, "`layer=block9_conv9`"),
        ({"n": "99"}, "`n=99` is outside 1 to 8; using 4"),
        ({"n": "two"}, "`n=two` is not a number"),
        ({"M": "0"}, "`M=0`"),
        ({"size": "100"}, "`size=100` should be one of 32, 64"),
        ({"step": "nan"}, "`step=nan`"),
        ({"step": "inf"}, "`step=inf`"),
        ({"filters": "5-2"}, "`filters=5-2` range '5-2' runs backwards; using 0-3"),
        ({"select": "everything"}, "`select=everything`"),
        ({"steps": "²"}, "`steps=²`"),
        ({"weights": "/etc/passwd"}, "`weights=/etc/passwd` should be one of imagenet"),
    ],
)
def test_bad_filter_values_are_named_and_replaced_by_defaults(query, named):
    values, notes = read(query, FILTER_PARAMS)
    assert len(notes) == 1 and notes[0].startswith(named)
    assert values == read({}, FILTER_PARAMS)[0]


FILTER_TEXT = st.one_of(
    st.text(max_size=30),
    st.integers(-5, 600).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from([*CONV_LAYERS, "seed", "fourier", "best", "indices", "random", "0-3,9"]),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([p.name for p in FILTER_PARAMS] + ["other"]), FILTER_TEXT))
def test_any_filter_link_gives_usable_settings_and_names_what_it_ignored(raw):
    values, notes = read_params(raw, FILTER_PARAMS)
    values = own_steps(values, raw)
    named = [note.name for note in notes]
    assert len(named) == len(set(named)) and set(named) <= set(raw) - {"other"}
    assert values["layer"] in CONV_LAYERS and 1 <= values["n"] <= 8 and 8 <= values["size"] <= 256
    assert np.isfinite(values["step"]) and values["step"] > 0 and 1 <= values["steps"] <= 512
    again, again_notes = read_params(canonical(raw, values, FILTER_PARAMS), FILTER_PARAMS)
    assert again == values and again_notes == []
    assert PAGE_DEFAULT.layer == "block1_conv1"


# Pinned runs on "Train the MLP" (issue 20, item 9: pins were lost on reload).

PINS = [
    (TrainingSettings(),),
    (TrainingSettings(0.05), TrainingSettings(2.0, activation="tanh")),
    (
        TrainingSettings(1 / 3, 12_345, 42, 0.5, (8, 3, 1), "relu"),
        TrainingSettings(iterations=2_000),
        TrainingSettings(hidden=(4,)),
        TrainingSettings(seed=9_999, init_scale=0.01),
        TrainingSettings(100.0),
    ),
]


@pytest.mark.parametrize("runs", PINS)
def test_pinned_runs_survive_the_url_round_trip(runs):
    query = query_of({"pins": runs}, TRAIN_PARAMS)
    values, notes = read(query, TRAIN_PARAMS)
    assert values["pins"] == runs and notes == []
    assert len(query["pins"]) <= 40 * len(runs)  # compact: only what differs from the lesson


def test_pinned_runs_are_written_as_what_differs_from_the_lesson():
    runs = (TrainingSettings(), TrainingSettings(2.0, 2_000, activation="tanh", hidden=(8, 3)))
    assert query_of({"pins": runs}, TRAIN_PARAMS) == {"pins": "lesson~lr2_it2000_h8-3_tanh"}
    assert query_of({"pins": None}, TRAIN_PARAMS) == {}


@pytest.mark.parametrize(
    "text, says, kept",
    [
        ("lr0_tanh", "`pins=lr0_tanh` has a run whose lr is outside 0.0001 to 100; ignored", None),
        ("xyz", "has a run that cannot be read (xyz; e.g. lr2_tanh)", None),
        ("lr2_lr3", "cannot be read", None),
        ("h9-9", "has a run whose h should be 1-3 layer sizes of 1-8", None),
        ("~".join(f"lr{r}" for r in (1, 2, 3, 5, 7, 10)), "holds 6 runs; pinned the first 5", 5),
        ("lr2~lr2", "holds 2 runs; pinned the first 1 different ones", 1),
    ],
)
def test_unusable_pins_say_what_became_of_them(text, says, kept):
    values, notes = read({"pins": text}, TRAIN_PARAMS)
    assert len(notes) == 1 and says in notes[0]
    assert (values["pins"] is None) if kept is None else len(values["pins"]) == kept


# A value of any length is quoted short, on every page (issue 20, item 9: a 20,000-character
# `lr=` was echoed whole: 2,907 px of warning).

LONG_VALUES = [
    "x" * 20_000,
    "1" * 20_000,
    "0." + "3" * 20_000,
    "0-" + "9" * 20_000,
    "5-" * 10_000,
    "rgb(" + "1" * 20_000 + ",0,0)",
    "#" + "a" * 20_000,
    "lr" + "2" * 20_000 + "~" + "x" * 20_000,
]
PAGES = {"train": TRAIN_PARAMS, "colour": COLOUR_PARAMS, "filters": FILTER_PARAMS}


def quotes_at_most(limit: int, note: str, value: str) -> bool:
    """No run of more than ``limit`` characters of ``value`` appears in ``note``."""
    pieces = {value[i : i + limit + 1] for i in range(len(value) - limit)}
    return not any(note[i : i + limit + 1] in pieces for i in range(len(note) - limit))


@pytest.mark.parametrize("page", PAGES)
def test_every_pages_notes_quote_at_most_40_characters_of_a_value(page):
    params = PAGES[page]
    for param in params:
        for value in LONG_VALUES:
            _, notes = read({param.name: value}, params)
            for note in notes:
                assert quotes_at_most(40, note, value), (param.name, value[:12], note[:300])
                assert len(note) < 400, (param.name, value[:12], note[:300])


# Issue 25, item 7: a parameter given twice reads its last value and says so; a number is
# written in ASCII, and any other digit ('٣', '３', '²') is refused with a note, on every page.

OTHER_DIGITS = ["٣", "３", "²", "৭", "Ⅻ", "𝟕"]


def test_a_parameter_given_twice_reads_the_last_and_says_so():
    values, notes = read_params({"lr": "20"}, TRAIN_PARAMS, {"lr": ["0.2", "20"]})
    assert values["lr"] == 20.0
    assert [n.text for n in notes] == ["`lr` was given twice (`0.2`, `20`); using the last, 20"]
    assert notes[0].value == 20.0  # the note goes once the rate is changed
    _, notes = read_params({"lr": "abc"}, TRAIN_PARAMS, {"lr": ["0.2", "x", "abc"]})
    assert [n.text for n in notes] == [
        "`lr` was given 3 times (`0.2`, `x`, `abc`); reading the last",
        "`lr=abc` is not a number; using 0.2",
    ]
    many = [str(i) for i in range(1, 9)]
    _, notes = read_params({"seed": "8"}, TRAIN_PARAMS, {"seed": many})
    assert [n.text for n in notes] == [
        "`seed` was given 8 times (`1`, `2`, `3`, …); using the last, 8"
    ]


# One parameter of each page with two usable values, and what the page makes of the last.
REPEATS = [
    ("train", "lr", ["0.2", "20"], 20.0, "20"),
    ("train", "iterations", ["1e3", "2000"], 2_000, "2000"),
    ("train", "hidden", ["5-2", "8"], (8,), "8"),
    ("colour", "random", ["5", "7"], 7, "7"),
    ("colour", "bg", ["ff0000", "00ff00"], "#00ff00", "00ff00"),
    ("filters", "steps", ["20", "30"], 30, "30"),
    ("filters", "layer", ["block1_conv1", "block3_conv1"], "block3_conv1", "block3_conv1"),
]


@pytest.mark.parametrize("page, name, texts, value, written", REPEATS)
def test_every_page_reads_a_repeated_parameter_from_its_last_value(
    page, name, texts, value, written
):
    values, notes = read_params({name: texts[-1]}, PAGES[page], {name: texts})
    assert values[name] == value
    quoted = ", ".join(f"`{t}`" for t in texts)
    assert [n.text for n in notes] == [
        f"`{name}` was given twice ({quoted}); using the last, {written}"
    ]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("digit", OTHER_DIGITS)
def test_every_pages_parameters_refuse_digits_other_than_0_to_9(page, digit):
    params = PAGES[page]
    for param in params:
        for text in (digit, f"1{digit}", f"0.{digit}", f"{digit}-2"):
            values, notes = read({param.name: text}, params)
            assert values[param.name] == param.default, (param.name, text)
            assert len(notes) == 1 and f"has the digit '{digit}'" in notes[0], (param.name, notes)
            assert "a link's numbers take only 0-9" in notes[0]
            assert notes[0].endswith(param.instead()), notes[0]


ASCII_NUMBER = st.from_regex(
    r"\A[+-]?([0-9]{1,6}(\.[0-9]{0,6})?|\.[0-9]{1,6})([eE][+-]?[0-9]{1,2})?\Z"
)


@settings(max_examples=200, deadline=None)
@given(text=ASCII_NUMBER)
def test_a_number_in_ascii_reads_as_python_reads_it(text):
    read = number(float("-inf"), float("inf"))
    assert read(text) == float(text)
    assert read(f" {text} ") == float(text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=16))
def test_whatever_a_number_reader_accepts_is_written_in_ascii(text):
    for reader in (number(-1e300, 1e300), whole(-(10**9), 10**9)):
        try:
            value = reader(text)
        except ValueError:
            continue
        assert set(text.strip()) <= set("0123456789+-.eE"), (text, value)
        assert value == float(text)


@settings(max_examples=200, deadline=None)
@given(
    text=ASCII_NUMBER,
    digit=st.characters(categories=["Nd", "No", "Nl"]).filter(lambda c: not c.isascii()),
    at=st.integers(0, 8),
)
def test_any_other_digit_in_any_parameter_is_named_and_the_default_used(text, digit, at):
    text = text[:at] + digit + text[at:]
    for page, params in PAGES.items():
        for param in params:
            values, notes = read({param.name: text}, params)
            assert values[param.name] == param.default, (page, param.name, text)
            assert len(notes) == 1 and "has the digit" in notes[0], (page, param.name, notes)


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(st.text(max_size=8), min_size=2, max_size=6), page=st.sampled_from(list(PAGES))
)
def test_any_repeat_reads_as_its_last_value_alone_with_one_more_note(texts, page):
    params = PAGES[page]
    for param in params:
        alone, alone_notes = read({param.name: texts[-1]}, params)
        values, notes = read_params({param.name: texts[-1]}, params, {param.name: texts})
        assert values == alone
        said = [n.text for n in notes]
        assert said[0].startswith(f"`{param.name}` was given ")  # the repeat comes first
        assert said[1:] == alone_notes
        assert len(said[0]) < 400
