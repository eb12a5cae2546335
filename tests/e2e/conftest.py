"""Browser fixtures: one `streamlit run` per test session, one headless Chromium per session.

Without Chromium the browser tests skip with one line saying how to enable them, unless
REQUIRE_BROWSER=1 (CI), where they fail instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support import browser as br  # noqa: E402
from tests.support.app_server import AppServer, throwaway_caches  # noqa: E402

SHOTS = Path(os.environ.get("E2E_SHOTS_DIR", ROOT / "out" / "e2e"))


def require_browser() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "") not in ("", "0")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = br.chromium_executable()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        if require_browser():
            pytest.fail(f"REQUIRE_BROWSER=1 but {br.HOW_TO_ENABLE}")
        pytest.skip(br.HOW_TO_ENABLE)
    return path


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The app, started from the repository root on a free localhost port, stopped at the end."""
    cache = tmp_path_factory.mktemp("app-cache")
    # Grid and model caches and the class pool go to a throwaway folder, never the user's.
    env = {**throwaway_caches(cache), "KERAS_HOME": str(cache / "keras")}
    # A closed tab's render is given up after 8 s of silence (the page polls each second), not
    # the page's 20 s: the test of it spent 12 s more of both cores on a render nobody watched.
    env["FILTERS_HEARTBEAT_S"] = "8"  # ui.filters.environment.HEARTBEAT_ENV
    # Browser tests use the untrained network, so they need no weights file.
    server = AppServer(env=env, unset=("VGG16_WEIGHTS",))
    server.start()
    server.warm()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(app_server) -> str:
    return app_server.url


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = br.launch(pw, chromium_path)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh browser tab (its own Streamlit session); console errors collected."""
    context = browser.new_context(viewport=br.VIEWPORT)
    context.set_default_timeout(60_000)
    tab = context.new_page()
    tab.console_errors = []
    tab.on("pageerror", lambda exc: tab.console_errors.append(str(exc)))
    yield tab
    context.close()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
