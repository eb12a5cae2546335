"""ui/cache.py: caches keyed by every element of their arrays, not by Streamlit's sample."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import streamlit as st

from ui.cache import BY_VALUE, array_digest


def test_the_digest_is_the_arrays_value():
    a = np.arange(12, dtype=np.int64).reshape(3, 4)
    assert array_digest(a) == array_digest(a.copy())
    assert array_digest(a) == array_digest(np.asfortranarray(a))  # the same values, another layout
    assert len(array_digest(a)) == 32


@pytest.mark.parametrize(
    "other",
    [
        np.arange(12, dtype=np.int64).reshape(4, 3),  # shape
        np.arange(12, dtype=np.int32).reshape(3, 4),  # dtype
        np.arange(12, dtype=np.float64).reshape(3, 4),  # dtype, equal values
        np.where(np.arange(12) == 11, 99, np.arange(12)).reshape(3, 4),  # one element
    ],
)
def test_the_digest_changes_with_shape_dtype_and_each_element(other):
    assert array_digest(np.arange(12, dtype=np.int64).reshape(3, 4)) != array_digest(other)


def test_a_cache_keyed_by_value_sees_one_element_of_a_large_array_change():
    # Streamlit samples 100,000 of an array's elements from 500,000 up: BY_VALUE counts them all.
    calls = []

    @st.cache_data(hash_funcs=BY_VALUE, show_spinner=False)
    def total(values: np.ndarray) -> int:
        calls.append(1)
        return int(values.sum())

    values = np.zeros(2_000_000, dtype=np.int64)
    assert total(values) == 0
    assert total(values.copy()) == 0 and len(calls) == 1  # the same value: served from cache
    for i in (0, 777_777, 1_999_999):
        changed = values.copy()
        changed[i] = 1
        assert total(changed) == 1, f"element {i} changed, the cache answered the old total"
    assert len(calls) == 4


def test_arrays_inside_a_dataclass_count_too():
    @dataclasses.dataclass(frozen=True)
    class Holder:
        values: np.ndarray
        name: str

    calls = []

    @st.cache_resource(hash_funcs=BY_VALUE, show_spinner=False)
    def first(holder: Holder) -> int:
        calls.append(1)
        return int(holder.values[-1])

    big = np.zeros(1_000_000, dtype=np.int64)
    assert first(Holder(big, "a")) == 0
    changed = big.copy()
    changed[-1] = 5
    assert first(Holder(changed, "a")) == 5
    assert first(Holder(changed, "b")) == 5 and len(calls) == 3
