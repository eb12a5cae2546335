"""The science behind the dashboard: plain Python, NumPy, TensorFlow and Pillow, no Streamlit.

TensorFlow reads its settings once, when it loads; they are set here, before any module of
``core`` imports it, so that every way in (the app, the tests, the benchmarks, the command line)
runs the same TensorFlow. A setting already in the environment wins.
"""

import os

TENSORFLOW_SETTINGS = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    # oneDNN's kernels take their large tensors from a pool that never gives memory back, so a
    # server would keep the memory of its largest render for good (about 200 MB more after a
    # lecture's walk). The system allocator hands it back, at the same speed:
    # bench/bench_memory.py measures both.
    "TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "1",
}

for _name, _value in TENSORFLOW_SETTINGS.items():
    os.environ.setdefault(_name, _value)
