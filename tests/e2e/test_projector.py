"""The projector view and the layout by width, measured in a real browser.

The projector view (``view=projector``) makes body text 24 px, labels and captions 21 px,
chart ticks and titles large, folds the sidebar away and fits the replay film to the screen.
Without it the film still fits the window (150 % zoom on a 1920x1080 screen: 1280x720 CSS px).
The film stacks its panels by the window's width, whatever the browser says it is; targets are
24 px at least; Plotly's toolbar never covers a chart's title on a phone; tabs wrap.
"""

from __future__ import annotations

import contextlib

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

RUN = "lr=0.2&iterations=2000&seed=0"
DESKTOP_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
FIND = """const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._transitionData && g._transitionData._frames.length);"""
# The film's parts in the window's coordinates: the decision map's plot area, the network's
# (its hidden axes' area), the Play button; the film's arrangement ("wide|false"); where
# Streamlit's header ends (it covers the top of the window).
FILM = f"""() => {{
  {FIND}
  if (!gd || !gd._fullLayout) return null;
  const L = gd._fullLayout, svg = gd.querySelector('.main-svg').getBoundingClientRect();
  const area = (xa, ya) => ({{top: svg.top + ya._offset, bottom: svg.top + ya._offset + ya._length,
      left: svg.left + xa._offset, right: svg.left + xa._offset + xa._length}});
  const play = [...gd.querySelectorAll('.updatemenu-button')]
      .find(b => b.textContent.includes('Play')).getBoundingClientRect();
  return {{map: area(L.xaxis, L.yaxis), network: area(L.xaxis2, L.yaxis2),
           play: {{top: play.top, bottom: play.bottom, left: play.left, right: play.right}},
           arranged: gd.layout.appKey, height: svg.height,
           header: document.querySelector('[data-testid="stHeader"]').offsetHeight}};
}}"""
# Computed font sizes (px): body text, widget labels, captions; every chart's tick labels and
# titles (layout titles, and panel titles: annotations named "title") in the SVG. Body text:
# paragraphs, not what labels a metric, a widget, a tab, an option or a slider's ticks.
TYPE = """() => {
  const px = e => parseFloat(getComputedStyle(e).fontSize);
  const all = s => [...document.querySelectorAll(s)].filter(e => e.getClientRects().length);
  const main = '[data-testid="stMain"] ';
  const svgPx = s => all(s).map(e => parseFloat(e.style.fontSize || getComputedStyle(e).fontSize));
  return {
    body: all(main + '[data-testid="stMarkdownContainer"] > p').filter(e => !e.closest(
      '[data-testid="stMetric"], [data-testid="stWidgetLabel"], [data-testid="stTab"], ' +
      '[data-testid="stCaptionContainer"], [data-testid^="stSlider"], label, summary'))
      .map(px),
    labels: all(main + '[data-testid="stWidgetLabel"] p').map(px),
    captions: all(main + '[data-testid="stCaptionContainer"]').map(px),
    ticks: svgPx('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text'),
    titles: svgPx('.js-plotly-plot .g-gtitle text').concat(
      all('.js-plotly-plot').flatMap(gd => (gd._fullLayout.annotations || [])
        .map((a, i) => [a, gd.querySelector(`.annotation[data-index="${i}"] .annotation-text`)])
        .filter(([a, text]) => a.name === 'title' && text).map(([, text]) =>
          parseFloat(text.style.fontSize)))),
  };
}"""
SIDEBAR_SHOWN = """() => {
  const bar = document.querySelector('[data-testid="stSidebar"]');
  return Boolean(bar) && bar.getBoundingClientRect().right > 10;
}"""


@contextlib.contextmanager
def opened(browser, base_url, viewport, path=flows.TRAIN_PATH, query=RUN, agent=None):
    context = browser.new_context(viewport=viewport, user_agent=agent)
    context.set_default_timeout(240_000)
    try:
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        br.open_app(page, base_url, path, query, timeout=300)
        assert br.problems(page) == []
        yield page
    finally:
        context.close()


