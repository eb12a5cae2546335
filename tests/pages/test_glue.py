"""Page glue (ui/): labels of pinned runs, the render slot, the Streamlit hooks it switches."""

import sys
import threading

import pytest

from core.mlp import TrainingSettings
from ui import app
from ui.filters import environment, jobs


def test_streamlit_no_longer_resets_keras_but_still_closes_pyplot(monkeypatch, streamlit_cleanup):
    import types

    import keras
    from streamlit.runtime.scriptrunner import script_runner

    closed = []
    pyplot = types.SimpleNamespace(close=closed.append)  # stands in for matplotlib.pyplot
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", pyplot)

    original = streamlit_cleanup  # Streamlit's hook, before the page tests' switch
    monkeypatch.setattr(script_runner, "_clean_problem_modules", original)
    resets = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda *a, **k: resets.append(1))
    original()  # Streamlit's own hook resets Keras: the behaviour being switched off
    assert resets == [1], "Streamlit's hook no longer resets Keras: is the switch still needed?"

    assert app.skip_keras_reset(), "Streamlit renamed _clean_problem_modules: look again"
    closed.clear()
    script_runner._clean_problem_modules()
    assert resets == [1] and closed == ["all"]


@pytest.mark.parametrize(
    "runs, labels",
    [
        (
            [TrainingSettings(0.05), TrainingSettings(0.2), TrainingSettings(2.0)],
            ["lr 0.05", "lr 0.2", "lr 2"],
        ),
        ([TrainingSettings(activation="tanh"), TrainingSettings()], ["tanh", "sigmoid"]),
        ([TrainingSettings(0.5, seed=3), TrainingSettings()], ["lr 0.5, seed 3", "lr 0.2, seed 0"]),
        ([TrainingSettings(hidden=(4,)), TrainingSettings()], ["3-4-1", "3-5-2-1"]),
        ([TrainingSettings()], ["3-5-2-1 sigmoid, lr 0.2"]),  # nothing differs: its own
        ([TrainingSettings(hidden=(4,))] * 2, ["3-4-1 sigmoid, lr 0.2"] * 2),
    ],
)
def test_pinned_runs_are_labelled_by_what_differs(runs, labels):
    from ui.train.compare import differences

    assert differences(runs) == labels


def test_heavy_work_runs_one_at_a_time_and_reports_the_wait():
    order, waited = [], []
    started = threading.Event()

    def first():
        with jobs.one_at_a_time():
            started.set()
            order.append("first in")
            threading.Event().wait(0.2)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    started.wait()
    with jobs.one_at_a_time(lambda: waited.append(True)):
        order.append("second in")
    thread.join()
    assert order == ["first in", "first out", "second in"] and waited == [True]


@pytest.mark.parametrize(
    "value, seconds",
    [(None, 20.0), ("8", 8.0), ("2.5", 2.5), ("0.1", 1.0), ("soon", 20.0), ("", 20.0)],
)
def test_the_operator_sets_how_long_a_silent_page_keeps_its_render(monkeypatch, value, seconds):
    # Never shorter than the page's poll: a watched render must not be given up between polls.
    if value is None:
        monkeypatch.delenv(environment.HEARTBEAT_ENV, raising=False)
    else:
        monkeypatch.setenv(environment.HEARTBEAT_ENV, value)
    assert environment.heartbeat_s() == seconds
