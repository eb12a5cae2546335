"""The page's state in its URL: labels packed short, a link settled into a showable state.

Reading and writing every parameter is tested in tests/pages/test_links.py."""

import base64
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.colour.labels import Label
from core.colour.link import PageLink, labels_from_param, labels_to_param, settle

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


def test_a_link_is_settled_into_a_state_the_page_can_show():
    labels = (Label("#000000", "white"),)
    link, problem = settle(PageLink(labels=labels, retrained=2, show_base=True))
    assert link.retrained == 0 and "counts more labels than the link holds (1)" in problem
    assert link.show_base is False  # without a retrained network its options mean nothing
    link, problem = settle(PageLink(teach=(5, 0)))
    assert link.teach is None and problem is None  # not started: no seed to keep
    assert settle(PageLink(labels=labels, retrained=1)) == (
        PageLink(labels=labels, retrained=1),
        None,
    )
