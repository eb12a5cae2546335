"""AppTest of "Train the MLP": every control, the URL, and the numbers the page shows."""

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.mlp import MLP, train
from core.mlp.data import training_set

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "train_mlp.py")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def open_page(**query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=180)
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


def test_the_lessons_run_separates_all_ten_colours_and_reports_its_minimum():
    at = open_page()
    X, y = training_set()
    expected = train(X, y)
    assert metric(at, "Training colours right") == "10 / 10"
    assert metric(at, "Reached at iteration") == f"{expected.best_iteration:,}"
    assert metric(at, "Final error") == f"{expected.final_loss:.2e}"
    assert any(
        f"Minimum error reached at iteration **{expected.best_iteration:,}**" in m.value
        for m in at.markdown
    )
    assert at.query_params["lr"] == "0.2" and at.query_params["hidden"] == "5-2"
    stored = at.session_state["trained_network"]
    np.testing.assert_allclose(stored["result"].losses, expected.losses, atol=1e-9)


def test_every_control_retrains_and_lands_in_the_url():
    at = open_page()
    at.select_slider(key="lr").set_value(1.0)
    at.select_slider(key="iterations").set_value(1_000)
    at.number_input(key="seed").set_value(3)
    at.select_slider(key="init").set_value(0.5)
    at.slider(key="depth").set_value(3).run()
    at.slider(key="hidden_0").set_value(4)
    at.slider(key="hidden_2").set_value(2)
    at.radio(key="activation").set_value("tanh")
    at.toggle(key="log_y").set_value(False)
    at.run()
    assert not at.exception, at.exception
    assert dict(at.query_params) == {
        "lr": "1",
        "iterations": "1000",
        "seed": "3",
        "init": "0.5",
        "hidden": "4-2-2",
        "activation": "tanh",
    }
    X, y = training_set()
    expected = train(X, y, (3, 4, 2, 2, 1), 1.0, 1_000, 3, 0.5, "tanh")
    assert metric(at, "Final error") == f"{expected.final_loss:.2e}"
    assert "3-4-2-2-1 tanh" in at.caption[0].value

    at.button[0].click().run()  # reset to the lesson's settings
    assert not at.exception
    assert at.select_slider(key="lr").value == 0.2
    assert at.slider(key="depth").value == 2
    assert at.query_params["iterations"] == "10000"


def test_a_shared_link_opens_the_same_run():
    at = open_page(lr="0.5", iterations="2000", seed="7", hidden="3", activation="relu")
    assert not at.warning
    assert at.select_slider(key="lr").value == 0.5
    assert at.slider(key="depth").value == 1
    X, y = training_set()
    expected = train(X, y, (3, 3, 1), 0.5, 2_000, 7, 0.15, "relu")
    assert metric(at, "Final error") == f"{expected.final_loss:.2e}"


def test_nonsense_in_the_url_gives_a_message_and_the_defaults():
    at = open_page(lr="abc", iterations="-5", hidden="9-9", activation="softmax")
    messages = " ".join(w.value for w in at.warning)
    for part in ("lr=abc", "iterations=-5", "hidden=9-9", "activation=softmax"):
        assert part in messages
    assert at.select_slider(key="lr").value == 0.2
    assert metric(at, "Training colours right") == "10 / 10"


@pytest.mark.parametrize("tab", ["Weights", "Decision map", "Predictions", "Learning-rate sweep"])
def test_every_tab_renders(tab):
    at = open_page(iterations="1000")
    show_tab(at, tab)
    if tab == "Decision map":
        at.radio(key="map_channel").set_value("red")
        at.slider(key="map_value").set_value(30).run()
        assert not at.exception


def test_one_step_by_the_numbers_shows_what_core_computes():
    at = open_page(seed="4", lr="0.5")
    show_tab(at, "One step by the numbers")
    X, y = training_set()
    step = MLP((3, 5, 2, 1), seed=4, init_scale=0.15).step(X[:3], y[:3], learning_rate=0.5)
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
        check(rf"\frac{{\partial E}}{{\partial W_{k + 1}}}", step.gradients[k], 6)
    error = next(e.value for e in at.latex if "Error_{total}" in e.value)
    assert float(re.search(r"= (\d+\.\d+)", error).group(1)) == pytest.approx(step.error, abs=1e-6)
