"""The projector's join link in a real browser opened at 127.0.0.1, as a lecturer's laptop does.

A server listening on all interfaces (``--server.address 0.0.0.0``) projects this machine's
network address (one psutil lists) with a line saying why; the shared test server, on loopback
only, warns that phones cannot reach it. The tests connect to 127.0.0.1 only: they read the
link's text and never open it at another address.
"""

from __future__ import annotations

import ipaddress
import re
import socket

import psutil
import pytest

from tests.support import browser as br
from tests.support.app_server import AppServer, throwaway_caches

pytestmark = pytest.mark.browser


def lan_addresses() -> set[str]:
    """This machine's IPv4 addresses on interfaces that are up, loopback left out (psutil)."""
    stats = psutil.net_if_stats()
    return {
        a.address
        for name, found in psutil.net_if_addrs().items()
        for a in found
        if a.family == socket.AF_INET
        and name in stats
        and stats[name].isup
        and not ipaddress.ip_address(a.address).is_loopback
    }


@pytest.fixture(scope="module")
def everywhere_server(tmp_path_factory):
    """The app listening on all interfaces; only ever asked at 127.0.0.1."""
    cache = tmp_path_factory.mktemp("join-cache")
    env = {**throwaway_caches(cache), "KERAS_HOME": str(cache / "keras")}
    server = AppServer(env=env, unset=("VGG16_WEIGHTS",), options=("--server.address", "0.0.0.0"))
    server.start(timeout=180)
    yield server
    server.stop()


def start_session(page, base_url: str) -> str:
    """Press "Start a class session" and return the projected join link's text."""
    br.open_app(page, base_url, "text_over_colour", timeout=300)
    page.get_by_role("button", name="Start a class session").click()
    br.wait_for_run(page, timeout=300)
    assert "key=" in page.url and page.url.startswith(base_url)
    link = page.get_by_role("link", name=re.compile(r"text_over_colour\?class=")).first
    link.wait_for(timeout=120_000)
    return link.inner_text().strip()


@pytest.mark.parametrize("screen", ["1920", "390"])
def test_a_server_on_all_interfaces_projects_this_machines_address(
    browser, everywhere_server, shots, screen
):
    addresses = lan_addresses()
    if not addresses:
        pytest.skip("this machine has no network address for the join link to carry")
    viewport, agent = br.SCREENS[screen]
    context = browser.new_context(viewport=viewport, user_agent=agent)
    context.set_default_timeout(120_000)
    page = context.new_page()
    try:
        join = start_session(page, everywhere_server.url)
        match = re.fullmatch(
            rf"http://([\d.]+):{everywhere_server.port}/text_over_colour\?class=\w+", join
        )
        assert match, join
        assert match[1] in addresses, f"{join} is not at one of {sorted(addresses)}"
        note = page.get_by_test_id("stAlertContentInfo").filter(has_text="You opened the app at")
        assert note.count() == 1
        text = note.inner_text()
        assert "You opened the app at 127.0.0.1" in text
        assert f"phones join at http://{match[1]}:{everywhere_server.port}" in text
        assert page.get_by_test_id("stAlertContentWarning").count() == 0
        assert page.get_by_text("Scan to join").count() == 1
        assert br.problems(page) == []
        br.screenshot(page, shots / f"join_network_{screen}.png", full_page=False)
        page.reload(wait_until="domcontentloaded")  # the lecturer's link, opened again
        br.wait_for_run(page, timeout=300)
        again = page.get_by_role("link", name=re.compile(r"text_over_colour\?class=")).first
        again.wait_for(timeout=120_000)
        assert again.inner_text().strip() == join
    finally:
        context.close()


@pytest.mark.parametrize("screen", ["1920", "390"])
def test_a_loopback_only_server_warns_that_phones_cannot_reach_it(browser, base_url, shots, screen):
    viewport, agent = br.SCREENS[screen]
    context = browser.new_context(viewport=viewport, user_agent=agent)
    context.set_default_timeout(120_000)
    page = context.new_page()
    try:
        join = start_session(page, base_url)
        assert join.startswith(f"{base_url}/text_over_colour?class=")
        warning = page.get_by_test_id("stAlertContentWarning").filter(
            has_text="Phones cannot reach this server"
        )
        assert warning.count() == 1
        text = warning.inner_text()
        assert "it listens on 127.0.0.1 only" in text
        port = base_url.rsplit(":", 1)[1]
        command = page.get_by_test_id("stCode").inner_text().strip()
        assert (
            command
            == f"streamlit run streamlit_app.py --server.address 0.0.0.0 --server.port {port}"
        )
        assert page.get_by_text("Only this machine can open this link").count() == 1
        assert page.get_by_test_id("stAlertContentInfo").filter(has_text="phones join").count() == 0
        br.screenshot(page, shots / f"join_loopback_{screen}.png", full_page=False)
    finally:
        context.close()
