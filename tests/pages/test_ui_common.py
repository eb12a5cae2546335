"""Shared page glue (ui/): URL settings, render queue, figure cache, Streamlit hooks."""

import sys
import threading

import pytest

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


def test_settings_survive_the_url_round_trip():
    settings = TrainingSettings(1.5, 50_000, 42, 0.5, (8, 3, 1), "relu")
    assert settings_from_query(settings_to_query(settings)) == (settings, [])


@pytest.mark.parametrize(
    "params, field, value",
    [
        ({"lr": "0.21"}, "learning_rate", 0.2),  # snapped to the slider
        ({"iterations": "12000"}, "iterations", 10_000),
        ({"init": "0.14"}, "init_scale", 0.15),
        ({"hidden": "8"}, "hidden", (8,)),
    ],
)
def test_url_values_snap_to_the_controls(params, field, value):
    settings, problems = settings_from_query(params)
    assert getattr(settings, field) == value and problems == []


@pytest.mark.parametrize(
    "params",
    [{"lr": "abc"}, {"lr": "0"}, {"iterations": "-5"}, {"seed": "1e9"}, {"hidden": "0-2"},
     {"hidden": "1-2-3-4"}, {"activation": "softmax"}, {"init": "nan"}],
)  # fmt: skip
def test_nonsense_in_the_url_is_named_and_replaced_by_the_default(params):
    settings, problems = settings_from_query(params)
    assert settings == TrainingSettings()
    assert len(problems) == 1 and next(iter(params)) in problems[0]


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
