"""Shared page glue (ui/): URL settings, render queue, figure cache, Streamlit hooks."""

import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ui import app, common
from ui.common import TrainingSettings, settings_from_query, settings_to_query


def test_streamlit_no_longer_resets_keras_but_still_closes_pyplot(monkeypatch):
    import types

    import keras
    from streamlit.runtime.scriptrunner import script_runner

    closed = []
    pyplot = types.SimpleNamespace(close=closed.append)  # stands in for matplotlib.pyplot
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", pyplot)

    original = script_runner._clean_problem_modules
    monkeypatch.setattr(script_runner, "_clean_problem_modules", original)
    resets = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *a, **k: resets.append(1))
    original()  # Streamlit's own hook resets Keras: the behaviour being switched off
    assert resets == [1], "Streamlit's hook no longer resets Keras: is the switch still needed?"

    assert app.skip_keras_reset(), "Streamlit renamed _clean_problem_modules: look again"
    closed.clear()
    script_runner._clean_problem_modules()
    assert resets == [1] and closed == ["all"]


@pytest.mark.parametrize("learning_rate", [1.5, 0.2, 1 / 3, 0.1 + 0.2, 100.0])
def test_settings_survive_the_url_round_trip(learning_rate):
    settings = TrainingSettings(learning_rate, 50_000, 42, 0.5, (8, 3, 1), "relu")
    assert settings_from_query(settings_to_query(settings)) == (settings, [])
    assert len(settings_to_query(TrainingSettings(0.2))["lr"]) == 3  # short when it can be


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
def test_any_valid_url_value_is_used_as_written(params, field, value):
    settings, notes = settings_from_query(params)
    assert getattr(settings, field) == value and notes == []


@pytest.mark.parametrize(
    "params, says",
    [
        ({"lr": "abc"}, "is not a number; using 0.2"),
        ({"lr": "0"}, "outside"),
        ({"iterations": "-5"}, "outside 1 to 200,000; using 10,000"),
        ({"iterations": "1e6"}, "outside 1 to 200,000"),  # a number, too large: not "not a number"
        ({"iterations": "2.5"}, "is not a whole number"),
        ({"seed": "1e9"}, "outside"),
        ({"hidden": "0-2"}, "using 5-2"),
        ({"hidden": "1-2-3-4"}, "1-3 layer sizes"),
        ({"activation": "softmax"}, "using sigmoid"),
        ({"init": "nan"}, "not a number"),
    ],
)
def test_unusable_url_values_say_what_they_became(params, says):
    settings, notes = settings_from_query(params)
    assert settings == TrainingSettings()
    assert len(notes) == 1 and next(iter(params)) in notes[0].text and says in notes[0].text


def test_a_url_note_is_dropped_once_its_setting_changes():
    _, notes = settings_from_query({"lr": "abc", "activation": "softmax"})
    assert len(common.notes_still_true(notes, TrainingSettings())) == 2
    changed = TrainingSettings(learning_rate=0.5)
    assert [n.field for n in common.notes_still_true(notes, changed)] == ["activation"]


URL_FIELDS = {"lr": "learning_rate", "iterations": "iterations", "seed": "seed",
              "init": "init_scale", "hidden": "hidden", "activation": "activation"}  # fmt: skip
URL_TEXT = st.one_of(
    st.text(max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**7), 10**7).map(str),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*URL_FIELDS, "step", "x"]), URL_TEXT))
def test_any_query_string_gives_valid_settings_and_a_note_per_unused_value(params):
    result, notes = settings_from_query(params)
    core_checks(result)
    default = TrainingSettings()
    for note in notes:  # a note names its parameter and the value the setting took
        assert getattr(result, note.field) == getattr(default, note.field) == note.value
    noted = {note.field for note in notes}
    for name, field in URL_FIELDS.items():
        if name in params and field not in noted:  # used: the URL the page writes reads back
            again, _ = settings_from_query({name: settings_to_query(result)[name]})
            assert getattr(again, field) == getattr(result, field)


def core_checks(result: TrainingSettings) -> None:
    from core.mlp.network import check_iterations, check_layers, check_learning_rate

    check_learning_rate(result.learning_rate)
    check_iterations(result.iterations)
    check_layers(result.layers)
    assert 0 <= result.seed <= common.MAX_SEED and result.init_scale > 0


@pytest.mark.parametrize(
    "runs, labels",
    [
        ([TrainingSettings(0.05), TrainingSettings(0.2), TrainingSettings(2.0)],
         ["lr 0.05", "lr 0.2", "lr 2"]),
        ([TrainingSettings(activation="tanh"), TrainingSettings()], ["tanh", "sigmoid"]),
        ([TrainingSettings(0.5, seed=3), TrainingSettings()], ["lr 0.5, seed 3", "lr 0.2, seed 0"]),
        ([TrainingSettings(hidden=(4,)), TrainingSettings()], ["3-4-1", "3-5-2-1"]),
        ([TrainingSettings()], ["same settings"]),
    ],
)  # fmt: skip
def test_pinned_runs_are_labelled_by_what_differs(runs, labels):
    from ui.train.compare import differences

    assert differences(runs) == labels


def test_heavy_work_runs_one_at_a_time_and_reports_the_wait():
    order, waited = [], []
    started = threading.Event()

    def first():
        with common.one_at_a_time():
            started.set()
            order.append("first in")
            threading.Event().wait(0.2)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    started.wait()
    with common.one_at_a_time(lambda: waited.append(True)):
        order.append("second in")
    thread.join()
    assert order == ["first in", "first out", "second in"] and waited == [True]


def test_a_figure_is_built_once_per_key():
    builds = []
    key = ("test", object())
    first = common.cached_figure(key, lambda: builds.append(1) or "figure")
    second = common.cached_figure(key, lambda: builds.append(1) or "other")
    assert first == second == "figure" and builds == [1]
