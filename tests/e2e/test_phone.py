"""On a phone (390x844) every formula and chart title of a page's first view is whole.

KaTeX scrolls a display formula that is wider than its column instead of wrapping it, and
Plotly cuts a title at the chart's edge, so a long line shows only its left part on a phone.
The formulas are written one short equation per line and long titles break; the step view's
matrices, which are wide by nature and scroll, are not checked.
"""

import contextlib

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# A grid the untrained network renders in seconds.
SMALL_GRID = "weights=untrained&layer=block1_conv1&n=2&M=4&steps=2&size=32"


@contextlib.contextmanager
def phone_page(browser, base_url: str, path: str, query: str):
    """A page opened by its link in a 390x844 window, with no error box; closed afterwards."""
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        br.open_app(page, base_url, path, query, timeout=300)
        if path == flows.FILTERS_PATH:  # a link draws no grid by itself: press the button
            flows.press_render(page, 300)
        assert br.problems(page) == []
        yield page
    finally:
        context.close()


# Each formula: its text, how wide it is and how wide its column is (CSS px).
FORMULAS = """() => [...document.querySelectorAll('.katex-display')].map(e => ({
    text: e.textContent.replace(/\\s+/g, ' ').slice(0, 40),
    wide: e.querySelector('.katex-html').scrollWidth,
    room: e.closest('[data-testid="stElementContainer"]').clientWidth
}))"""


# Each Plotly chart whose title reaches past the chart's right edge (it is cut there).
CUT_TITLES = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].flatMap(c => {
    const chart = c.getBoundingClientRect(), title = c.querySelector('.g-gtitle');
    if (!title || chart.width === 0) return [];
    const box = title.getBoundingClientRect();
    return box.right > chart.right + 1 ? [title.textContent.slice(0, 60)] : [];
})"""


# The replay's Play / Pause buttons that overlap the scrubber's label ("iteration ...: 0").
BUTTONS_OVER_LABEL = """() => {
    const labels = [...document.querySelectorAll('.slider-container text')]
        .filter(e => e.textContent.startsWith('iteration')).map(e => e.getBoundingClientRect());
    if (labels.length === 0) return ['no scrubber label found'];
    return [...document.querySelectorAll('.updatemenu-button')].filter(b => {
        const r = b.getBoundingClientRect();
        return labels.some(l => l.left < r.right && r.left < l.right &&
                                l.top < r.bottom && r.top < l.bottom);
    }).map(b => b.textContent);
}"""


def formulas_fit(page, shots, path: str, count: int) -> None:
    """Every display formula (expanders opened, as a reader would) fits its column."""
    for expander in page.get_by_test_id("stExpander").all():
        expander.locator("summary").first.click()
    page.wait_for_timeout(500)
    formulas = page.evaluate(FORMULAS)
    assert len(formulas) >= count, formulas
    cut = [f for f in formulas if f["wide"] > f["room"] + 1]
    page.locator(".katex-display").first.scroll_into_view_if_needed()
    br.screenshot(page, shots / f"phone_formulas_{path or 'train'}.png", full_page=False)
    assert cut == [], f"formulas wider than a phone's column: {cut}"


# One page load per page: its chart titles, then its formulas (the colour page's WCAG formulas
# with the colour's numbers; the training page's step view is wide by nature and not checked).
@pytest.mark.parametrize(
    "path, query, charts, formulas",
    [
        (flows.TRAIN_PATH, "lr=0.2&iterations=2000&seed=0", 2, 0),
        (flows.COLOUR_PATH, "bg=ffd700", 2, 6),
        (flows.FILTERS_PATH, SMALL_GRID, 1, 3),
    ],
    ids=["train", "colour", "filters"],
)
def test_chart_titles_and_formulas_fit_a_phone(
    browser, base_url, shots, path, query, charts, formulas
):
    with phone_page(browser, base_url, path, query) as page:
        assert page.get_by_test_id("stPlotlyChart").count() >= charts
        assert page.evaluate(CUT_TITLES) == []
        if path == flows.TRAIN_PATH:  # the replay's controls, in a browser that is not a phone's
            assert page.evaluate(BUTTONS_OVER_LABEL) == []
        if formulas:
            formulas_fit(page, shots, path, formulas)
