"""Every page opens from the navigation in a real browser, runs to the end, and shows no error."""

import pytest

from scripts import browser as br

pytestmark = pytest.mark.browser

PAGES = [("Train the MLP", "train"), ("Text over a colour", "colour"), ("VGG16 filters", "filters")]


def test_health_answers(app_server):
    assert app_server.health() == "ok"


@pytest.mark.parametrize("title, slug", PAGES)
def test_page_opens_from_navigation(page, base_url, shots, title, slug):
    br.open_app(page, base_url)
    br.open_from_nav(page, title)
    assert br.problems(page) == []
    assert page.console_errors == []
    assert br.main_text(page).strip(), f"{title}: the page is empty"
    br.screenshot(page, shots / f"nav_{slug}.png")


def test_unknown_page_falls_back_without_exception(page, base_url):
    br.open_app(page, base_url, "no-such-page")
    assert page.locator(br.EXCEPTION).count() == 0
