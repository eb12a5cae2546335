"""The page's URL: labels packed short, every parameter read back or named when it cannot be."""

import base64
import re
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.colour.labels import Label
from core.colour.link import (
    KEYS,
    MAX_LINK_LABELS,
    PageLink,
    labels_from_param,
    labels_to_param,
    link_params,
    read_link,
)

labels_strategy = st.lists(
    st.builds(
        Label,
        st.from_regex(r"#[0-9a-f]{6}", fullmatch=True),
        st.sampled_from(["black", "white"]),
    ),
    max_size=40,
)


def test_packed_labels_by_hand():
    # Two labels: bytes 33 66 cc | 00 00 00 | bits 0b01 (first white, second black).
    labels = [Label("#3366cc", "white"), Label("#000000", "black")]
    expected = base64.urlsafe_b64encode(bytes([0x33, 0x66, 0xCC, 0, 0, 0, 1])).decode().rstrip("=")
    assert labels_to_param(labels) == expected
    assert labels_from_param(expected) == labels
    assert labels_from_param("") == []


@settings(max_examples=200, deadline=None)
@given(labels_strategy)
def test_labels_round_trip(labels):
    text = labels_to_param(labels)
    assert re.fullmatch(r"[A-Za-z0-9_-]*", text)
    assert labels_from_param(text) == labels


def test_the_largest_link_stays_short():
    labels = [Label(f"#{i:06x}", "white" if i % 3 else "black") for i in range(MAX_LINK_LABELS)]
    query = urlencode(link_params(PageLink(background="#123456", labels=tuple(labels))))
    assert len(query) < 1400  # browsers and proxies accept 2,000 characters and more
    more = PageLink(labels=tuple(labels) * 2, retrained=MAX_LINK_LABELS + 1)
    params = link_params(more)
    assert labels_from_param(params["labels"]) == labels  # the first 300, in order
    assert "retrained" not in params  # a network that learned more than the link holds


@pytest.mark.parametrize(
    "text, message",
    [
        ("abc", "cut short"),
        ("a b", "not a list of labels"),
        ("M2bM====", "not a list of labels"),
        ("%%%", "not a list of labels"),
        ("A" * 2000, "not a list of labels"),
    ],
)
def test_bad_labels_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        labels_from_param(text)


def test_defaults_are_left_out_and_the_rest_read_back():
    assert link_params(PageLink()) == {}
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
    params = link_params(link)
    assert params["bg"] == "ff0000" and params["random"] == "5" and params["teach"] == "12-3"
    assert read_link(params) == (link, {})


@pytest.mark.parametrize(
    "params, key, message, field, value",
    [
        ({"bg": "zzz"}, "bg", "`bg=zzz` is not a colour", "background", "#3366cc"),
        ({"bg": "rgb(300,0,0)"}, "bg", "clamped as CSS does, to #ff0000", "background", "#ff0000"),
        ({"bg": "navy"}, "bg", None, "background", "#000080"),
        ({"bg": "abc"}, "bg", None, "background", "#aabbcc"),
        ({"random": "500"}, "random", "`random=500` is outside 0 to 200", "n_random", 20),
        ({"random": "1e3"}, "random", "`random=1e3` is not a whole number", "n_random", 20),
        ({"doc": "yes"}, "doc", "`doc=yes` should be 0 or 1", "include_document", True),
        ({"teach": "5"}, "teach", "`teach=5` is not a whole number", "teach", None),
        ({"teach": "5-0"}, "teach", None, "teach", None),  # not started: no seed to keep
        ({"teach": "5-4"}, "teach", None, "teach", (5, 4)),
        ({"net": "x"}, "net", "`net=x` should be base or retrained", "show_base", False),
        ({"labels": "abc"}, "labels", "`labels=abc` is cut short", "labels", ()),
        ({"retrained": "2"}, "retrained", "counts more labels than the link holds (0)",
         "retrained", 0),
    ],
)  # fmt: skip
def test_each_bad_value_is_named_and_replaced(params, key, message, field, value):
    link, problems = read_link(params)
    assert getattr(link, field) == value
    if message is None:
        assert problems == {}
    else:
        assert list(problems) == [key] and message in problems[key]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*KEYS, "other"]), st.text(max_size=30), max_size=6))
def test_any_query_gives_a_state_and_names_each_value_it_refused(params):
    link, problems = read_link(params)
    assert isinstance(link, PageLink)
    for key, message in problems.items():
        assert key in params and message.startswith(f"`{key}=")
    # What the page writes back reads back the same, with nothing to complain about.
    assert read_link(link_params(link)) == (link, {})
