"""Train the MLP in a real browser: the URL, the replay playing frames, the step view.

Screenshots (PNG) go to the e2e shots folder: the replay at its first, middle and last frame
and the step view, on a projector-sized window (1920x1080) and on a phone (390x844).
"""

import re

import pytest

from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

# The replay figure is the chart with animation frames; show one of them by name.
SHOW_FRAME = """(name) => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const gd = plots.find(g => g._transitionData && g._transitionData._frames.length);
  return Plotly.animate(gd, [name], {mode: 'immediate', transition: {duration: 0},
                                     frame: {duration: 0, redraw: true}}).then(() => true);
}"""
# The chart's top at the window's top, below Streamlit's header bar.
SCROLL_TO = """element => {
  element.scrollIntoView({block: 'start'});
  element.closest('[data-testid="stMain"]').scrollTop -= 70;
}"""
REPLAY_READY = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .some(g => g._transitionData && g._transitionData._frames.length > 0)"""
REPLAY_STATE = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const gd = plots.find(g => g._transitionData && g._transitionData._frames.length);
  const marker = gd.data[gd.data.length - 1];
  return {frames: gd._transitionData._frames.map(f => f.name), x: marker.x[0],
          slider: gd.layout.sliders[0].currentvalue.prefix};
}"""

# The scrubber's labels as a person sees them: the page's own (Plotly's are drawn see-through,
# as Plotly labels every k-th step and so seldom the last), left to right, and whether they fit.
SCRUBBER = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._transitionData && g._transitionData._frames.length);
  const rail = gd.querySelector('.slider-rail-rect').getBoundingClientRect();
  const box = gd.getBoundingClientRect();
  const shown = [...gd.querySelectorAll('.annotation')]
    .map(a => [a.textContent, a.getBoundingClientRect()])
    .filter(([t, r]) => r.top > rail.bottom && /^[0-9,]+$/.test(t))
    .sort((a, b) => a[1].left - b[1].left);
  const texts = [...gd.querySelectorAll('.slider-label')];  // the current value, then the ticks'
  const own = texts.filter(e => !e.textContent.startsWith('iteration'));
  const value = texts.filter(e => e.textContent.startsWith('iteration'));
  return {labels: shown.map(([t]) => t), fits: shown.every(([, r]) => r.right <= box.right + 1),
          apart: shown.every(([, r], i) => i === 0 || shown[i - 1][1].right < r.left),
          ownHidden: own.length > 0 && own.every(e => getComputedStyle(e).fillOpacity === '0'),
          valueShown: value.length === 1 && getComputedStyle(value[0]).fillOpacity === '1'};
}"""


def test_learning_rate_slider_retrains(page, base_url, shots):
    flows.train_page(page, base_url, "lr=0.2&iterations=1000&seed=0")
    assert br.problems(page) == []
    # The lesson's values are left out of the address; the others stay as the link wrote them.
    assert flows.query(page) == {"iterations": "1000"}
    chart = flows.first_chart(page)
    before = flows.picture(page, chart)

    new_lr = flows.move_learning_rate(page, +1)

    assert float(new_lr) > 0.2
    assert flows.query(page) == {"iterations": "1000", "lr": new_lr}  # the browser wrote it
    assert br.problems(page) == []
    assert flows.picture(page, flows.first_chart(page)) != before, "replay did not change"
    assert page.console_errors == []


def test_settings_come_from_the_url_even_between_slider_stops(page, base_url):
    flows.train_page(page, base_url, "lr=0.33&iterations=1234&seed=3")
    params = flows.query(page)
    assert (params["lr"], params["iterations"], params["seed"]) == ("0.33", "1234", "3")
    assert "learning rate 0.33, 1,234 iterations, seed 3" in br.main_text(page)
    assert br.problems(page) == [] and br.messages(page) == []


@pytest.mark.parametrize("screen", list(br.SCREENS))
def test_the_replay_plays_in_the_browser_and_steps_by_hand(browser, base_url, shots, screen):
    viewport, agent = br.SCREENS[screen]
    context = browser.new_context(viewport=viewport, user_agent=agent)
    context.set_default_timeout(240_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        flows.train_page(page, base_url, "lr=0.2&iterations=10000&seed=0", timeout=300)
        page.wait_for_function(REPLAY_READY)
        state = page.evaluate(REPLAY_STATE)
        assert len(state["frames"]) == 101 and state["frames"][-1] == "10000"
        assert "101 log-spaced frames" in state["slider"]
        scrubber = page.evaluate(SCRUBBER)  # from 0 to the last iteration, apart, on screen
        assert scrubber["labels"][0] == "0" and scrubber["labels"][-1] == "10,000", scrubber
        assert scrubber["fits"] and scrubber["apart"] and scrubber["ownHidden"], scrubber
        assert scrubber["valueShown"], scrubber
        chart = page.get_by_test_id("stPlotlyChart").first
        chart.evaluate(SCROLL_TO)
        for label, name in (("start", "0"), ("middle", "1000"), ("end", "10000")):
            page.evaluate(SHOW_FRAME, name)
            page.wait_for_timeout(600)
            assert page.evaluate(REPLAY_STATE)["x"] == max(int(name), 1)  # the marker moved
            br.screenshot(page, shots / f"train_mlp_replay_{label}_{screen}.png", full_page=False)

        page.get_by_role("tab", name="Step by step").click()
        br.wait_for_run(page, 120)
        assert re.search(r"Iteration\s+0\s", br.main_text(page))
        page.get_by_role("button", name="+10 steps").click()
        br.wait_for_run(page, 120)
        assert "step=10" in page.url
        text = br.main_text(page)
        assert "The step just taken by the numbers (iteration 9)" in text
        page.get_by_text("Server time of the last click").scroll_into_view_if_needed()
        br.screenshot(page, shots / f"train_mlp_step_{screen}.png", full_page=False)
        assert br.problems(page) == [] and errors == []
        if screen != "390":
            return  # a reload keeps the run and the step: checked once, on the phone

        page.reload(wait_until="domcontentloaded")  # a reload keeps the run and the step
        br.wait_for_run(page, 300)
        page.get_by_role("tab", name="Step by step").click()
        br.wait_for_run(page, 120)
        assert "step=10" in page.url
        assert re.search(r"Iteration\s+10\s", br.main_text(page)), "the step was not restored"
        assert br.problems(page) == [] and errors == []
    finally:
        context.close()
