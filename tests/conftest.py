"""Shared test setup: the repository root on sys.path, float32 pictures, the real VGG16 once."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
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
