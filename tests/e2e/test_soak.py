"""One server through a whole lecture: every page and tab with several settings, in Chromium.

What the server keeps (networks per weights, compiled steps, figures, pictures, finished grids,
training runs) is bounded; this walk proves that the bounds hold together: the server's peak
and its memory once idle again stay under the app's budget (the README's 1.5 GB).
"""

from __future__ import annotations

import os
import time

import pytest

from tests.support import browser as br
from tests.support import flows
from tests.support.app_server import AppServer
from tests.support.weights import trained_weights

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUDGET_MB = 1500.0
TRAIN_LINKS = ("", "lr=5&hidden=8-3", "activation=tanh&iterations=2000&seed=3")
TRAIN_TABS = (
    "Replay",
    "Step by step",
    "Compare runs",
    "Landscape",
    "Weights",
    "Predictions",
    "Learning-rate sweep",
    "Export",
)
FILTER_LINKS = (
    "",
    "layer=block3_conv3",
    "layer=block2_conv1&n=2&M=4&steps=3&size=64",
    "layer=block4_conv1&n=2&M=8&steps=2&size=32&method=fourier",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    cache = tmp_path_factory.mktemp("soak")
    env = {
        "FILTER_GRID_CACHE": str(cache / "grids"),
        "FILTER_GRID_DIR": str(cache / "prerendered"),
        "CLASSROOM_DATA_DIR": str(cache / "classroom"),
    }
    weights = trained_weights()
    if weights:
        env["VGG16_WEIGHTS"] = weights
    with AppServer(env=env, unset=() if weights else ("VGG16_WEIGHTS",)) as app:
        yield app


def click_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    br.wait_for_run(page, timeout=300)


def walk_training(page, url: str) -> None:
    for link in TRAIN_LINKS:
        flows.train_page(page, url, link, timeout=300)
        for tab in TRAIN_TABS:
            click_tab(page, tab)
        assert br.problems(page) == [], link


def walk_colour(page, url: str) -> None:
    flows.colour_page(page, url, timeout=300)
    for text in ("White", "Black", "White"):
        flows.teach(page, text)
    page.get_by_role("button", name="Retrain on 3 labels").click()
    br.wait_for_run(page, timeout=300)
    flows.type_colour(page, "oklch(0.6 0.12 250)")
    assert br.problems(page) == []


def walk_filters(page, url: str) -> None:
    for link in FILTER_LINKS:
        br.open_app(page, url, flows.FILTERS_PATH, link, timeout=300)
        render = page.get_by_role("button", name="Render grid")
        if render.count() and render.first.is_enabled():
            flows.press_render(page)
        for tab in ("Methods side by side", "Compare layers", "Trained vs untrained"):
            click_tab(page, tab)
        assert flows.without_offline_imagenet(page, br.problems(page)) == [], link
    click_tab(page, "Your picture")
    page.get_by_text("Show what VGG16 does with a picture").click()
    br.wait_for_run(page, timeout=600)
    assert flows.without_offline_imagenet(page, br.problems(page)) == []


def test_a_whole_lecture_stays_under_the_memory_budget(server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(300_000)
    page = context.new_page()
    started = time.perf_counter()
    try:
        with server.memory_sampler() as memory:
            walk_training(page, server.url)
            walk_colour(page, server.url)
            walk_filters(page, server.url)
            walked_s = time.perf_counter() - started
            peak_mb = memory.peak / 2**20
    finally:
        context.close()
    time.sleep(float(os.environ.get("SOAK_IDLE_S", "10")))  # every session closed: idle
    idle_mb = server.rss() / 2**20
    print(
        f"\nsoak walk: {walked_s:.0f} s; server peak {peak_mb:.0f} MB, idle {idle_mb:.0f} MB "
        f"(budget {BUDGET_MB:.0f} MB)"
    )
    assert peak_mb < BUDGET_MB
    assert idle_mb < BUDGET_MB
