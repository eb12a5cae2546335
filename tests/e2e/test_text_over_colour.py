"""Text over a colour in a real browser: pick a colour, teach the network, keep the labels
and the colour through a reload, and charts that fit a phone and fill a projector (a shared
link, kept through a reload)."""

import pytest

from core.colour.labels import Label
from core.colour.link import labels_to_param
from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

PHONE, PROJECTOR = {"width": 390, "height": 844}, {"width": 1920, "height": 1080}
# A shared link: two labels, a network retrained on them, a colour and a palette of 5.
LINK = "&".join(
    [
        f"labels={labels_to_param([Label('#102030', 'white'), Label('#f0e68c', 'black')])}",
        "retrained=2",
        "bg=ff8c00",
        "random=5",
    ]
)


def test_pick_colour_teach_and_keep_both_through_a_reload(page, base_url, shots):
    flows.colour_page(page, base_url)
    assert br.problems(page) == []
    before = flows.picture(page, flows.preview(page))

    flows.type_colour(page, "navy")
    assert flows.picture(page, flows.preview(page)) != before, "preview did not change colour"
    assert "Contrast" in br.main_text(page)

    navy = flows.picture(page, flows.preview(page))
    flows.pick_colour(page, "#ffd700")
    assert flows.typed_colour(page).lower() == "#ffd700"
    assert flows.picture(page, flows.preview(page)) != navy

    assert flows.labels_count(page) == 0
    flows.teach(page, "Black")
    flows.teach(page, "White")
    assert flows.labels_count(page) == 2
    assert br.problems(page) == []
    assert page.console_errors == []
    br.screenshot(page, shots / "text_over_colour.png")

    # A reload keeps the labels and the colour (both are in the address).
    page.wait_for_function("() => new URL(location.href).searchParams.has('labels')")
    page.reload(wait_until="domcontentloaded")
    br.wait_for_run(page)
    assert flows.labels_count(page) == 2
    assert flows.preview_background(page) == "rgb(255, 215, 0)"
    assert flows.typed_colour(page).lower() == "#ffd700"
    assert br.problems(page) == [] and br.messages(page) == []
    br.screenshot(page, shots / "text_over_colour_after_reload.png", full_page=False)


def chart_layout(chart) -> dict:
    """Where a Plotly chart's box, its title and its legend are drawn, in page pixels."""
    return chart.evaluate(
        """e => {
            const box = n => n && (({left, right, top, bottom}) => ({left, right, top, bottom}))(
                n.getBoundingClientRect());
            const find = selector => box(e.querySelector(selector));
            return {chart: find('.main-svg'), title: find('.gtitle'), legend: find('.legend'),
                    parent: box(e.parentElement)};
        }"""
    )


def overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def check_visible_charts(page, viewport: dict, shots, name: str) -> int:
    """Each visible chart fits the screen, uses its column's width, and shows its whole title."""
    charts = page.get_by_test_id("stPlotlyChart")
    checked = 0
    for i in range(charts.count()):
        chart = charts.nth(i)
        if not chart.is_visible():
            continue
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(400)
        where = chart_layout(chart)
        drawn, column = where["chart"], where["parent"]
        assert drawn["right"] <= viewport["width"] + 1, f"chart {i} overflows the screen"
        assert drawn["right"] - drawn["left"] >= 0.95 * (column["right"] - column["left"]), (
            f"chart {i} does not use the width"
        )
        title = where["title"]
        assert title is not None, f"chart {i} has no title"
        assert drawn["left"] - 1 <= title["left"] and title["right"] <= drawn["right"] + 1, (
            f"chart {i}: title cut"
        )
        if where["legend"] is not None:
            assert not overlap(title, where["legend"]), f"chart {i}: legend over the title"
        chart.screenshot(path=str(shots / f"text_over_colour_{name}_chart{i}.png"))
        checked += 1
    return checked


@pytest.mark.parametrize("viewport", [PHONE, PROJECTOR], ids=["phone", "projector"])
def test_charts_fit_the_screen(browser, base_url, shots, viewport):
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(120_000)
    try:
        page = context.new_page()
        br.open_app(page, base_url, flows.COLOUR_PATH, LINK, timeout=240)
        assert br.problems(page) == []
        assert flows.labels_count(page) == 2
        assert "Retrained on your labels" in br.main_text(page)
        name = "phone" if viewport is PHONE else "projector"
        br.screenshot(page, shots / f"text_over_colour_{name}.png", full_page=False)
        assert check_visible_charts(page, viewport, shots, name) == 2  # luminance, label shift
        page.get_by_role("tab", name="Where in the RGB cube").click()
        page.wait_for_timeout(800)
        assert check_visible_charts(page, viewport, shots, name) == 2  # cube, label shift
        if viewport is PROJECTOR:
            return  # the link survives a reload: checked once, on the phone
        page.reload(wait_until="domcontentloaded")
        br.wait_for_run(page, timeout=240)
        assert flows.labels_count(page) == 2 and br.problems(page) == []
        assert "Retrained on your labels" in br.main_text(page)
        assert flows.typed_colour(page) == "#ff8c00"
        br.screenshot(page, shots / f"text_over_colour_{name}_after_reload.png", full_page=False)
    finally:
        context.close()
