"""AppTest of *Methods side by side*: its caption promises what the layer's Fourier pictures
show, block1_conv1's Fourier grid climbs at the layer's own learning rate, and filters that
never fired are named under the grid."""

from __future__ import annotations

from tests.pages.test_vgg16_filters_page import (  # noqa: F401 - renders is a fixture
    UNTRAINED,
    fake_render,
    open_page,
    press,
    renders,
)
from ui.filters import jobs as filters_jobs


def tab_text(at) -> str:
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def test_block1_conv1s_fourier_column_says_what_it_shows(renders, monkeypatch):  # noqa: F811
    def render(model, settings, on_progress=None, on_step=None):
        renders.append(settings)
        grid = fake_render(model, settings, on_progress)
        if settings.method == "fourier":  # as a real chosen grid: nothing ranked, one silent
            grid.loss_history[1] = 0.0
            grid.settings = {"layer": settings.layer, "method": "fourier"}
        return grid

    monkeypatch.setattr(filters_jobs, "render_grid", render)
    at = press(open_page({**UNTRAINED, "n": "2"}), "filters_methods_button")
    assert not at.exception and not at.error
    said = tab_text(at)
    assert "far less noise" not in said
    assert "Each filter here sees 3x3 pixels" in said
    assert "learning rate 0.01 on this layer" in said
    [seed, fourier] = renders
    assert (seed.method, fourier.method) == ("seed", "fourier")
    assert (fourier.steps, fourier.step_size) == (96, 0.01)
    silent = fourier.indices[1]
    assert f"#{silent} never fired (mean activation 0 at every step" in said
    assert said.count("never fired") == 1  # the ranked seed grid drops its silent filters


def test_deeper_layers_promise_only_larger_patterns(renders):  # noqa: F811
    at = open_page({**UNTRAINED, "n": "2", "layer": "block3_conv3"})
    said = tab_text(at)
    assert "larger patterns, in stronger colour" in said and "3x3" not in said
    assert "far less noise" not in said


def test_the_fourier_step_follows_the_layer_unless_typed(renders):  # noqa: F811
    at = open_page({**UNTRAINED, "n": "2", "method": "fourier"})  # block1_conv1
    assert at.number_input(key="step").value == 0.01
    at.selectbox(key="layer").set_value("block5_conv3").run()
    assert at.number_input(key="step").value == 0.05
    at.selectbox(key="layer").set_value("block1_conv1").run()
    assert at.number_input(key="step").value == 0.01
    at.number_input(key="step").set_value(0.03).run()
    at.selectbox(key="layer").set_value("block3_conv3").run()
    assert at.number_input(key="step").value == 0.03  # typed: kept
    assert not at.exception