def film(page, arranged: str) -> dict:
    """The film's boxes once the browser script has arranged it, scrolled to its top."""
    page.wait_for_function(f"() => {{ {FIND} return gd && gd.layout.appKey === {arranged!r}; }}")
    page.locator(".st-key-train_replay_film").scroll_into_view_if_needed()
    page.locator(".st-key-train_replay_film").evaluate(
        """box => {
          box.scrollIntoView({block: 'start'});
          const header = document.querySelector('[data-testid="stHeader"]');
          box.closest('[data-testid="stMain"]').scrollTop -= header.getBoundingClientRect().bottom;
        }"""
    )
    page.wait_for_timeout(800)
    return page.evaluate(FILM)


def on_screen(box: dict, viewport: dict, header: float = 0) -> bool:
    return (
        box["top"] >= header
        and box["bottom"] <= viewport["height"]
        and box["left"] >= 0
        and box["right"] <= viewport["width"]
    )


def test_projector_view_type_and_film_fit_a_1920x1080_screen(browser, base_url, shots):
    with opened(browser, base_url, br.PROJECTOR, query=f"{RUN}&view=projector") as page:
        page.wait_for_function(f"() => {{ {FIND} return gd && gd.layout.appKey === 'wide|true'; }}")
        sizes = page.evaluate(TYPE)
        print("\nprojector view, px:", {k: sorted(set(v)) for k, v in sizes.items()})
        assert sizes["body"] and min(sizes["body"]) >= 24
        assert sizes["labels"] and min(sizes["labels"]) >= 20
        assert sizes["captions"] and min(sizes["captions"]) >= 20
        assert sizes["ticks"] and min(sizes["ticks"]) >= 16
        assert sizes["titles"] and min(sizes["titles"]) >= 22
        assert not page.evaluate(SIDEBAR_SHOWN), "the sidebar is not folded away"
        parts = film(page, "wide|true")
        print("film at 1920x1080, projector:", parts)
        for name in ("map", "network", "play"):
            assert on_screen(parts[name], br.PROJECTOR, parts["header"]), f"{name} off: {parts}"
        br.screenshot(page, shots / "projector_film_1920.png", full_page=False)
        assert page.errors == []


def test_without_the_projector_view_the_film_fits_a_150_percent_zoom(browser, base_url, shots):
    screen = {"width": 1280, "height": 720}
    with opened(browser, base_url, screen) as page:
        parts = film(page, "wide|false")
        print("\nfilm at 1280x720:", parts)
        for name in ("map", "play"):
            assert on_screen(parts[name], screen, parts["header"]), f"{name} off: {parts}"
        assert parts["map"]["bottom"] - parts["map"]["top"] > 160, "the map is squashed"
        br.screenshot(page, shots / "projector_off_film_1280.png", full_page=False)
        sizes = page.evaluate(TYPE)
        assert max(sizes["body"]) < 24  # the default view keeps its own type
        assert page.errors == []


def test_a_narrow_desktop_window_gets_stacked_panels(browser, base_url, shots):
    screen = {"width": 800, "height": 1000}
    with opened(browser, base_url, screen, agent=DESKTOP_AGENT) as page:
        parts = film(page, "narrow|false")
        print("\nfilm at 800 px, desktop agent:", parts)
        assert parts["network"]["top"] >= parts["map"]["bottom"], f"not stacked: {parts}"
        assert parts["play"]["top"] >= parts["map"]["bottom"] - 1
        assert parts["play"]["bottom"] <= parts["network"]["top"] + 1, "Play is not under the map"
        br.screenshot(page, shots / "projector_narrow_800.png", full_page=False)
        # Wider again, the same film goes back side by side.
        page.set_viewport_size({"width": 1400, "height": 1000})
        parts = film(page, "wide|false")
        assert parts["network"]["left"] >= parts["map"]["right"], f"not side by side: {parts}"
        assert page.errors == []


# Boxes of the targets (help icons, switches, checkboxes) and of each chart's toolbar and
# title; whether the tab list hides tabs behind a scroll.
TARGETS = """() => [...document.querySelectorAll(
    '[data-testid="stTooltipHoverTarget"] button, [data-testid="stCheckbox"] label')]
  .filter(e => e.getClientRects().length)
  .map(e => { const b = e.getBoundingClientRect();
              return {what: e.textContent.slice(0, 30) || e.getAttribute('aria-label'),
                      width: b.width, height: b.height}; })"""
