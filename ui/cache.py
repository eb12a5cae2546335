"""Caches keyed by their inputs' values: the app's one way to key an ``st.cache_*`` function.

A cached function takes its real inputs (arrays, frozen dataclasses, tuples), never an
``_unhashed`` argument beside a key kept in step by hand: a key that misses an input shows a
stale chart and raises nothing. Streamlit hashes those inputs itself (dataclasses field by
field, tuples item by item), but samples a NumPy array of 500,000 elements or more
(``streamlit/runtime/caching/hashing.py``, checked against Streamlit 1.67): two arrays that
differ outside the sample would share a cache entry. ``BY_VALUE`` makes every element count::

    @st.cache_resource(hash_funcs=BY_VALUE, max_entries=8)
    def charts(comparison: Comparison) -> go.Figure: ...

Streamlit applies ``hash_funcs`` to arrays nested in dataclasses, lists and dicts too.
"""

from __future__ import annotations

import hashlib

import numpy as np


def array_digest(array: np.ndarray) -> bytes:
    """SHA-256 of an array's shape, dtype and every element (C order), as 32 bytes."""
    digest = hashlib.sha256(f"{array.shape}|{array.dtype.str}|".encode())
    if array.dtype.hasobject:
        digest.update(repr(array.tolist()).encode())
    else:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.digest()


# ``hash_funcs`` for ``st.cache_data`` and ``st.cache_resource``: arrays by every element.
BY_VALUE = {np.ndarray: array_digest}
