"""Before and after retraining, measured with stand-in networks whose answers are known."""

import numpy as np
import pytest

from core.colour.contrast import text_ratios
from core.colour.data import parse_colour
from core.colour.labels import Label, teaching_set
from core.colour.palette import agreement_colours
from core.colour.retraining import ClassRetrain, label_colours, retrain_change, unmatched_note
from core.mlp import MLP, train

LABELS = [Label("#000000", "white"), Label("#ffffff", "black"), Label("#3366cc", "white")]


def always(p: float):
    return lambda X: np.full((len(X), 1), p)


def brightness(X: np.ndarray) -> np.ndarray:
    """A stand-in that says white for dark colours: P(white) = 1 - mean channel."""
    return 1.0 - X.mean(axis=1, keepdims=True)


def wcag_white_share() -> float:
    """Share of the agreement sample where white text has the higher ratio, colour by colour."""
    colours = agreement_colours()
    white = [(r := text_ratios(tuple(int(v) for v in c)))["white"] > r["black"] for c in colours]
    return float(np.mean(white))


def test_from_all_black_to_all_white():
    change = retrain_change(always(0.0), always(1.0), "#3366cc", LABELS)
    assert (change.p_before, change.p_after) == (0.0, 1.0)
    share = wcag_white_share()
    assert change.agreement_before == pytest.approx(1 - share)
    assert change.agreement_after == pytest.approx(share)
    assert change.targets.tolist() == [1, 0, 1]
    assert (change.matched_before, change.matched_after) == (1, 2)


def test_the_fit_is_each_labels_own_answer():
    change = retrain_change(always(0.5), brightness, "navy", LABELS)
    np.testing.assert_allclose(change.fit_before, [0.5, 0.5, 0.5])
    np.testing.assert_allclose(change.fit_after, [1.0, 0.0, 1 - (0x33 + 0x66 + 0xCC) / 765])
    assert change.p_after == pytest.approx(1 - 128 / 765)
    assert change.matched_before == 2  # 0.5 is white: right for the two white labels
    assert change.matched_after == 3


@pytest.mark.parametrize(
    "background, labels, message",
    [("#12", LABELS, "'#12' is not a colour"), ("#000", [], "at least one label")],
)
def test_bad_inputs_are_named(background, labels, message):
    with pytest.raises(ValueError, match=message):
        retrain_change(always(0.0), always(1.0), background, labels)


COLOURS = [label.colour for label in LABELS]


def test_no_note_when_every_label_is_matched():
    change = retrain_change(always(0.5), brightness, "navy", LABELS)
    assert unmatched_note(change, COLOURS, include_document=True) == ""


def test_outputs_all_near_one_half_are_the_plateau():
    change = retrain_change(always(0.0), always(0.49), "navy", LABELS)  # misses both white ones
    note = unmatched_note(change, COLOURS, include_document=False)
    assert note.startswith("Still on the plateau")
    assert "also train on the document's 10 colours" in note
    assert "document" not in unmatched_note(change, COLOURS, include_document=True)


def test_a_compromise_names_the_labels_it_misses():
    change = retrain_change(always(0.0), always(0.9), "navy", LABELS)  # white everywhere
    note = unmatched_note(change, COLOURS, include_document=True)
    assert "misses #ffffff:" in note and "#000000" not in note
    assert "untick them" in note
    assert "similar colours" in unmatched_note(change, COLOURS, include_document=False)


def test_two_close_labels_leave_the_lessons_run_on_its_plateau():
    """Two labels alone push gradient descent far less than the lesson's ten: after its 10,000
    iterations at rate 0.2 the network still answers 0.5 (found by training, not assumed)."""
    labels = [Label("#c9d36a", "white"), Label("#c26d51", "black")]
    X, y = teaching_set(labels, include_document=False)
    run = train(X, y, learning_rate=0.2, iterations=10_000, seed=0)
    change = retrain_change(always(0.5), run.network().forward, "navy", labels)
    assert change.matched_after == 1
    assert unmatched_note(change, [label.colour for label in labels], False).startswith("Still")
    longer = train(X, y, learning_rate=0.2, iterations=50_000, seed=0, engine="xla")
    change = retrain_change(always(0.5), longer.network().forward, "navy", labels)
    assert change.matched_after == 2  # and training longer gets it off, as the note says


def test_a_long_list_of_missed_labels_is_cut_short():
    labels = [Label(f"#0000{i:02x}", "black") for i in range(8)]  # dark, all missed by "white"
    change = retrain_change(always(0.0), always(0.9), "navy", labels)
    note = unmatched_note(change, [label.colour for label in labels], include_document=False)
    assert "misses #000000, #000001, #000002, #000003, #000004 and 3 more:" in note


def test_without_a_colour_on_show_only_the_pick_is_left_out():
    change = retrain_change(always(0.0), always(1.0), None, LABELS)
    assert (change.p_before, change.p_after) == (None, None)
    assert (change.matched_before, change.matched_after) == (1, 2)
    assert change.agreement_after == pytest.approx(wcag_white_share())


def test_the_note_names_whose_labels_they_are():
    change = retrain_change(always(0.0), always(0.9), "navy", [*LABELS, Label("#fefefe", "black")])
    assert "learn the class's alone" in unmatched_note(change, ["a"] * 4, True, whose="the class's")


def test_a_class_retrain_comes_back_from_its_json_document_unchanged():
    import json

    before, after = MLP(seed=1), MLP(seed=2)
    retrained = ClassRetrain(after, before, tuple(LABELS), 3, False, "settings in words")
    back = ClassRetrain.from_payload(json.loads(json.dumps(retrained.payload())))
    assert back.labels == tuple(LABELS) and back.n_labels == 3 and not back.include_document
    assert back.settings == "settings in words"
    X = np.random.default_rng(0).uniform(size=(20, 3))
    np.testing.assert_array_equal(back.network.forward(X), after.forward(X))
    np.testing.assert_array_equal(back.before.forward(X), before.forward(X))


def test_a_document_of_an_older_version_has_no_network_before_nor_labels():
    network = MLP(seed=3)
    old = {
        "layers": [3, 5, 2, 1],
        "activation": "sigmoid",
        "weights": [W.tolist() for W in network.weights],
        "labels": 55,
        "include_document": True,
    }
    back = ClassRetrain.from_payload(old)
    assert (back.before, back.labels, back.n_labels, back.settings) == (None, None, 55, "")


@pytest.mark.parametrize(
    "change, error",
    [
        ({"weights": None}, "class network document"),
        ({"layers": [3, 4, 1]}, "weight shapes"),
        ({"trained_on": [["#000000", "grey"]]}, "neither black nor white"),
        ({"trained_on": [["#000000"]]}, "class network document"),
    ],
    ids=["no weights", "wrong shapes", "bad label", "short label"],
)
def test_a_bad_document_is_refused_by_name(change, error):
    document = ClassRetrain(MLP(), None, (), 0, True, "").payload()
    with pytest.raises(ValueError, match=error):
        ClassRetrain.from_payload({**document, **change})


@pytest.mark.parametrize(
    "colours",
    [["#000000", "#ffffff", "#3366cc"], ["#3366CC", "#0a0b0c"], ["navy", "#3366cc", "rgb(1 2 3)"]],
    ids=["stored", "upper case", "by hand"],
)
def test_label_colours_read_at_once_match_parse_colour(colours):
    labels = [Label(c, "white") for c in colours]
    expected = np.array([parse_colour(c) for c in colours])
    np.testing.assert_array_equal(label_colours(labels), expected)
