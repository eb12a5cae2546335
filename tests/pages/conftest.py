"""Fixtures shared by the page tests (Streamlit's AppTest)."""

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.scriptrunner import script_runner

from ui import app


@pytest.fixture(scope="session", autouse=True)
def streamlit_cleanup():
    """Run every page as ``streamlit_app.py`` sets the server up: without Streamlit's Keras
    reset after each run (``ui.app.skip_keras_reset``), a full garbage collection per run that
    took half of these tests' time. Yields Streamlit's own hook, for the test of the switch."""
    original = script_runner._clean_problem_modules
    app.skip_keras_reset()
    yield original
    script_runner._clean_problem_modules = original


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once():
    """Each new AppTest scans every installed package's metadata for Streamlit components (a
    tenth of these tests' time); the packages do not change while the tests run, so the first
    scan answers for all (a server scans once, at its start)."""
    from streamlit.components.v2 import manifest_scanner

    found = manifest_scanner.scan_component_manifests()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", lambda *a, **k: found)
        yield


@pytest.fixture
def downloads(monkeypatch):
    """What download buttons hand to Streamlit's media storage, by file name."""
    captured = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        captured[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    return captured
