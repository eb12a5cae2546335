"""AppTest of "Train the MLP": every control, the URL, and the numbers the page shows."""

import base64
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from core.mlp import MLP, TrainingSettings, log_frames, train
from core.mlp.data import training_set
from tests.support.pages import address
from ui.train.controls import PARAMS

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "train_mlp.py")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
X, Y = training_set()


def open_page(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=300)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def show_tab(at: AppTest, label: str) -> None:
    at.session_state["train_tab"] = label
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


def click(at: AppTest, label: str) -> float:
    """Click the button with this label; returns the seconds the rerun took."""
    start = time.perf_counter()
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return time.perf_counter() - start


def slider_iteration(at: AppTest) -> str:
    """The iteration the step tab's slider shows, as the page writes it."""
    slider = at.select_slider(key="train_step_frame")
    assert slider.label.startswith("Iteration"), slider.label
    return f"{slider.value:,}"


def figure(at: AppTest, key_part: str) -> dict:
    """The Plotly figure of the chart whose element id names key_part."""
    chart = next(c for c in at.get("plotly_chart") if key_part in c.proto.id)
    return json.loads(chart.proto.spec)


def array(value) -> np.ndarray:
    """A Plotly JSON array: a list, or a typed array {"dtype": "f8", "bdata": base64}."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def test_the_lessons_run_separates_all_ten_colours_and_reports_its_minimum():
    at = open_page()
    expected = train(X, Y)
    assert metric(at, "Training colours right") == "10 / 10"
    assert metric(at, "Reached at iteration") == f"{expected.best_iteration:,}"
    # Error_total = 1/2 sum((A3 - y)^2): half the sum of squares the training loop records
    assert metric(at, "Final error") == f"{expected.final_loss / 2:.2e}"
    assert metric(at, "Minimum error") == f"{expected.best_loss / 2:.2e}"
    error_caption = "Error_total = ½·Σ(output − expected)², summed over the ten colours"
    assert error_caption in at.caption[0].value
    assert address(at, PARAMS) == {}  # the lesson's run: a clean address
    stored = at.session_state["trained_network"]
    np.testing.assert_allclose(stored["result"].losses, expected.losses, atol=1e-9)
    assert "3-5-2-1 sigmoid" in at.markdown[0].value
    assert "Lesson's learning rate (0.2)" in at.info[0].value


def test_every_control_retrains_and_lands_in_the_url():
    at = open_page()
    at.select_slider(key="lr").set_value(1.0)
    at.select_slider(key="iterations").set_value(1_000)
    at.number_input(key="seed").set_value(3)
    at.select_slider(key="init").set_value(0.5)
    at.slider(key="train_depth").set_value(3).run()
    at.slider(key="train_hidden_0").set_value(4)
    at.slider(key="train_hidden_2").set_value(2)
    at.radio(key="activation").set_value("tanh")
    at.run()
    assert not at.exception, at.exception
    assert address(at, PARAMS) == {
        "lr": "1",
        "iterations": "1000",
        "seed": "3",
        "init": "0.5",
        "hidden": "4-2-2",
        "activation": "tanh",
    }
    expected = train(X, Y, TrainingSettings(1.0, 1_000, 3, 0.5, (4, 2, 2), "tanh"))
    assert metric(at, "Final error") == f"{expected.final_loss / 2:.2e}"
    assert "3-4-2-2-1 tanh" in at.caption[0].value
    intro = at.markdown[0].value
    assert "3-4-2-2-1 tanh" in intro and "3-5-2-1" not in intro  # the intro follows the network

    next(b for b in at.button if b.label == "Reset to the lesson's settings").click().run()
    assert not at.exception
    assert at.select_slider(key="lr").value == 0.2
    assert at.slider(key="train_depth").value == 2
    assert address(at, PARAMS) == {}


def test_a_preset_sets_the_learning_rate_and_says_what_to_watch():
    at = open_page(iterations="1000")
    click(at, "Too large")
    assert at.select_slider(key="lr").value == 20.0
    assert address(at, PARAMS)["lr"] == "20"
    assert "Too large learning rate (20)" in at.info[0].value and "diverges" in at.info[0].value


def test_a_shared_link_opens_the_same_run_even_between_slider_stops():
    at = open_page(lr="0.33", iterations="1234", seed="7", hidden="3", activation="relu")
    assert not at.warning
    assert at.select_slider(key="lr").value == 0.33
    assert at.select_slider(key="iterations").value == 1_234
    assert at.slider(key="train_depth").value == 1
    expected = train(X, Y, TrainingSettings(0.33, 1_234, 7, 0.15, (3,), "relu"))
    assert metric(at, "Final error") == f"{expected.final_loss / 2:.2e}"
    assert address(at, PARAMS)["lr"] == "0.33" and address(at, PARAMS)["iterations"] == "1234"


def test_url_warnings_say_what_the_value_became_and_go_once_changed():
    at = open_page(lr="abc", iterations="1e6", hidden="9-9", activation="softmax")
    messages = " ".join(w.value for w in at.warning)
    assert "`lr=abc` is not a number; using 0.2" in messages
    assert "`iterations=1e6` is outside 1 to 200,000; using 10000" in messages
    for part in ("hidden=9-9", "activation=softmax"):
        assert part in messages
    assert metric(at, "Training colours right") == "10 / 10"
    at.select_slider(key="lr").set_value(0.5).run()
    messages = " ".join(w.value for w in at.warning)
    assert "lr=abc" not in messages and "activation=softmax" in messages
    at.select_slider(key="lr").set_value(0.2).run()  # back to 0.2: the note stays gone
    assert "lr=abc" not in " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("iterations, spacing", [(1_000, "log"), (20_000, "even")])
def test_the_replay_has_a_frame_per_snapshot_labelled_by_iteration(iterations, spacing):
    at = open_page(iterations=str(iterations))
    at.radio(key="train_spacing").set_value(spacing).run()
    spec = figure(at, "train_replay")
    labels = [s["label"] for s in spec["layout"]["sliders"][0]["steps"]]
    assert len(spec["frames"]) == len(labels) >= (101 if iterations <= 10_000 else 201)
    assert labels[0] == "0" and labels[-1] == f"{iterations:,}"
    if spacing == "log":
        assert labels == [f"{i:,}" for i in log_frames(iterations)]
    # What the scrubber shows under its ticks: from 0 to the run's last iteration
    shown = [a for a in spec["layout"]["annotations"] if a.get("name") == "scrubber label"]
    assert shown[0]["text"] == "0" and shown[-1]["text"] == f"{iterations:,}"
    assert shown[-1]["x"] == 1 and len(shown) >= 3
    legend = [t["name"] for t in spec["data"] if "training colour" in t.get("name", "")]
    assert legend == [
        "training colours",  # the points, out of the legend
        "training colour, white text (1)",
        "training colour, black text (0)",
    ]
    assert (
        next(t for t in spec["data"] if t.get("name") == "training colours")["showlegend"] is False
    )
    assert ("log-spaced" if spacing == "log" else "evenly spaced") in at.caption[1].value
    said = "a training colour drawn as a circle wants white text (1), as a square black text (0)"
    assert said in at.caption[1].value


@pytest.mark.slow
def test_step_buttons_take_the_steps_core_mlp_takes():
    at = open_page(seed="4", lr="0.5", iterations="1000")
    show_tab(at, "Step by step")
    assert metric(at, "Iteration") == "0" == slider_iteration(at)
    assert not any("Server time" in c.value for c in at.caption)  # no click yet: no timing
    seconds = [click(at, f"+{n} step{'s' * (n > 1)}") for n in (1, 10, 100)]
    assert metric(at, "Iteration") == "111" == slider_iteration(at)
    net = MLP((3, 5, 2, 1), seed=4, init_scale=0.15)
    for _ in range(110):
        net.backprop(X, Y, 0.5)
    step = net.step(X, Y, 0.5)  # the 111th step, the one "just taken"
    after = MLP((3, 5, 2, 1), weights=step.W_new)
    assert float(metric(at, "Error now")) == pytest.approx(
        0.5 * float(np.sum((after.forward(X) - Y) ** 2)), abs=1e-6
    )
    check_step_numbers(at, step)
    assert "Server time of the last click" not in [m.label for m in at.metric]  # not a headline
    timing = next(c.value for c in at.caption if c.value.startswith("Server time"))
    server_ms = float(re.search(r"click: (\S+) ms", timing).group(1))
    assert server_ms < 500, server_ms
    print(f"step reruns took {[round(s, 3) for s in seconds]} s; server {server_ms} ms for 100")
    assert at.query_params["step"] == "111"

    click(at, "Reset to the initial weights")
    assert metric(at, "Iteration") == "0" == slider_iteration(at)
    assert "step" not in at.query_params


def check_step_numbers(at: AppTest, step) -> None:
    shown = {}
    for element in at.latex:
        for part in element.value.strip("$ \n").split(r"\qquad"):
            left = part.split("=")[0].strip()
            shown[left] = [float(v) for v in NUMBER.findall(part.split("=")[-1])]

    def check(name: str, values: np.ndarray, decimals: int) -> None:
        assert name in shown, (name, list(shown))
        np.testing.assert_allclose(shown[name], np.ravel(values), atol=0.6 * 10.0**-decimals)

    check("INPUT", step.INPUT, 4)
    check("y", step.y, 0)
    for k in range(3):
        check(f"W_{k + 1}", step.W[k], 4)
        check(f"Z_{k + 1}", step.Z[k], 4)
        check(f"A_{k + 1}", step.A[k], 4)
        check(rf"\delta_{k + 1}", step.delta[k], 6)
        check(rf"W_{k + 1}^{{new}}", step.W_new[k], 6)
        check(rf"\frac{{\partial Error_{{total}}}}{{\partial W_{k + 1}}}", step.gradients[k], 6)
    # One error, the document's: Error_total = 1/2 sum (A3 - y)^2, and its delta the gradient
    formulas = [e.value.strip("$ \n") for e in at.latex]
    error = next(f for f in formulas if f.startswith("Error_{total}"))
    assert error.startswith(r"Error_{total} = \tfrac{1}{2}\sum (A_3 - y)^2 = ")
    assert float(error.split("= ")[-1]) == pytest.approx(step.error / 2, abs=1e-6)
    delta = next(f for f in formulas if f.startswith(r"\delta_3"))
    assert delta.startswith(
        r"\delta_3 = \frac{\partial Error_{total}}{\partial Z_3} = (A_3 - y)\odot A_3\odot(1 - A_3)"
    )
    A3, y = step.A[-1], step.y  # the delta of 1/2 sum, not of the sum (that would be twice)
    np.testing.assert_allclose(step.delta[-1], (A3 - y) * A3 * (1 - A3), rtol=1e-12)
    every = " ".join(formulas)
    assert every.count(r"\sum") == 1 and r"\tfrac12" not in every


def test_stepping_from_a_replay_frame_and_a_reload_at_a_step():
    at = open_page(iterations="1000")
    show_tab(at, "Step by step")
    frame = int(log_frames(1_000)[70])
    at.select_slider(key="train_step_frame").set_value(frame).run()  # moving it moves the step
    assert not at.exception, at.exception
    assert metric(at, "Iteration") == f"{frame}" == slider_iteration(at)
    net = MLP()
    for _ in range(frame):
        net.backprop(X, Y, 0.2)
    np.testing.assert_allclose(
        at.session_state["train_stepper"].weights[0], net.weights[0], atol=1e-9
    )

    again = open_page(iterations="1000", step="25")  # a reload of a link at step 25
    show_tab(again, "Step by step")
    assert metric(again, "Iteration") == "25" == slider_iteration(again)  # 25 is no frame
    net = MLP()
    for _ in range(25):
        net.backprop(X, Y, 0.2)
    stepper = again.session_state["train_stepper"]
    np.testing.assert_allclose(stepper.weights[2], net.weights[2], atol=1e-9)
    assert again.query_params["step"] == "25"


@pytest.mark.slow
def test_pinned_runs_are_compared_and_can_be_unpinned():
    at = open_page(iterations="2000")
    show_tab(at, "Compare runs")
    click(at, "Pin this run")
    at.select_slider(key="lr").set_value(2.0).run()
    click(at, "Pin this run")
    at.select_slider(key="lr").set_value(0.05).run()
    table = at.dataframe[0].value
    assert list(table["run"]) == ["now: lr 0.05", "pinned: lr 0.2", "pinned: lr 2"]
    for row, rate in zip(table.itertuples(), (0.05, 0.2, 2.0), strict=True):
        run = train(X, Y, learning_rate=rate, iterations=2_000)
        assert row[2] == pytest.approx(run.final_loss / 2, rel=1e-6)  # final Error_total
        assert row[3] == pytest.approx(run.best_loss / 2, rel=1e-6)  # minimum Error_total
    reach = list(table["iterations to reach target"])
    assert reach[0] == "not reached" and reach[2] != "not reached"
    names = [t["name"] for t in figure(at, "train_compare_chart")["data"]]
    assert names == ["now: lr 0.05", "pinned: lr 0.2", "pinned: lr 2"]

    click(at, "Unpin lr 0.2")
    assert list(at.dataframe[0].value["run"]) == ["now: lr 0.05", "pinned: lr 2"]
    for rate in (0.5, 1.0, 3.0, 5.0):
        at.select_slider(key="lr").set_value(rate).run()
        click(at, "Pin this run")
    assert len(at.dataframe[0].value) == 6  # five pinned and the current run
    assert next(b for b in at.button if b.label == "Pin this run").disabled


def test_exports_offer_four_files_and_the_script_repeats_the_run(tmp_path):
    at = open_page(iterations="3000", lr="0.7", seed="2")
    show_tab(at, "Export")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Download the error history (CSV)",
        "Download the final weights (JSON)",
        "Download the trained model (.keras)",
        "Download a NumPy script of this run (.py)",
    ]
    shown = float(re.search(r"\(\*\*(\S+)\*\* here\)", at.markdown[1].value).group(1))
    from ui.train.export import run_script

    script = tmp_path / "run.py"
    script.write_text(run_script(TrainingSettings(0.7, 3_000, 2)))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    printed = float(re.search(r"final error (\S+)", done.stdout).group(1))
    assert printed == pytest.approx(shown, rel=1e-6)
    run = train(X, Y, learning_rate=0.7, iterations=3_000, seed=2)
    assert shown == pytest.approx(run.final_loss / 2, rel=1e-6)  # Error_total, half the sum
    assert "Error_total = ½·Σ(output − expected)²" in at.markdown[1].value
    assert next(c.value for c in at.code if "ITERATIONS = 3000" in c.value)


def test_the_sweep_reaches_rates_too_large_to_learn():
    at = open_page()
    show_tab(at, "Learning-rate sweep")
    final = figure(at, "sweep")["data"][0]
    rates, errors = array(final["x"]), array(final["y"])
    assert rates.max() == 100
    assert errors[rates == 100][0] > 100 * errors[rates == 0.2][0]  # too high: error stays up


@pytest.mark.parametrize("tab", ["Weights", "Predictions"])
def test_the_other_tabs_render(tab):
    at = open_page(iterations="1000")
    show_tab(at, tab)
    if tab == "Weights":
        titles = [figure(at, f"train_W{k}")["layout"]["title"]["text"] for k in (1, 2, 3)]
        assert titles == ["W1  (5×4)", "W2  (2×6)", "W3  (1×3)"]


QUERY_TEXT = st.one_of(st.text(max_size=10), st.sampled_from(["0.5", "1e6", "-1", "nan", "5-2"]))


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["lr", "iterations", "seed", "init", "hidden", "activation", "step"]),
        QUERY_TEXT,
    )
)
def test_random_query_strings_never_break_the_page(params):
    at = AppTest.from_file(PAGE, default_timeout=300)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, (params, at.exception)
    assert not at.error, (params, [e.value for e in at.error])
    assert len(at.metric) == 4  # the page is all there
    for warning in at.warning:
        assert (
            "could not be used as written" in warning.value and "using" in warning.value
        ) or "step=" in warning.value


def test_a_prepared_figure_sends_the_same_json_without_copying_it_each_time():
    import plotly.graph_objects as go
    import plotly.io as pio

    from ui.train.replay import PreparedFigure

    original = go.Figure(go.Heatmap(z=np.arange(6.0).reshape(2, 3)), frames=[{"name": "1"}])
    prepared = PreparedFigure(original)
    assert json.loads(pio.to_json(prepared.to_dict())) == json.loads(original.to_json())
    assert prepared.to_dict() is prepared.to_dict()  # made once


def test_the_replay_sent_from_plain_frames_is_the_figure_plotly_checks():
    from core.mlp.drawing import Slice
    from core.mlp.replay import replay_figure, replay_parts
    from core.mlp.replay_frames import replay_frames
    from ui.train.replay import PreparedFigure

    X, y = training_set()
    run = train(X, y, TrainingSettings(iterations=500, hidden=(4, 3)))
    for plane, spacing, stacked in ((Slice(), "log", False), (Slice(0, 0.2), "even", True)):
        frames = replay_frames(run, X, y, plane, spacing)
        checked = replay_figure(frames, run, X, y, plane, spacing, stacked)
        assert len(checked.frames) == len(frames.iterations)
        fast = PreparedFigure(*replay_parts(frames, run, X, y, plane, spacing, stacked))
        assert fast.to_dict() == PreparedFigure(checked).to_dict()


def test_a_preset_note_never_claims_what_the_chart_contradicts():
    """Issue 20 item 7: "Lesson's" with 3 hidden layers ends at 1.20 (Error_total), 6/10 right."""
    at = open_page(hidden="5-2-4")
    assert metric(at, "Training colours right") == "6 / 10"
    note = at.info[0].value
    assert note.startswith("**Lesson's learning rate (0.2)**")
    assert "error falls a thousandfold" not in note and "plateau for about" not in note
    assert "on the lesson's 3-5-2-1 sigmoid network" in note and "this run does not" in note
    assert "from 1.47 to 1.20" in note and "it has not learned them" in note  # Error_total


def reload(at: AppTest) -> AppTest:
    """A fresh session opened at the address the page left (a reload, or a shared link)."""
    return open_page(**address(at, PARAMS))


def test_the_first_pin_is_named_by_its_own_settings():
    """Issue 20 item 9: the first pin was labelled "Unpin same settings"."""
    at = open_page(iterations="2000")
    show_tab(at, "Compare runs")
    click(at, "Pin this run")
    labels = [b.label for b in at.button if b.label.startswith("Unpin")]
    assert labels == ["Unpin 3-5-2-1 sigmoid, lr 0.2"]
    assert list(at.dataframe[0].value["run"]) == [
        "now: 3-5-2-1 sigmoid, lr 0.2",
        "pinned: 3-5-2-1 sigmoid, lr 0.2",
    ]


def test_counts_in_the_compare_table_have_thousands_separators():
    """Issue 20 item 9: "minimum at iteration" showed 9999 beside "2,345"."""
    at = open_page()
    show_tab(at, "Compare runs")
    table = at.dataframe[0].value
    assert list(table["minimum at iteration"]) == ["9,999"]
    assert list(table["iterations to reach target"]) == [
        f"{int((train(X, Y).losses / 2 <= 0.01).argmax()):,}"  # Error_total reaches 0.01
    ]


def test_pinned_runs_come_back_after_a_reload():
    """Issue 20 item 9: pins were lost on reload."""
    at = open_page(iterations="2000")
    show_tab(at, "Compare runs")
    click(at, "Pin this run")
    at.select_slider(key="lr").set_value(2.0).run()
    at.radio(key="activation").set_value("tanh").run()
    click(at, "Pin this run")
    at.select_slider(key="lr").set_value(0.05).run()
    link = address(at, PARAMS)
    assert link["pins"] == "it2000~lr2_it2000_tanh"  # only what differs from the lesson
    again = reload(at)
    show_tab(again, "Compare runs")
    assert [r.settings for r in again.session_state["train_pinned"]] == [
        TrainingSettings(iterations=2_000),
        TrainingSettings(2.0, 2_000, activation="tanh"),
    ]
    rows = list(again.dataframe[0].value["run"])
    assert rows == list(at.dataframe[0].value["run"])
    final = again.dataframe[0].value["final error"]
    assert final[2] == pytest.approx(
        train(X, Y, learning_rate=2.0, iterations=2_000, activation="tanh").final_loss / 2,
        rel=1e-6,
    )
    click(again, "Unpin lr 0.2, sigmoid")
    assert address(again, PARAMS)["pins"] == "lr2_it2000_tanh"


def test_a_20000_character_value_is_quoted_short():
    at = open_page(lr="x" * 20_000)
    [warning] = at.warning
    assert f"`lr={'x' * 40}…` is not a number; using 0.2" in warning.value
    assert "x" * 41 not in warning.value
