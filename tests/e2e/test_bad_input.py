"""Bad input and faults, end to end: each shows a clear message, the page keeps working, and
nothing the session collected is lost."""

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser


def test_nonsense_query_parameters_on_train(page, base_url):
    flows.train_page(page, base_url, "lr=abc&iterations=-5")
    shown = " ".join(br.messages(page))
    assert "lr=abc" in shown and "not a number" in shown
    assert "iterations=-5" in shown
    assert page.locator(br.EXCEPTION).count() == 0
    # Defaults apply, the URL is repaired (defaults are left out), and the controls still work.
    assert flows.query(page) == {}
    assert float(flows.move_learning_rate(page, -1)) < 0.2
    assert page.locator(br.EXCEPTION).count() == 0


BAD_CSVS = [
    ("numbers.csv", b"a,b\n1,2\n3,4\n"),
    ("bad-colour.csv", b"colour,text\nnot-a-colour,white\n"),
    ("bad-text.csv", b"colour,text\n#ffffff,purple\n"),
    ("empty.csv", b""),
    ("binary.csv", bytes(range(256)) * 4),
]


def test_typed_text_that_is_not_a_colour_and_csvs_that_are_not_labels(page, base_url):
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

    # Files: a good one adds its labels, bad ones say what is wrong and lose none.
    flows.upload(page, flows.CSV_UPLOAD, "good.csv", b"colour,text\n#102030,white\n#f0e68c,black\n")
    assert flows.labels_count(page) == 4
    for name, content in BAD_CSVS:
        flows.upload(page, flows.CSV_UPLOAD, name, content)
        errors = page.locator(br.ERROR).all_inner_texts()
        assert any(name in e for e in errors), f"no clear message naming {name}: {errors}"
        assert flows.labels_count(page) == 4, f"labels lost after uploading {name}"
        assert page.locator(br.EXCEPTION).count() == 0
    flows.teach(page, "White")  # the page keeps working
    assert flows.labels_count(page) == 5


@pytest.fixture(scope="module")
def other_network_weights(tmp_path_factory) -> bytes:
    """A genuine Keras weights file, of a small network that is not VGG16."""
    import subprocess
    import sys

    path = tmp_path_factory.mktemp("weights") / "other.weights.h5"
    code = (
        "import keras\n"
        "m = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3), "
        "keras.layers.Conv2D(2, 3)])\n"
        f"m.save_weights({str(path)!r})\n"
    )
    env = {**__import__("os").environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return path.read_bytes()


def test_uploaded_weights_corrupt_or_for_another_network(page, base_url, other_network_weights):
    flows.filters_page(page, base_url)
    flows.choose(page, flows.UNTRAINED)
    flows.select(page, "Layer", "block1_conv2")
    flows.choose(page, flows.LOCAL_FILE)

    for name, content, expected in [
        ("corrupt.weights.h5", b"this is not HDF5" * 64, "not a readable HDF5"),
        ("other.weights.h5", other_network_weights, "does not hold weights for VGG16"),
    ]:
        flows.upload(page, flows.WEIGHTS_UPLOAD, name, content, "application/octet-stream")
        errors = " ".join(page.locator(br.ERROR).all_inner_texts())
        assert "Could not load the weights" in errors and expected in errors, errors
        assert "untrained" in br.main_text(page).lower(), "no fallback to the untrained network"
        assert page.locator(br.EXCEPTION).count() == 0
        # The session's choices survive the bad file.
        layer_box = page.get_by_test_id("stSelectbox").filter(has_text="Layer")
        shown = layer_box.first.evaluate(
            "e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join()"
        )
        assert "block1_conv2" in shown, shown

    flows.render_grid(page, None, layer="block2_conv1", n=2, candidates=4, steps=5, weights=None)
    assert "block2_conv1 · untrained" in br.main_text(page)
    assert page.locator(br.EXCEPTION).count() == 0
