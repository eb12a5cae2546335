"""AppTest: offline, choosing ImageNet offers the server's local weights file in one click, and
the page's title never says "trained" over random weights."""

from __future__ import annotations

import core.filters.model as vgg
from tests.pages.test_vgg16_filters_page import (  # noqa: F401 - renders is a fixture
    open_page,
    renders,
)
from ui.filters import weights as filters_weights

LOCAL = "vgg16_local.weights.h5"


def offline_with(monkeypatch, folder=None):
    """No download; a local file loads as a seeded network (its contents do not matter here)."""
    real = vgg.load_vgg16

    def load(weights, seed=0):
        if weights == "imagenet":
            raise vgg.WeightsDownloadError("could not download the ImageNet weights for VGG16")
        return real(None, 7) if weights is not None else real(None, seed)

    monkeypatch.setattr(vgg, "load_vgg16", load)
    if folder is not None:
        folder.mkdir()
        (folder / LOCAL).write_bytes(b"stand-in")
        monkeypatch.setenv(vgg.WEIGHTS_DIR_ENV, str(folder))
    filters_weights.clear_loaded()


def title(at) -> str:
    [shown] = [t.value for t in at.title]
    return shown


def test_offline_imagenet_offers_the_local_file_in_one_click(renders, monkeypatch, tmp_path):  # noqa: F811
    offline_with(monkeypatch, tmp_path / "weights")
    at = open_page({"n": "2"})  # not shipped: the network is needed
    assert not at.exception
    assert at.radio(key="filters_weights").value == "imagenet"
    assert any("could not download" in e.value for e in at.error)
    assert title(at) == "VGG16 filters: what an untrained network looks for"
    [button] = [b for b in at.button if b.key == "filters_use_local"]
    assert button.label == f"Use the local weights file {LOCAL}"
    button.click().run()
    assert not at.exception and not at.error
    assert at.radio(key="filters_weights").value == "local"
    assert at.selectbox(key="filters_weights_file").value == LOCAL
    assert title(at) == "VGG16 filters: what a trained network looks for"
    assert any(f"VGG16 with the {LOCAL} weights" in c.value for c in at.caption)
    assert at.query_params.get("weights") in (["local"], "local")
    assert not [b for b in at.button if b.key == "filters_use_local"]


def test_without_a_local_file_there_is_nothing_to_offer(renders, monkeypatch):  # noqa: F811
    offline_with(monkeypatch)
    at = open_page({"n": "2"})
    assert not at.exception
    assert any("could not download" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "filters_use_local"]
    assert "untrained network looks for" in title(at)


def test_the_untrained_choice_is_never_titled_trained(renders):  # noqa: F811
    at = open_page({"weights": "untrained", "n": "2"})
    assert not at.exception
    assert title(at) == "VGG16 filters: what an untrained network looks for"
