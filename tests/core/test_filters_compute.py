"""Tests of core.filters.compute: the compute type follows the measurement and the override."""

from __future__ import annotations

import threading
import time

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from core.filters import compute
from core.filters.ascent import AscentStep, default_batch_size, initial_image, make_ascent
from core.filters.compute import (
    DTYPE_ENV,
    MIN_SPEEDUP,
    ComputeChoice,
    check_dtype,
    choice_for_this_machine,
    choose,
    cpu_bf16_features,
    measure_choice,
)
from core.filters.grid import filter_grid
from core.filters.model import in_dtype, load_vgg16, truncate
from core.filters.settings import GridSettings
from core.filters.visualizer import Visualizer

AMX_CPUINFO = """processor : 0
model name : Intel(R) Xeon(R) Platinum 8480+
flags : fpu sse avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8
"""
EPYC_CPUINFO = """processor : 0
model name : AMD EPYC
flags : fpu sse avx avx2 fma
"""


def tiny_model(seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    x = inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="block1_conv1")(x)
    x = keras.layers.MaxPooling2D(name="block1_pool")(x)
    x = keras.layers.Conv2D(6, 3, padding="same", activation="relu", name="block2_conv1")(x)
    return keras.Model(inputs, x)


@pytest.fixture
def fresh(monkeypatch):
    """No override from the environment."""
    monkeypatch.delenv(DTYPE_ENV, raising=False)
    return monkeypatch


