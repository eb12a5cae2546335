"""The training page's caches are keyed by their inputs' values: change any input, a new chart.

Each cached chart of the topic is built, then rebuilt with one input changed at a time: the
cache must hand back a different figure with different contents, and the same inputs the very
same (cached) figure. Arrays count by every element (``ui.cache.BY_VALUE``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import plotly.graph_objects as go

from core.mlp import TrainingSettings
from core.mlp.data import held_out_set
from ui.train import compare as compare_ui
from ui.train import landscape as landscape_ui
from ui.train import views

QUICK = TrainingSettings(iterations=100)


def figure_json(figure: go.Figure) -> str:
    return figure.to_json()


def assert_each_input_makes_a_new_chart(cached, inputs: tuple, changed: tuple) -> None:
    """``changed[i]`` replaces ``inputs[i]``: each gives a new, different figure."""
    first = cached(*inputs)
    assert cached(*tuple(np.copy(v) if isinstance(v, np.ndarray) else v for v in inputs)) is first
    for i, value in enumerate(changed):
        other = inputs[:i] + (value,) + inputs[i + 1 :]
        figure = cached(*other)
        assert figure is not first, f"input {i} changed and the cache gave the old chart"
        assert figure_json(figure) != figure_json(first), f"input {i} changed nothing drawn"


def test_the_predictions_tables_are_keyed_by_names_colours_labels_and_outputs():
    names, X, y = held_out_set()
    out = np.linspace(0.1, 0.9, len(X)).reshape(-1, 1)
    X2 = X.copy()
    X2[0, 0] = 1 - X2[0, 0]
    assert_each_input_makes_a_new_chart(
        views.predictions_figure,
        (tuple(names), X, y, out),
        (("another", *names[1:]), X2, 1 - y, 1 - out),
    )


def test_the_weights_over_time_are_keyed_by_iterations_and_snapshots():
    iterations = np.array([0, 10, 20])
    snapshots = (np.zeros((3, 2, 4)), np.ones((3, 1, 3)))
    later = (snapshots[0], snapshots[1].copy())
    later[1][-1, 0, -1] = 2.0  # one value of one snapshot
    assert_each_input_makes_a_new_chart(
        views.weights_figure, (iterations, snapshots), (iterations * 2, later)
    )


def test_the_sweep_is_keyed_by_rates_errors_and_the_current_rate():
    rates = np.array([0.1, 0.2, 0.5])
    final, best = np.array([2.0, 1.0, 0.5]), np.array([1.5, 0.8, 0.4])
    assert_each_input_makes_a_new_chart(
        views.sweep_figure,
        (rates, final, best, 0.2),
        (rates * 2, final / 2, best / 3, 0.5),
    )


def test_the_compared_runs_are_keyed_by_labels_curves_and_the_axis():
    current = ("lr 0.2", np.linspace(2, 0.1, 50))
    pinned = (("lr 1", np.linspace(2, 0.5, 50)),)
    curve = pinned[0][1].copy()
    curve[17] *= 0.9  # one point of a pinned curve
    assert_each_input_makes_a_new_chart(
        compare_ui.compare_figure,
        (current, pinned, True),
        (("lr 0.3", current[1]), (("lr 1", curve),), False),
    )


def test_the_landscape_map_is_keyed_by_every_argument():
    """``map_figure_cached`` takes only values Streamlit hashes (settings, strings, numbers)."""
    runs = (QUICK,)
    choice = ("pca", "end", 0, 41)
    labels = ("lr 0.2",)
    view = (True, False, "log", False)
    first = landscape_ui.map_figure_cached(runs, choice, labels, "t", view)
    assert landscape_ui.map_figure_cached(runs, choice, labels, "t", view) is first
    variants = [
        ((dataclasses.replace(QUICK, learning_rate=1.0),), choice, labels, "t", view),
        (runs, ("random", "end", 0, 41), labels, "t", view),
        (runs, ("pca", "start", 0, 41), labels, "t", view),
        (runs, ("random", "end", 1, 41), labels, "t", view),
        (runs, ("pca", "end", 0, 81), labels, "t", view),
        (runs, choice, ("another",), "t", view),
        (runs, choice, labels, "another title", view),
        (runs, choice, labels, "t", (False, False, "log", False)),
        (runs, choice, labels, "t", (True, True, "log", False)),
        (runs, choice, labels, "t", (True, False, "even", False)),
        (runs, choice, labels, "t", (True, False, "log", True)),
    ]
    drawn = {figure_json(first)}
    for args in variants:
        figure = landscape_ui.map_figure_cached(*args)
        assert figure is not first, f"{args} gave the cached chart of other inputs"
        drawn.add(figure_json(figure))
    # the random plane's seed 1 against 0 and each other change shows in what is drawn
    assert len(drawn) == len(variants) + 1


def test_the_replay_is_keyed_by_the_settings_plane_and_spacing():
    """``prepared_replay`` takes only values; its run comes from the one training cache."""
    import inspect

    from core.mlp.drawing import Slice
    from ui.train.replay import prepared_replay

    base = {"settings": QUICK, "plane": Slice(2, 0.5), "spacing": "log", "stacked": False}
    names = list(inspect.signature(prepared_replay).parameters)
    assert all(not name.startswith("_") for name in names), "no unhashed argument"
    args = {name: base[name] for name in names}
    first = prepared_replay(**args)
    assert prepared_replay(**args) is first
    changed = {
        "settings": dataclasses.replace(QUICK, seed=1),
        "plane": Slice(0, 0.5),
        "spacing": "even",
        "stacked": True,
    }
    for name in names:
        other = prepared_replay(**(args | {name: changed[name]}))
        assert other is not first, f"{name} changed and the cache gave the old film"
        assert other.to_dict() != first.to_dict(), f"{name} changed nothing drawn"
