"""Bad input and faults, end to end: each shows a clear message, the page keeps working, and
nothing the session collected is lost."""

import pytest

from scripts import browser as br
from scripts import flows

pytestmark = pytest.mark.browser


def test_nonsense_query_parameters_on_train(page, base_url):
    flows.train_page(page, base_url, "lr=abc&iterations=-5")
    shown = " ".join(br.messages(page))
    assert "lr=abc" in shown and "not a number" in shown
    assert "iterations=-5" in shown
    assert page.locator(br.EXCEPTION).count() == 0
    # Defaults apply, the URL is repaired, and the controls still work.
    assert flows.query(page)["lr"] == "0.2"
    assert flows.query(page)["iterations"] == "10000"
    assert float(flows.move_learning_rate(page, -1)) < 0.2
    assert page.locator(br.EXCEPTION).count() == 0


def test_typed_text_that_is_not_a_colour(page, base_url):
    flows.colour_page(page, base_url)
    flows.teach(page, "White")
    flows.type_colour(page, "#3366cc")
    assert flows.preview_background(page) == "rgb(51, 102, 204)"

    flows.type_colour(page, "banana-ish")

    shown = " ".join(br.messages(page))
    assert "'banana-ish' is not a colour" in shown and "Still showing #3366cc" in shown
    assert flows.preview_background(page) == "rgb(51, 102, 204)", "the last good colour must stay"
    assert flows.labels_count(page) == 1
    flows.teach(page, "Black")  # the page keeps working
    assert flows.labels_count(page) == 2
    flows.type_colour(page, "rgb(255, 255, 0)")
    assert "is not a colour" not in " ".join(br.messages(page))
    assert flows.preview_background(page) == "rgb(255, 255, 0)"
    assert page.locator(br.EXCEPTION).count() == 0


BAD_CSVS = [
    ("numbers.csv", b"a,b\n1,2\n3,4\n"),
    ("bad-colour.csv", b"colour,text\nnot-a-colour,white\n"),
    ("bad-text.csv", b"colour,text\n#ffffff,purple\n"),
    ("empty.csv", b""),
    ("binary.csv", bytes(range(256)) * 4),
]


def test_uploaded_csv_that_is_not_labels(page, base_url):
    flows.colour_page(page, base_url)
    flows.upload(page, flows.CSV_UPLOAD, "good.csv", b"colour,text\n#000000,white\n#ffffff,black\n")
    assert flows.labels_count(page) == 2
    flows.teach(page, "Black")
    assert flows.labels_count(page) == 3

    for name, content in BAD_CSVS:
        flows.upload(page, flows.CSV_UPLOAD, name, content)
        errors = page.locator(br.ERROR).all_inner_texts()
        assert any(name in e for e in errors), f"no clear message naming {name}: {errors}"
        assert flows.labels_count(page) == 3, f"labels lost after uploading {name}"
        assert page.locator(br.EXCEPTION).count() == 0

    flows.teach(page, "White")  # the page keeps working
    assert flows.labels_count(page) == 4
