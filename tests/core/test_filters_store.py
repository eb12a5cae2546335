"""core.filters without TensorFlow: grid settings and their problems, grid files.

Also the server-side weights offer of core.filters.model (names only, never a visitor's path).
The page's links are tested in tests/pages/test_links.py.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from core.filters.grid import FilterGrid, stitch
from core.filters.model import CONV_LAYERS, offered_weights
from core.filters.settings import GridSettings, default_settings
from core.filters.store import load_grid, read_grid, save_grid


def small_grid(indices=(5, 1, 3), n: int = 2, size: int = 8) -> FilterGrid:
    tiles = np.stack([np.full((size, size, 3), 40 * (k + 1), np.uint8) for k in indices])
    losses = np.array([3.0, 2.0, 1.0][: len(indices)], np.float32)
    return FilterGrid(
        stitch(tiles, n, 2),
        np.array(indices),
        losses,
        tiles,
        np.tile(losses[:, None], (1, 4)),
        "block2_conv1",
        n,
        12,
        3,
        {"layer": "block2_conv1", "n": n},
    )


@pytest.mark.parametrize(
    "changes, words",
    [
        ({}, ""),
        ({"layer": "block9_conv9"}, "Unknown layer 'block9_conv9'"),
        ({"layer": "block1_conv1", "n": 8, "candidates": 64}, ""),
        ({"layer": "block1_conv1", "n": 8, "candidates": 63}, "Rank between 64 and 64"),
        ({"layer": "block1_conv1", "n": 4, "candidates": 200}, "Rank between 16 and 64"),
        ({"n": 9}, "between 1 and 8, not 9"),
        ({"n": 0}, "between 1 and 8, not 0"),
        ({"method": "magic"}, "Unknown method 'magic'"),
        ({"selection": "all"}, "Unknown selection 'all'"),
        ({"steps": 0}, "Steps must be between 1"),
        ({"step_size": float("nan")}, "positive number"),
        ({"step_size": -1.0}, "positive number"),
        ({"size": 4}, "between 8 and"),
        ({"selection": "indices"}, "at least one valid filter index"),
        ({"selection": "indices", "indices": (600,)}, "Filter 600 does not exist"),
        ({"selection": "indices", "indices": tuple(range(17))}, "17 indices do not fit a 4x4"),
        ({"selection": "indices", "indices": (0, 511)}, ""),
        ({"selection": "random"}, ""),
    ],
)
def test_settings_name_their_problem(changes, words):
    problem = GridSettings(**changes).problem()
    assert (words in problem and problem) if words else problem == ""


def test_the_page_default_is_the_documents_grid_and_its_comparisons_are_the_shipped_ones():
    for layer, count in CONV_LAYERS.items():
        first = GridSettings(layer=layer, candidates=min(200, count))
        assert first == default_settings(layer)
        indices = (31, 25, 16, 2)
        assert first.with_filters(indices, "fourier") == default_settings(layer, "fourier", indices)
        assert first.with_filters(indices) == default_settings(layer, "seed", indices)
    again = default_settings("block2_conv1", "fourier", (3, 1)).with_filters((3, 1))
    assert again.method == "fourier" and again.steps == 96 and again.step_size == 0.05


def damage_half_copied(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def damage_other_format(path):
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["meta"]))
    arrays["meta"] = np.array(json.dumps({**meta, "format": 99}))
    np.savez_compressed(path, **arrays)


def damage_inconsistent(path):
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["losses"] = arrays["losses"][:1]
    np.savez_compressed(path, **arrays)


LFS_POINTER = (
    b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0"
    b"ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 123456\n"
)


@pytest.mark.parametrize(
    "damage",
    [
        damage_half_copied,
        lambda path: path.write_bytes(b""),
        lambda path: path.write_bytes(LFS_POINTER),
        lambda path: path.write_bytes(b"PK\x03\x04" + b"\x00" * 40),  # a zip header, nothing else
        damage_other_format,
        damage_inconsistent,
    ],
    ids=["half-copied", "empty", "git-lfs-pointer", "broken-zip", "other-format", "inconsistent"],
)
def test_a_grid_file_that_cannot_be_read_is_skipped(tmp_path, damage):
    good, bad = tmp_path / "good", tmp_path / "bad"
    grid = small_grid()
    save_grid(grid, good, "k")
    save_grid(grid, bad, "k")
    damage(bad / "k.npz")
    assert load_grid([bad], "k") is None
    found = load_grid([bad, good], "k")  # the next folder's copy is used
    np.testing.assert_array_equal(found.image, grid.image)
    assert found.filter_indices.tolist() == [5, 1, 3]


def test_read_grid_raises_what_load_grid_skips(tmp_path):
    (tmp_path / "k.npz").write_bytes(b"")
    with pytest.raises(EOFError):
        read_grid(tmp_path / "k.npz")
    save_grid(small_grid(), tmp_path, "k")
    damage_half_copied(tmp_path / "k.npz")
    with pytest.raises(zipfile.BadZipFile):
        read_grid(tmp_path / "k.npz")


def test_only_server_chosen_weights_are_offered_by_name(tmp_path, monkeypatch):
    folder = tmp_path / "weights"
    folder.mkdir()
    for name in ("a.weights.h5", "b.h5", "notes.txt"):
        (folder / name).write_bytes(b"x")
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.h5").write_bytes(b"x")
    default = tmp_path / "default.weights.h5"
    default.write_bytes(b"x")
    monkeypatch.setenv("VGG16_WEIGHTS_DIR", str(folder))
    monkeypatch.setenv("VGG16_WEIGHTS", str(default))
    assert offered_weights() == {
        "default.weights.h5": default,
        "a.weights.h5": folder / "a.weights.h5",
        "b.h5": folder / "b.h5",
    }
    monkeypatch.setenv("VGG16_WEIGHTS", str(tmp_path / "missing.h5"))
    monkeypatch.delenv("VGG16_WEIGHTS_DIR")
    assert offered_weights() == {}