TOOLBAR_OVER_TITLE = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(gd => {
  const bar = gd.querySelector('.modebar'), title = gd.querySelector('.g-gtitle');
  if (!bar || !title || !title.textContent) return [];
  const a = bar.getBoundingClientRect(), b = title.getBoundingClientRect();
  const meets = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return [{title: title.textContent.slice(0, 40), meets}];
})"""
TABS_HIDDEN = """() => [...document.querySelectorAll('[data-testid="stTabs"] [role="tablist"]')]
  .map(list => { const box = list.getBoundingClientRect();
    return [...list.querySelectorAll('[role="tab"]')].filter(t => {
      const b = t.getBoundingClientRect(); return b.right > box.right + 1 || b.left < box.left - 1;
    }).length; })"""


@pytest.mark.parametrize(
    "path, query",
    [(flows.TRAIN_PATH, RUN), (flows.COLOUR_PATH, "bg=ffd700")],
    ids=["train", "colour"],
)
def test_on_a_phone_targets_toolbars_and_tabs(browser, base_url, path, query):
    with opened(browser, base_url, br.PHONE, path, query, br.PHONE_AGENT) as page:
        if path == flows.TRAIN_PATH:
            page.get_by_test_id("stExpandSidebarButton").click()
            page.wait_for_timeout(800)
        targets = page.evaluate(TARGETS)
        small = [t for t in targets if t["width"] < 24 or t["height"] < 24]
        print(f"\n{len(targets)} targets; smallest:", min(targets, key=lambda t: t["height"]))
        assert targets and small == [], f"targets under 24x24 px: {small}"
        if path == flows.TRAIN_PATH:  # on a phone the sidebar covers the page: close it
            page.get_by_test_id("stSidebarCollapseButton").click()
            page.wait_for_timeout(800)
        chart = page.locator(".js-plotly-plot").first
        chart.scroll_into_view_if_needed()
        chart.hover()  # the toolbar shows
        titled = page.evaluate(TOOLBAR_OVER_TITLE)
        assert titled, "no chart with a title and a toolbar"
        assert [t for t in titled if t["meets"]] == [], f"toolbar over a title: {titled}"
        assert all(hidden == 0 for hidden in page.evaluate(TABS_HIDDEN)), "tabs out of sight"


@pytest.mark.parametrize(
    "path, query, name",
    [
        (flows.TRAIN_PATH, f"{RUN}&view=projector", "train"),
        (flows.COLOUR_PATH, "bg=ffd700&view=projector", "colour"),
        (flows.FILTERS_PATH, "view=projector", "filters"),
    ],
)
def test_projector_screenshots_and_the_view_survives_the_pages(
    browser, base_url, shots, path, query, name
):
    with opened(browser, base_url, br.PROJECTOR, path, query) as page:
        assert flows.query(page).get("view") == "projector"
        br.screenshot(page, shots / f"projector_{name}_1920.png", full_page=False)
        page.reload()
        br.wait_for_run(page, 300)
        assert flows.query(page).get("view") == "projector", "lost on a reload"
        if name == "train":
            page.get_by_test_id("stExpandSidebarButton").click()
            page.wait_for_timeout(800)
            br.open_from_nav(page, flows.COLOUR_TITLE, 300)
            page.wait_for_function("() => location.search.includes('view=projector')")
            assert page.get_by_role("switch", name="Projector view").is_checked()
        if name == "colour":  # switched off: the default view, its link and its charts' type
            page.get_by_test_id("stExpandSidebarButton").click()
            page.wait_for_timeout(800)
            page.get_by_role("switch", name="Projector view").click(force=True)
            br.wait_for_run(page, 300)
            page.wait_for_function("() => !location.search.includes('view=')")
            page.wait_for_timeout(1000)
            sizes = page.evaluate(TYPE)
            assert max(sizes["body"]) < 24 and max(sizes["ticks"]) <= 17, sizes
    if name == "train":
        with opened(browser, base_url, br.PHONE, path, query, br.PHONE_AGENT) as page:
            br.screenshot(page, shots / "projector_train_390.png", full_page=False)
            film(page, "narrow|true")
            br.screenshot(page, shots / "projector_film_390.png", full_page=False)
