"""Cache keys by value: one digest of a cached function's inputs, so no caller keeps a key by hand.

Streamlit hashes a cached function's arguments itself, but samples NumPy arrays of 500,000
values or more, and cannot hash what it does not know (a trained result, a callable). A cached
function that must take such inputs takes ``digest(*inputs)`` as its one hashed argument and the
inputs themselves unhashed (``_inputs``): the key is made from every input, never beside them.
``shared(build, *inputs)`` does exactly that for a figure (or any object) built from plain data.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable

import numpy as np
import streamlit as st


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
