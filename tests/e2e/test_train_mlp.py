"""Train the MLP in a real browser: the learning-rate slider retrains and the URL follows."""

import pytest

from scripts import browser as br
from scripts import flows

pytestmark = pytest.mark.browser


def test_learning_rate_slider_retrains(page, base_url, shots):
    flows.train_page(page, base_url, "lr=0.2&iterations=1000&seed=0")
    assert br.problems(page) == []
    assert flows.query(page)["lr"] == "0.2"
    chart = flows.first_chart(page)
    before = flows.picture(page, chart)

    new_lr = flows.move_learning_rate(page, +1)

    assert float(new_lr) > 0.2
    assert br.problems(page) == []
    assert flows.picture(page, flows.first_chart(page)) != before, "loss curve did not change"
    assert page.console_errors == []
    br.screenshot(page, shots / "train_mlp.png")


def test_settings_come_from_the_url(page, base_url):
    flows.train_page(page, base_url, "lr=0.5&iterations=500&seed=3")
    params = flows.query(page)
    assert (params["lr"], params["iterations"], params["seed"]) == ("0.5", "500", "3")
    assert "learning rate 0.5, 500 iterations, seed 3" in br.main_text(page)
    assert br.problems(page) == []
