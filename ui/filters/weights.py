"""VGG16 filters page: which weights, and the network they give (loaded only when needed).

Visitors never name a server path: local files are offered by name from the folder the person
running the server chose (``$VGG16_WEIGHTS_DIR``, plus the ``$VGG16_WEIGHTS`` file); uploads
are loaded from a private temporary folder and deleted at once.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

import core.filters.model as vgg
from core.filters.compute import ComputeChoice, choice_for_this_machine
from core.filters.store import weights_id
from core.filters.visualizer import Visualizer
from ui.filters import state
from ui.filters.controls import WEIGHT_LABELS

DOWNLOAD_HELP = (
    "Three ways forward: (1) choose **Untrained (random weights)** in the sidebar to see "
    "what gradient ascent gives before any training; (2) choose **Local weights file** and "
    "upload `vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5` (or pick a file the server "
    f"offers from `{vgg.WEIGHTS_DIR_ENV}`); (3) run the app once on a machine with internet, "
    "so Keras caches the 58 MB file. The pre-rendered ImageNet grids (default settings) are "
    "shown either way."
)


OFFLINE = (
    "This server could not download the ImageNet weights (58 MB): it seems to have no internet "
    "connection."
)


@dataclass(frozen=True)
class Weights:
    """The person's choice of weights.

    Attributes:
        kind: ``"imagenet"``, ``"file"`` (offered by the server), ``"upload"``,
            ``"untrained"`` or ``"none"`` (a local file was asked for but none chosen).
        label: What the page calls them (never a path).
        path: The offered file, on the server (never shown).
        upload: (file name, bytes) of an uploaded file.
    """

    kind: str
    label: str
    path: Path | None = field(default=None, repr=False)
    upload: tuple[str, bytes] | None = field(default=None, repr=False)


@dataclass
class Network:
    """A loaded network: its visualizer, its weights hash, its label, and the load error if any."""

    visualizer: Visualizer
    weights_key: str
    label: str
    error: str = ""

    @property
    def model(self):
        return self.visualizer.model


def weights_ui() -> Weights:
    """Sidebar: ImageNet, a local file (offered by name, or uploaded), or untrained."""
    st.sidebar.subheader("Weights")
    offered = vgg.offered_weights()
    choice = st.sidebar.radio(
        "Network weights",
        list(WEIGHT_LABELS),
        format_func=WEIGHT_LABELS.get,
        key=state.WEIGHTS,
        persist_state="session",
        help="ImageNet grids for the default settings ship with the app; new ImageNet renders "
        "need Keras' 58 MB download once.",
    )
    if choice == "untrained":
        return Weights("untrained", "untrained")
    if choice == "imagenet":
        return Weights("imagenet", "ImageNet")
    name = None
    if offered:
        names = list(offered)
        if state.get(state.WEIGHTS_FILE) not in names:
            state.put(state.WEIGHTS_FILE, server_default() or names[0])
        name = st.sidebar.selectbox(
            "Weights file on this server",
            names,
            key=state.WEIGHTS_FILE,
            help=f"The .h5 files the server's operator put in `{vgg.WEIGHTS_DIR_ENV}`.",
        )
    else:
        st.sidebar.caption(
            f"This server offers no weights files (its operator can list some "
            f"with `{vgg.WEIGHTS_DIR_ENV}`): upload one."
        )
    upload = st.sidebar.file_uploader(
        "... or upload a .h5 weights file", type=["h5"], key="filters_upload"
    )
    if upload is not None:
        return Weights("upload", upload.name, upload=(upload.name, upload.getvalue()))
    if name is None:
        return Weights("none", "")
    return Weights("file", name, path=offered[name])


def server_default() -> str | None:
    """The name of the file ``$VGG16_WEIGHTS`` picks, when the server offers it."""
    name = Path(os.environ.get(vgg.WEIGHTS_ENV, "")).name
    return name if name and name in vgg.offered_weights() else None


def default_choice() -> str:
    """The weights the page opens with: the server's default file if it has one, else ImageNet."""
    return "local" if server_default() else "imagenet"


@st.cache_resource(show_spinner="Measuring this CPU's arithmetic ...")
def compute_choice() -> ComputeChoice:
    """float32 or bfloat16 for this process, measured once (``FILTERS_COMPUTE_DTYPE`` decides
    when set)."""
    return choice_for_this_machine()


@st.cache_resource(show_spinner="Loading VGG16 ...", max_entries=3)
def _load(weights: str | None) -> tuple[Visualizer | None, str, str]:
    """VGG16 once per process, in a visualizer: (visualizer, weights hash, error or "")."""
    try:
        model = vgg.load_vgg16(weights)
    except (vgg.WeightsDownloadError, vgg.WeightsError, FileNotFoundError) as error:
        message = str(error)
        if weights not in (None, "imagenet"):  # name the file, never its place on the server
            message = message.replace(str(Path(weights).expanduser()), Path(weights).name)
        return None, "", message
    return Visualizer(model, compute_choice()), weights_id(model), ""


@st.cache_resource(show_spinner="Loading the uploaded weights ...", max_entries=1)
def _load_upload(name: str, data: bytes) -> tuple[Visualizer | None, str, str]:
    """Uploaded weights once per name and content (Streamlit hashes every byte); the bytes
    never stay on disk (private temp folder)."""
    suffix = ".weights.h5" if name.endswith(".weights.h5") else ".h5"
    with tempfile.TemporaryDirectory(prefix="vgg16_upload_") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            model = vgg.load_vgg16(path)
        except (vgg.WeightsError, FileNotFoundError) as error:
            return None, "", str(error).replace(str(path), name).replace(path.name, name)
    return Visualizer(model, compute_choice()), weights_id(model), ""


def load_network(weights: Weights) -> Network:
    """The network the choice gives; on a failed load, the untrained one with the error."""
    if weights.kind == "upload":
        visualizer, key, error = _load_upload(*weights.upload)
    elif weights.kind in ("imagenet", "file"):
        kind = "imagenet" if weights.kind == "imagenet" else str(weights.path)
        visualizer, key, error = _load(kind)
    else:
        visualizer, key, error = None, "", ""
    if visualizer is not None:
        return Network(visualizer, key, weights.label)
    visualizer, key, _ = _load(None)
    return Network(visualizer, key, "untrained", error)


def show_load_error(network: Network, weights: Weights) -> None:
    """Say why the chosen weights did not load, what to do, and offer a retry."""
    if weights.kind == "none":
        st.warning(
            "Choose a weights file the server offers or upload one; showing the "
            "**untrained** network meanwhile."
        )
        return
    if not network.error:
        return
    if weights.kind == "imagenet":  # the raw error names a URL and a socket error: not for a hall
        st.error(OFFLINE)
        local = server_default() or next(iter(vgg.offered_weights()), None)
        if local is not None:  # the same weights are right here: one click
            st.button(
                f"Use the local weights file {local}",
                key="filters_use_local",
                type="primary",
                on_click=use_local_file,
                args=(local,),
            )
        st.info(DOWNLOAD_HELP)
    else:
        st.error(f"Could not load the weights: {network.error}")
    if st.button("Retry loading", key="filters_retry"):
        _load.clear()
        st.rerun()
    st.warning("Showing the **untrained** network (random weights) instead.")


def use_local_file(name: str) -> None:
    """Switch this session to the server's local weights file ``name`` (a button's callback,
    run before the widgets are drawn again)."""
    state.update({state.WEIGHTS: "local", state.WEIGHTS_FILE: name})


def clear_loaded() -> None:
    """Forget every loaded network (tests)."""
    _load.clear()
    _load_upload.clear()
