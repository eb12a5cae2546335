"""Headless Chromium (Debian's, never a downloaded one) driving the running app.

Selectors: Streamlit's own test ids for app-level state (`stApp` script state, exception boxes,
alerts), and labels / ARIA roles for a page's controls.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HOW_TO_ENABLE = (
    "browser tests need Chromium at /usr/bin/chromium: "
    "install it with `apt-get install -y chromium` (or set CHROMIUM=/path/to/chromium)"
)
VIEWPORT = {"width": 1400, "height": 1000}
# The two screens every page is looked at on: a projector, and a phone that says it is one.
PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
SCREENS = {"1920": (PROJECTOR, None), "390": (PHONE, PHONE_AGENT)}

APP = '[data-testid="stApp"]'
EXCEPTION = '[data-testid="stException"]'
ERROR = '[data-testid="stAlertContentError"]'
WARNING = '[data-testid="stAlertContentWarning"]'
MAIN = '[data-testid="stMain"]'


def chromium_executable() -> str | None:
    """Path of the system Chromium, or None when it is not installed."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch(playwright, executable: str | None = None):
    """Launch headless Chromium from the system install."""
    executable = executable or chromium_executable()
    if executable is None:
        raise RuntimeError(HOW_TO_ENABLE)
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def wait_for_run(page, timeout: float = 120.0, settle_ms: int = 250) -> float:
    """Wait until the app is connected and its script has finished running.

    A rerun after an interaction starts a moment later, so first give it a short chance to
    start, then wait for "notRunning" and for no skeleton placeholders.

    Returns:
        Seconds waited.
    """
    start = time.perf_counter()
    page.wait_for_timeout(200)
    page.wait_for_selector(
        f'{APP}[data-test-connection-state="CONNECTED"]', state="attached", timeout=timeout * 1000
    )
    remaining = max(1.0, timeout - (time.perf_counter() - start))
    page.wait_for_selector(
        f'{APP}[data-test-script-state="notRunning"]', state="attached", timeout=remaining * 1000
    )
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
        timeout=remaining * 1000,
    )
    if settle_ms:
        page.wait_for_timeout(settle_ms)
    return time.perf_counter() - start


def open_app(page, base_url: str, url_path: str = "", query: str = "", timeout: float = 120.0):
    """Load a page of the app by URL (e.g. url_path="train", query="lr=0.5") and wait for it."""
    url = f"{base_url}/{url_path}" + (f"?{query}" if query else "")
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    # Until its first run starts, a freshly loaded app also says "notRunning": on a busy
    # machine wait_for_run alone returned before the page had drawn anything.
    page.wait_for_selector(
        f'{MAIN} [data-testid="stElementContainer"]', state="attached", timeout=timeout * 1000
    )
    wait_for_run(page, max(1.0, timeout - (time.perf_counter() - start)))
    return time.perf_counter() - start


def open_from_nav(page, title: str, timeout: float = 120.0) -> float:
    """Open a page by clicking its entry in the sidebar navigation, then wait for it."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=title)
    if link.count() == 0:
        link = page.get_by_role("link", name=title)
    link.first.click()
    return wait_for_run(page, timeout)


def problems(page) -> list[str]:
    """Texts of Streamlit exception boxes and error alerts on the page (empty when clean)."""
    found = [f"exception: {t}" for t in page.locator(EXCEPTION).all_inner_texts()]
    found += [f"error: {t}" for t in page.locator(ERROR).all_inner_texts()]
    found += [
        f"dialog: {t}"
        for t in page.get_by_role("dialog").all_inner_texts()
        if "not found" in t.lower()
    ]
    return found


def messages(page) -> list[str]:
    """Texts of error and warning alerts, for bad-input checks."""
    return page.locator(f"{ERROR}, {WARNING}").all_inner_texts()


def main_text(page) -> str:
    return page.locator(MAIN).inner_text()


def fingerprint(page, selector: str = MAIN) -> str:
    """A hash of what the given element looks like now, to tell whether the picture changed."""
    locator = page.locator(selector).first
    return hashlib.sha256(locator.screenshot(animations="disabled")).hexdigest()


def screenshot(page, path: Path, full_page: bool = True) -> Path:
    """Save a screenshot of the whole page (the sidebar included) as PNG."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path
