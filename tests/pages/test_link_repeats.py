"""Every page, opened from a link that repeats a parameter or writes a digit other than 0-9.

Issue 25, item 7: ``lr=0.2&lr=20`` kept one value without a word, and ``lr=٣`` was read as 3.
Each page now reads a repeated parameter from its last value and says so, and refuses any
digit other than 0-9, saying which digit and what it uses instead.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.colour.link import DEFAULT_RANDOM
from tests.conftest import ROOT
from ui.filters.controls import PAGE_DEFAULT

PAGES = {
    "train": ROOT / "pages" / "train_mlp.py",
    "colour": ROOT / "pages" / "text_over_colour.py",
    "filters": ROOT / "pages" / "vgg16_filters.py",
}
BASE = {"train": {"iterations": "500"}, "colour": {}, "filters": {"weights": "untrained"}}


def open_page(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(PAGES[page]), default_timeout=300)
    at.query_params.update(BASE[page] | query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def link_warning(at: AppTest) -> str:
    return " ".join(w.value for w in at.warning if "could not be used" in w.value)


@pytest.mark.parametrize(
    "page, name, texts, key, value",
    [
        ("train", "lr", ["0.2", "20"], "lr", 20.0),
        ("colour", "random", ["5", "7"], "random", 7),
        ("filters", "steps", ["20", "30"], "steps", 30),
    ],
)
def test_a_repeated_parameter_uses_its_last_value_and_the_page_says_so(
    page, name, texts, key, value
):
    at = open_page(page, **{name: texts})
    assert at.session_state[key] == value
    said = link_warning(at)
    assert f"`{name}` was given twice (`{texts[0]}`, `{texts[1]}`); using the last, {texts[1]}" in (
        said
    ), said
    assert at.query_params[name] == texts[1]  # the address keeps one value


@pytest.mark.parametrize(
    "page, name, text, key, default, instead",
    [
        ("train", "lr", "٣", "lr", 0.2, "using 0.2"),
        ("train", "seed", "３", "seed", 0, "using 0"),
        ("colour", "random", "٣", "random", DEFAULT_RANDOM, f"using {DEFAULT_RANDOM}"),
        ("filters", "n", "²", "n", PAGE_DEFAULT.n, f"using {PAGE_DEFAULT.n}"),
    ],
)
def test_a_digit_other_than_0_to_9_is_named_and_the_default_used(
    page, name, text, key, default, instead
):
    at = open_page(page, **{name: text})
    said = link_warning(at)
    assert f"`{name}={text}` has the digit '{text}'" in said, said
    assert "a link's numbers take only 0-9; " + instead in said, said
    assert at.session_state[key] == default
    assert name not in at.query_params  # the default, left out of the address
