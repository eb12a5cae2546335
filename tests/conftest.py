"""Shared test setup: the repository root on sys.path, float32 pictures, the real VGG16 once."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The test command installs without compiling (`pip install --no-compile`: half the install's
# time goes to compiling TensorFlow modules no test imports). Each module is then compiled once,
# by the first test process that imports it, and kept for the workers and servers after it,
# even where the environment says not to write bytecode (many container images do).
if os.environ.pop("PYTHONDONTWRITEBYTECODE", None):
    sys.dont_write_bytecode = False
# Pictures are compared with float32 references: on a CPU where bfloat16 wins (AMX) the app
# would switch to it, so the tests pin float32 (tests of the automatic choice override this).
os.environ.setdefault("FILTERS_COMPUTE_DTYPE", "float32")

from tests.support.weights import NO_WEIGHTS, SHARED_WEIGHTS  # noqa: E402


@pytest.fixture(scope="session")
def trained_vgg16():
    """VGG16 with the trained weights of ../shared, loaded once for the whole test session,
    in a float32 ``Visualizer`` (its compiled steps shared by the tests that use it)."""
    if not SHARED_WEIGHTS.is_file():
        pytest.skip(NO_WEIGHTS)
    from core.filters.model import load_vgg16
    from core.filters.visualizer import Visualizer

    return Visualizer(load_vgg16(SHARED_WEIGHTS), "float32")


# Lanes. `pytest` runs everything (three workers, a file per worker at a time: on two cores a
# third overlaps the browser tests' waits for a page, a film playing in real time or a
# heartbeat); `pytest -m "not slow"` is the fast lane. Browser tests and benchmarks are slow
# wherever they live; so is any test marked so by hand (a real training run, a hypothesis walk
# through a whole page).
SLOW_FOLDERS = ("tests/e2e/", "tests/bench/")
# The longest files go first (as `--durations` measured them), then the other browser tests,
# the page tests and the unit tests, so that the workers finish together. xdist would sort the
# files by their number of tests instead: `--no-loadscope-reorder` in `addopts` keeps this order.
FIRST = (
    "e2e/test_lecture.py",
    "e2e/test_vgg16_filters_renders.py",
    "e2e/test_train_mlp.py",
    "e2e/test_deep_links.py",
    "e2e/test_projector.py",
    "bench/test_bench_memory_two_renders.py",
    "e2e/test_join_link.py",
    "e2e/test_classroom.py",
    "e2e/test_bad_input.py",
    "e2e/test_replay_film.py",
    "bench/test_bench_replay.py",
    "e2e/test_text_over_colour.py",
    "e2e/test_filters_numbers.py",
    "e2e/test_train_mlp_toolbar.py",
    "e2e/test_text_over_colour_vision.py",
    "bench/test_bench_classroom.py",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.as_posix()
        if any(folder in path for folder in SLOW_FOLDERS):
            item.add_marker(pytest.mark.slow)

    def order(item) -> tuple[int, int]:
        path = item.path.as_posix()
        for rank, file in enumerate(FIRST):
            if path.endswith(f"tests/{file}"):
                return (0, rank)
        return (1 if "tests/e2e/" in path else 2 if "tests/pages/" in path else 3, 0)

    items.sort(key=order)  # stable: a file's tests keep their order
