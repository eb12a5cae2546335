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

Where an input is something Streamlit cannot hash at all (a builder function, a trained
result), ``shared(build, *inputs)`` keys the object by ``digest(*inputs)``, the digest of every
input's value, so the key is made from the inputs, never beside them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable

import numpy as np
import streamlit as st


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


@st.cache_resource(show_spinner=False, max_entries=128)
def _built(key: str, _build: Callable, _inputs: tuple):
    """``_build(*_inputs)``; ``key`` is the digest of the builder's name and every input."""
    return _build(*_inputs)


def shared(build: Callable, *inputs):
    """``build(*inputs)``, built once for every session that asks with equal inputs.

    Keyed by the builder's module and name and the digest of the inputs' values, so a changed
    input is a new object. Shared between sessions: never modify what it returns.
    """
    return _built(f"{build.__module__}.{build.__qualname__}:{digest(*inputs)}", build, inputs)


def digest(*values: object) -> str:
    """A hex digest of ``values``, equal exactly when the values are equal.

    NumPy arrays count by dtype, shape and bytes; dataclasses by their type and fields;
    tuples, lists and dicts by their items (a tuple and a list of the same items differ);
    str, bytes, int, float, bool and None by type and value. Anything else is a ``TypeError``:
    a key that cannot see an input must not be made.
    """
    h = hashlib.blake2b(digest_size=20)
    _feed(h, values)
    return h.hexdigest()


def _feed(h, value: object) -> None:
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        h.update(f"ndarray{array.dtype.str}{array.shape}".encode())
        h.update(array.tobytes())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(f"dataclass {type(value).__module__}.{type(value).__qualname__}".encode())
        for f in dataclasses.fields(value):
            _feed(h, f.name)
            _feed(h, getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        h.update(f"{type(value).__name__}{len(value)}(".encode())
        for item in value:
            _feed(h, item)
        h.update(b")")
    elif isinstance(value, dict):
        h.update(f"dict{len(value)}(".encode())
        for key, item in value.items():
            _feed(h, key)
            _feed(h, item)
        h.update(b")")
    elif value is None or isinstance(value, (str, bytes, int, float, bool, np.generic)):
        text = repr(value)
        h.update(f"{type(value).__name__}{len(text)}:{text}".encode())
    else:
        raise TypeError(f"cannot make a cache key of a {type(value).__name__}")