class FakeClock:
    """Stands in for the ``time`` module inside ``compute``: only fake steps move it."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(compute, "time", fake)
    return fake


def fake_probe(clock: FakeClock, ms: dict[str, float], calls: dict | None = None):
    """A fake probe whose step for each type takes ``ms[dtype]`` milliseconds on ``clock``."""

    def probe(dtype):
        def run():
            clock.now += ms[dtype] / 1000
            if calls is not None:
                calls[dtype] += 1

        return run

    return probe


def test_the_faster_measured_type_is_chosen(clock):
    fast_bf16 = measure_choice(probe=fake_probe(clock, {"float32": 60, "bfloat16": 15}))
    assert fast_bf16.dtype == "bfloat16" and "about 4.0x faster than float32" in fast_bf16.reason
    slow_bf16 = measure_choice(probe=fake_probe(clock, {"float32": 10, "bfloat16": 21}))
    assert slow_bf16.dtype == "float32"
    assert slow_bf16.ms_per_step["bfloat16"] == pytest.approx(21)
    assert "2.1x slower" in slow_bf16.reason


@pytest.mark.parametrize(
    "float32, bfloat16, features, dtype, words",
    [
        (100, 38, ("amx_bf16",), "bfloat16", ["bfloat16: this CPU runs it natively", "2.6x"]),
        (100, 50, (), "bfloat16", ["measured faster", "2.0x"]),
        (100, 210, (), "float32", ["float32: bfloat16 is 2.1x slower", "no native bf16"]),
        (100, 90, ("amx_bf16",), "float32", ["only 1.11x"]),  # within the noise margin
    ],
)
def test_choice_and_its_reason_follow_the_numbers(float32, bfloat16, features, dtype, words):
    choice = choose({"float32": float32, "bfloat16": bfloat16}, features)
    assert choice.dtype == dtype
    for word in words:
        assert word in choice.reason
    assert "\n" not in choice.reason and len(choice.reason) < 100  # one line on the page


@settings(max_examples=200, deadline=None)
@given(st.floats(0.01, 1e4), st.floats(0.01, 1e4))
def test_bfloat16_only_when_it_wins_by_the_margin(float32, bfloat16):
    choice = choose({"float32": float32, "bfloat16": bfloat16})
    assert (choice.dtype == "bfloat16") == (float32 / bfloat16 >= MIN_SPEEDUP)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: choose({"float32": 1, "bfloat16": 1}, requested="float16"), "float16"),
        (lambda: choose({"float32": 1}), "bfloat16"),
        (lambda: choose({"float32": 1, "bfloat16": float("nan")}), "nan"),
        (lambda: choose({"float32": 0, "bfloat16": 1}), "float32"),
        (lambda: measure_choice("fp8"), "fp8"),
        (lambda: check_dtype("float16"), "float16"),
        (lambda: compute.probe_step("int8"), "int8"),
    ],
)
def test_bad_compute_types_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_cpu_features_are_read_from_cpuinfo():
    assert cpu_bf16_features(AMX_CPUINFO) == ("amx_bf16", "amx_tile", "avx512_bf16")
    assert cpu_bf16_features(EPYC_CPUINFO) == ()
    assert cpu_bf16_features("") == ()


@pytest.mark.parametrize("value", ["float32", "bfloat16", " BFloat16 "])
def test_the_environment_overrides_the_measurement(fresh, value):
    fresh.setenv(DTYPE_ENV, value)
    fresh.setattr(compute, "probe_step", lambda dtype: pytest.fail("measured despite override"))
    choice = choice_for_this_machine()
    assert choice.dtype == value.strip().lower()
    assert DTYPE_ENV in choice.reason
    assert Visualizer(None).compute_dtype == choice.dtype


def test_an_unknown_override_falls_back_to_measuring_and_says_so(fresh, clock):
    fresh.setenv(DTYPE_ENV, "float16")
    fresh.setattr(compute, "probe_step", fake_probe(clock, {"float32": 2, "bfloat16": 10}))
    choice = choice_for_this_machine()
    assert choice.dtype == "float32" and "'float16'" in choice.reason


def test_a_visualizer_measures_once_even_from_many_threads(fresh):
    calls = []

    def measure(requested):
        calls.append(requested)
        time.sleep(0.05)  # a slow measurement: the other threads must wait, not measure again
        return ComputeChoice("float32", 16, "float32: test")

    fresh.setattr(compute, "measure_choice", measure)
    visualizer, results = Visualizer(None), []
    threads = [
        threading.Thread(target=lambda: results.append(visualizer.compute_dtype)) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["auto"] and results == ["float32"] * 8
    assert visualizer.compute.reason == "float32: test"


def test_the_grid_key_includes_the_compute_type():
    settings_ = GridSettings()
    assert settings_.key("w", "float32") != settings_.key("w", "bfloat16")


def test_without_native_bf16_this_cpu_measures_bfloat16_slower_and_picks_float32():
    features = cpu_bf16_features()
    if features:
        pytest.skip(f"this CPU runs bfloat16 natively ({', '.join(features)})")
    choice = measure_choice()
    assert choice.dtype == "float32"
    assert choice.ms_per_step["bfloat16"] > choice.ms_per_step["float32"]
    assert "no native bf16" in choice.reason


def test_bfloat16_step_matches_tensorflow_float32_reference():
    model = tiny_model()
    x = np.stack([initial_image(i, 16, 0) for i in range(3)])
    filters = np.array([0, 3, 5])
    losses, stepped = AscentStep(in_dtype(model, "bfloat16"), "bfloat16")(x, filters, 1.0)
    images = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(images)
        A = model(images)
        reference = tf.stack([tf.reduce_mean(A[b, :, :, f]) for b, f in enumerate(filters)])
    g = tape.gradient(reference, images).numpy()
    np.testing.assert_allclose(losses, reference.numpy(), rtol=0.03, atol=0.05)
    for b in range(3):  # the step points where float32's gradient points (bf16 keeps 3 digits)
        step = (stepped[b] - x[b]).ravel()
        assert np.corrcoef(step, g[b].ravel())[0, 1] > 0.85


def test_bfloat16_batches_are_twice_as_big_at_the_same_memory():
    vgg = load_vgg16(None)
    block5 = truncate(vgg, "block5_conv3")
    assert default_batch_size(block5, 128, "float32") == 2
    assert default_batch_size(block5, 128, "bfloat16") == 4
    assert default_batch_size(truncate(vgg, "block1_conv1"), 32, "bfloat16") == 16  # the cap


@pytest.mark.parametrize("method", ["seed", "fourier"])
def test_renders_default_to_the_visualizers_choice(fresh, method):
    fresh.setenv(DTYPE_ENV, "bfloat16")
    visualizer = Visualizer(tiny_model())
    runner = make_ascent(visualizer, "block2_conv1", method, 16, None, 0, 2)
    assert runner.compute_dtype == "bfloat16"
    settings_ = GridSettings.for_method(
        method, layer="block2_conv1", n=1, candidates=2, size=16, steps=2
    )
    grid = filter_grid(visualizer, settings_)
    assert grid.settings["compute_dtype"] == "bfloat16" and grid.settings["batch_size"] >= 1
    assert np.isfinite(grid.losses).all()
    explicit = filter_grid(visualizer, settings_, compute_dtype="float32")
    assert explicit.settings["compute_dtype"] == "float32"


def test_a_clear_gap_is_measured_once_a_close_one_three_times(clock):
    calls = {"float32": 0, "bfloat16": 0}
    measure_choice(probe=fake_probe(clock, {"float32": 2, "bfloat16": 40}, calls))
    assert calls == {"float32": 1, "bfloat16": 1}
    calls.update(float32=0, bfloat16=0)
    choice = measure_choice(probe=fake_probe(clock, {"float32": 20, "bfloat16": 22}, calls))
    assert calls == {"float32": compute.PROBE_REPEATS, "bfloat16": compute.PROBE_REPEATS}
    assert choice.dtype == "float32" and "1.1x slower" in choice.reason
