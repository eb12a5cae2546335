"""The app's frame: its three pages, and the two Streamlit behaviours it switches off.

``streamlit_app.py`` calls ``skip_keras_reset()`` once and runs ``navigation()``; every page
calls ``ensure_app_navigation()`` first, so a shared deep link on a fresh server shows the
app's own navigation rather than Streamlit's list of the ``pages/`` folder.
"""

from __future__ import annotations

import ctypes
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
APP_TITLE = "How neural networks learn"
# A file the server sends itself: a Material icon name as page icon is fetched from a font CDN,
# which a lecture hall's own wifi may not reach.
APP_ICON = ROOT / "assets" / "icon.png"


@dataclass(frozen=True)
class PageSpec:
    """One page of the app: its script, title and icon. Its URL is the file name."""

    script: str
    title: str
    icon: str
    default: bool = False

    @property
    def url_path(self) -> str:
        return "" if self.default else Path(self.script).stem


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/train_mlp.py", "Train the MLP", ":material/model_training:", default=True),
    PageSpec("pages/text_over_colour.py", "Text over a colour", ":material/palette:"),
    PageSpec("pages/vgg16_filters.py", "VGG16 filters", ":material/grid_view:"),
)


def configure_page() -> None:
    """The app's page config: title, icon, wide layout."""
    st.set_page_config(page_title=APP_TITLE, page_icon=APP_ICON, layout="wide")


def navigation() -> st.navigation:
    """The app's navigation: the three pages, in order, with titles and icons."""
    pages = [
        st.Page(str(ROOT / p.script), title=p.title, icon=p.icon, default=p.default) for p in PAGES
    ]
    return st.navigation(pages)


def _pages_manager():
    from streamlit.runtime.pages_manager import PagesManager

    return PagesManager


def ensure_app_navigation() -> None:
    """Run the app's entry point when Streamlit ran a page on its own.

    A fresh server whose first request is a page URL (``/vgg16_filters``) runs that page in
    Streamlit's legacy ``pages/`` mode: ``streamlit_app.py`` never runs, so the navigation
    lists every file in ``pages/`` and the layout is narrow, for every visitor, until someone
    opens "/". This switches the legacy mode off and reruns: the rerun goes through
    ``streamlit_app.py`` and lands on the same page (its URL is its file name).
    """
    manager = _pages_manager()
    if manager.uses_pages_directory:
        manager.uses_pages_directory = False
        st.rerun()


KERAS_RESET_ENV = "KERAS_RESET_AFTER_EACH_RUN"


def skip_keras_reset() -> bool:
    """Stop Streamlit from resetting Keras after every script run of every session.

    Streamlit calls ``keras.backend.clear_session()`` at the end of each run whenever Keras is
    loaded (TensorFlow loads it): a full garbage collection, about 0.2 s holding the GIL, per
    rerun and per session, which starves a lecture hall. This app builds its Keras models once
    per process and keeps them, so there is nothing to reset. Streamlit's hook also closes
    matplotlib figures; the replacement keeps that part. ``bench/bench_reruns.py`` measures
    what it saves (``KERAS_RESET_AFTER_EACH_RUN=1`` keeps Streamlit's hook, for that
    comparison). Checked against Streamlit 1.67.

    Returns:
        Whether the hook was found and replaced (a test fails if Streamlit renames it).
    """
    if os.environ.get(KERAS_RESET_ENV) == "1":
        return False
    from streamlit.runtime.scriptrunner import script_runner

    if not callable(getattr(script_runner, "_clean_problem_modules", None)):
        return False
    script_runner._clean_problem_modules = close_matplotlib_figures
    return True


def close_matplotlib_figures() -> None:
    """The part of Streamlit's per-run cleanup this app keeps: close pyplot's figures."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


PHONE_HINTS = ("Mobi", "Android", "iPhone")


def on_a_phone() -> bool:
    """Whether the browser says it is a phone (its User-Agent), to lay charts out for it."""
    try:
        agent = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # no request behind this run (a test): a wide screen
        return False
    return any(hint in agent for hint in PHONE_HINTS)


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameters
M_ARENA_MAX = -8
MALLOC_ARENAS = 2
MMAP_THRESHOLD_BYTES = 16 * 2**20
# GLIBC_MALLOC_DEFAULTS=1 leaves glibc's malloc as it is (bench/bench_memory.py compares).
MALLOC_DEFAULTS_ENV = "GLIBC_MALLOC_DEFAULTS"


def configure_malloc(
    arenas: int = MALLOC_ARENAS, mmap_threshold: int = MMAP_THRESHOLD_BYTES
) -> bool:
    """Make glibc's malloc give memory back: few heaps, and large blocks mapped on their own.

    Each Streamlit session runs its script in a thread of its own, and glibc gives threads that
    allocate at once their own heap (up to 8 per core), each keeping what it once held. Blocks
    from ``mmap_threshold`` up (a batch's activations, a picture's maps) are mapped and unmapped
    one by one, so they never strand free space inside a heap (glibc's default threshold rises
    up to 32 MB as such blocks are freed, after which they stay in the heap). A lower threshold
    would give back more but slows renders down: every mapped block is faulted in afresh. The
    load test measures the memory. ``MALLOC_ARENA_MAX`` and ``MALLOC_MMAP_THRESHOLD_``
    would do the same before the process starts; a Cloud app cannot set them. Elsewhere than
    glibc (macOS, Windows) nothing is done.

    Returns:
        Whether both settings were made.
    """
    if os.environ.get(MALLOC_DEFAULTS_ENV) == "1":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas)) & bool(
        libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold)
    )


def return_freed_memory() -> bool:
    """Hand the heap's free pages back to the system (glibc), after a large piece of work."""
    if os.environ.get(MALLOC_DEFAULTS_ENV) == "1":
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False
