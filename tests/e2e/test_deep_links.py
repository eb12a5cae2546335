"""A shared link to a page must work for the very first visitor of a freshly started server.

Streamlit resolves that first request through the pages/ folder before ``streamlit_app.py``
has run: without ``ensure_app_navigation`` the visitor (and everyone after, until someone opens
"/") gets Streamlit's own list of the pages/ folder and the narrow layout. Each case starts
its own server, so the page URL is truly the server's first request.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support import browser as br
from tests.support.app_server import AppServer
from ui.app import PAGES

pytestmark = pytest.mark.browser

# (icon, title) as the sidebar shows them: Material icons render as their ligature name
NAV_ENTRIES = [(p.icon.removeprefix(":material/").removesuffix(":"), p.title) for p in PAGES]


def nav_entries(tab) -> list[tuple[str, ...]]:
    links = tab.get_by_test_id("stSidebarNav").get_by_role("link")
    return [
        tuple(line for line in text.split("\n") if line.strip()) for text in links.all_inner_texts()
    ]


@pytest.fixture(scope="module")
def fresh_servers():
    """One server per page, started at once (never warmed: each page URL is its first request)."""
    servers = {page.url_path: AppServer(unset=("VGG16_WEIGHTS",)) for page in PAGES}
    with ThreadPoolExecutor(len(servers)) as pool:
        list(pool.map(lambda server: server.start(), servers.values()))
    yield servers
    for server in servers.values():
        server.stop()


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path or "root" for p in PAGES])
def test_first_request_of_a_fresh_server_shows_the_apps_navigation(browser, fresh_servers, page):
    server = fresh_servers[page.url_path]
    context = browser.new_context(viewport=br.VIEWPORT)
    try:
        tab = context.new_page()
        br.open_app(tab, server.url, page.url_path)
        assert br.problems(tab) == []
        assert nav_entries(tab) == NAV_ENTRIES
        assert tab.get_by_role("heading", name=page.title).count() >= 1
        # layout="wide": the main block uses the window's width, not Streamlit's 736 px
        width = tab.locator('[data-testid="stMainBlockContainer"]').bounding_box()["width"]
        assert width > 1000, f"narrow layout ({width:.0f} px)"
        tab.reload()
        br.wait_for_run(tab)
        assert nav_entries(tab) == NAV_ENTRIES
    finally:
        context.close()
