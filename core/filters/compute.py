"""Which arithmetic the network runs in: float32, or bfloat16 where the CPU runs it natively.

CPUs with AMX (``amx_bf16``, Intel Sapphire Rapids and later) run bfloat16 convolutions
several times faster than float32; CPUs without native bfloat16 emulate it and run it about
2x slower. So the choice is measured, once per process: one short gradient-ascent step of a
small VGG-like block in each type, and the faster one is kept (bfloat16 only when it wins by
a clear margin, so that noise on a shared machine never picks the slow path). The environment
variable ``FILTERS_COMPUTE_DTYPE=float32|bfloat16|auto`` overrides the measurement. Nothing is
kept here: ``choice_for_this_machine`` measures each time it is called.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from core.filters.model import import_keras

DTYPES = ("float32", "bfloat16")
REQUESTS = ("auto", *DTYPES)
DTYPE_ENV = "FILTERS_COMPUTE_DTYPE"
# The CPU flags that mean native bfloat16 arithmetic (AMX tiles, AVX-512 BF16 dot products).
BF16_FEATURES = ("amx_bf16", "amx_tile", "avx512_bf16")
# bfloat16 must beat float32 by this factor to be chosen: its pictures differ a little.
MIN_SPEEDUP = 1.25
# Most filters one batch runs; memory may lower it (``ascent.default_batch_size``).
MAX_BATCH = {"float32": 16, "bfloat16": 16}
# Bytes per activation value: bfloat16 halves the memory, so its batches can be twice as big.
ACTIVATION_BYTES = {"float32": 4, "bfloat16": 2}
PROBE_REPEATS = 3


@dataclass(frozen=True)
class ComputeChoice:
    """The compute type this process uses for the network, and why.

    Attributes:
        dtype: ``"float32"`` or ``"bfloat16"``.
        batch_size: Most filters one batch runs in this type (memory may lower it).
        reason: One line for the page, e.g. "float32: bfloat16 is 2.1x slower on this CPU".
        ms_per_step: Measured milliseconds of the probe step per type (empty if not measured).
        features: The CPU's native-bfloat16 flags found (empty where there are none).
    """

    dtype: str
    batch_size: int
    reason: str
    ms_per_step: Mapping[str, float] = field(default_factory=dict)
    features: tuple[str, ...] = ()


def cpu_bf16_features(cpuinfo: str | None = None) -> tuple[str, ...]:
    """The native-bfloat16 flags of this CPU (from ``/proc/cpuinfo``), e.g. ``("amx_bf16",)``.

    Args:
        cpuinfo: Text of ``/proc/cpuinfo``; None reads it (empty on systems without it).
    """
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    flags = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags |= set(line.split(":", 1)[-1].split())
    return tuple(f for f in BF16_FEATURES if f in flags)


def probe_step(dtype: str, size: int = 24, batch: int = 2) -> Callable[[], None]:
    """One compiled gradient-ascent step of a small VGG-like block (two 3x3 convolutions).

    Args:
        dtype: ``"float32"`` or ``"bfloat16"`` (Keras' ``mixed_bfloat16`` policy).
        size: Side of the probe's activation maps.
        batch: Images per step.

    Returns:
        A function that runs the step once (already traced, so timing it measures the work).
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
    keras = import_keras()
    import tensorflow as tf

    policy = "mixed_bfloat16" if dtype == "bfloat16" else "float32"
    x = inputs = keras.Input((size, size, 64))
    for name in ("probe_conv1", "probe_conv2"):
        x = keras.layers.Conv2D(128, 3, padding="same", activation="relu", dtype=policy, name=name)(
            x
        )
    block = keras.Model(inputs, x)
    images = tf.constant(np.random.default_rng(0).normal(size=(batch, size, size, 64)), tf.float32)

    @tf.function
    def step(images):
        with tf.GradientTape() as tape:
            tape.watch(images)
            losses = tf.reduce_mean(tf.cast(block(images)[..., 0], tf.float32), axis=[1, 2])
        g = tape.gradient(losses, images)
        return images + g / (tf.sqrt(tf.reduce_mean(tf.square(g))) + 1e-7)

    step(images).numpy()  # trace and warm up
    return lambda: step(images).numpy()


def measure_ms(run: Callable[[], None], repeats: int = PROBE_REPEATS) -> float:
    """Median wall time of ``run()`` in milliseconds over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def choose(
    ms_per_step: Mapping[str, float], features: tuple[str, ...] = (), requested: str = "auto"
) -> ComputeChoice:
    """Decide the compute type from measured step times (or a request) and say why.

    Args:
        ms_per_step: Milliseconds of the same step in ``"float32"`` and ``"bfloat16"``.
        features: The CPU's native-bfloat16 flags, for the reason line.
        requested: ``"auto"`` (the faster, bfloat16 only by ``MIN_SPEEDUP``), or a type.

    Returns:
        The ``ComputeChoice``.
    """
    if requested not in REQUESTS:
        raise ValueError(f"compute type must be one of {REQUESTS}, got {requested!r}")
    native = "native bf16: " + ", ".join(features) if features else "no native bf16"
    if requested != "auto":
        reason = f"{requested}: set by {DTYPE_ENV}={requested} ({native})"
        return ComputeChoice(requested, MAX_BATCH[requested], reason, dict(ms_per_step), features)
    for dtype in DTYPES:
        value = ms_per_step.get(dtype)
        if value is None or not (np.isfinite(value) and value > 0):
            raise ValueError(f"expected a positive time for {dtype}, got {value!r}")
    speedup = ms_per_step["float32"] / ms_per_step["bfloat16"]
    if speedup >= MIN_SPEEDUP:
        dtype = "bfloat16"
        how = "this CPU runs it natively" if features else "measured faster on this CPU"
        reason = f"bfloat16: {how}, about {speedup:.1f}x faster than float32"
    elif speedup >= 1:
        dtype = "float32"
        reason = f"float32: bfloat16 is only {speedup:.2f}x as fast on this CPU ({native})"
    else:
        dtype = "float32"
        reason = f"float32: bfloat16 is {1 / speedup:.1f}x slower on this CPU ({native})"
    return ComputeChoice(dtype, MAX_BATCH[dtype], reason, dict(ms_per_step), features)


def measure_choice(
    requested: str = "auto", probe: Callable[[str], Callable[[], None]] | None = None
) -> ComputeChoice:
    """Measure ``probe`` in both types (unless a type is requested) and ``choose``.

    Args:
        requested: ``"auto"``, ``"float32"`` or ``"bfloat16"``.
        probe: Builds the step to time for a type; None is ``probe_step``.
    """
    if requested not in REQUESTS:
        raise ValueError(f"compute type must be one of {REQUESTS}, got {requested!r}")
    features = cpu_bf16_features()
    if requested != "auto":
        return choose({}, features, requested)
    runs = {dtype: (probe or probe_step)(dtype) for dtype in DTYPES}
    ms = {dtype: [] for dtype in DTYPES}
    for _ in range(PROBE_REPEATS):  # interleaved, so that load from others hits both alike
        for dtype, run in runs.items():
            ms[dtype].append(measure_ms(run, 1))
        if not 1 / 3 < ms["float32"][-1] / ms["bfloat16"][-1] < 3:
            break  # a 3x gap is no noise: spare the slow type's remaining steps
    return choose({d: statistics.median(v) for d, v in ms.items()}, features)


def requested_dtype() -> tuple[str, str | None]:
    """What ``$FILTERS_COMPUTE_DTYPE`` asks for, and a note when its value is not understood."""
    value = os.environ.get(DTYPE_ENV, "").strip().lower() or "auto"
    if value in REQUESTS:
        return value, None
    return "auto", f"{DTYPE_ENV}={value!r} is not one of {', '.join(REQUESTS)}; measured instead"


def choice_for_this_machine() -> ComputeChoice:
    """The compute type ``$FILTERS_COMPUTE_DTYPE`` asks for, measured when it says ``auto``.

    A value it does not understand falls back to ``auto`` and the reason says so (never
    raises). Measuring takes about a second: whoever needs the choice keeps it (the page caches
    it once per process, a ``Visualizer`` keeps its own).
    """
    requested, note = requested_dtype()
    choice = measure_choice(requested)
    if note:
        choice = replace(choice, reason=f"{choice.reason} ({note})")
    return choice


def check_dtype(compute_dtype: str) -> str:
    """``compute_dtype`` itself, when it is one of ``DTYPES``."""
    if compute_dtype not in DTYPES:
        raise ValueError(f"compute_dtype must be one of {DTYPES}, got {compute_dtype!r}")
    return compute_dtype
