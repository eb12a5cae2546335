"""Every page opens from the navigation in a real browser, runs to the end, and shows no error."""

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

PAGES = [
    (flows.TRAIN_TITLE, "train"),
    (flows.COLOUR_TITLE, "colour"),
    (flows.FILTERS_TITLE, "filters"),
]


def test_health_answers(app_server):
    assert app_server.health() == "ok"


def test_every_page_opens_from_navigation(page, base_url, shots):
    br.open_app(page, base_url)
    for title, slug in PAGES:
        br.open_from_nav(page, title)
        problems = br.problems(page)
        if title == flows.FILTERS_TITLE:
            problems = flows.without_offline_imagenet(page, problems)
        assert problems == [], title
        assert page.get_by_role("heading", name=title).count() >= 1, f"{title}: no title shown"
        br.screenshot(page, shots / f"nav_{slug}.png")
    assert page.console_errors == []


def test_unknown_page_falls_back_without_exception(page, base_url):
    br.open_app(page, base_url, "no-such-page")
    assert page.locator(br.EXCEPTION).count() == 0
