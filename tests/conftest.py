"""Shared test setup: the repository root on sys.path, and where the real VGG16 weights live."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Pictures are compared with float32 references: on a CPU where bfloat16 wins (AMX) the app
# would switch to it, so the tests pin float32 (tests of the automatic choice override this).
os.environ.setdefault("FILTERS_COMPUTE_DTYPE", "float32")
