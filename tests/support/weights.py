"""Where trained VGG16 weights are found for development, tests, benchmarks and scripts.

``../shared/vgg16/vgg16_notop.weights.h5`` (beside the repository) holds trained VGG16 conv
weights for machines that cannot download Keras' ImageNet file (see its README). It is test
data: never committed, and whatever needs it skips with a clear reason when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED_WEIGHTS = ROOT.parent / "shared" / "vgg16" / "vgg16_notop.weights.h5"
NO_WEIGHTS = f"trained VGG16 weights not found at {SHARED_WEIGHTS} (../shared is absent)"


def trained_weights() -> str | None:
    """``$VGG16_WEIGHTS`` when set, else the shared file when present, else None."""
    named = os.environ.get("VGG16_WEIGHTS")
    if named:
        return named
    return str(SHARED_WEIGHTS) if SHARED_WEIGHTS.is_file() else None
