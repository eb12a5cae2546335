"""The replay film while it plays: its maps on screen in every frame, at the designed pace.

Plotly's animation takes heatmap and contour traces off the plot while it plays, so a film
drawn with them shows an empty map until it stops. These tests press ▶ Play and read the
pixels of the decision map and of each hidden neuron's map DURING playback, time the frames
from Plotly's own ``plotly_animatingframe`` events, use Play, Pause and the scrubber together
(no page error), and check on a phone that Play sits next to the map.
"""

from __future__ import annotations

import io
import statistics
import time

import numpy as np
import pytest
from PIL import Image

from core.mlp.drawing import layer_positions
from core.mlp.replay import NEURON_HALF
from core.mlp.replay_controls import FRAME_MS
from tests.support import browser as br
from tests.support import flows

pytestmark = pytest.mark.browser

RUN = "lr=0.2&iterations=10000&seed=0"
HIDDEN = [centre for column in layer_positions([3, 5, 2, 1])[1:-1] for centre in column]
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
FIND = """const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g._transitionData && g._transitionData._frames.length);"""
READY = f"() => {{ {FIND} return Boolean(gd); }}"
# Listen to the film (once per chart; a second call only starts a new record): a timestamp
# per frame shown, and whether it is still playing.
LISTEN = f"""() => {{
  {FIND}
  window.film = {{frames: [], playing: false, done: 0}};
  if (gd.filmListened) return true;
  gd.filmListened = true;
  gd.on('plotly_animating', () => {{ window.film.playing = true; }});
  gd.on('plotly_animatingframe', e => window.film.frames.push(
      {{t: performance.now(), name: e.name}}));
  gd.on('plotly_animated', () => {{ window.film.playing = false; window.film.done += 1; }});
  return true;
}}"""
FILM = "() => window.film"
MARKER_X = f"() => {{ {FIND} return gd.data[gd.data.length - 1].x[0]; }}"
SHOW = f"""(name) => {{
  {FIND}
  return Plotly.animate(gd, [name], {{mode: 'immediate', transition: {{duration: 0}},
                                     frame: {{duration: 0, redraw: true}}}}).then(() => true);
}}"""
# Page boxes (CSS px, the window's coordinates): the decision map's plane (0-255 on both
# axes, a little inside), each hidden neuron's map (its middle half), the Play button.
BOXES = f"""([half, centres]) => {{
  {FIND}
  const L = gd._fullLayout, svg = gd.querySelector('.main-svg').getBoundingClientRect();
  const box = (xa, ya, x0, x1, y0, y1) => {{
    const left = svg.left + xa._offset + xa.l2p(x0), right = svg.left + xa._offset + xa.l2p(x1);
    const top = svg.top + ya._offset + ya.l2p(y1), bottom = svg.top + ya._offset + ya.l2p(y0);
    return {{x: left, y: top, width: right - left, height: bottom - top}};
  }};
  const map = box(L.xaxis, L.yaxis, 12, 243, 12, 243);
  const neurons = centres.map(([x, y]) => box(L.xaxis2, L.yaxis2, x - half[0] / 2,
      x + half[0] / 2, y - half[1] / 2, y + half[1] / 2));
  const play = [...gd.querySelectorAll('.updatemenu-button')]
      .find(b => b.textContent.includes('Play')).getBoundingClientRect();
  return {{map, neurons, play: {{x: play.left, y: play.top, width: play.width,
                                  height: play.height}}}};
}}"""


def window(page) -> np.ndarray:
    """The window's pixels now, (h, w, 3) uint8, one screenshot."""
    return np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"))


def crop(picture: np.ndarray, box: dict) -> np.ndarray:
    """The pixels in a box of CSS px (the window's device scale is 1)."""
    x, y = round(box["x"]), round(box["y"])
    return picture[y : y + round(box["height"]), x : x + round(box["width"])]


def map_shown(picture: np.ndarray) -> float:
    """Share of the plane's pixels that are the map's greys (not the white empty plot)."""
    grey = picture.max(axis=2) < 225
    return float(grey.mean())


def neuron_shown(picture: np.ndarray) -> float:
    """Share of a neuron map's pixels that are not the page's pure white (the map never is)."""
    return float((picture.min(axis=2) < 250).mean())


def open_replay(browser, base_url, viewport, agent=None):
    context = browser.new_context(viewport=viewport, user_agent=agent)
    context.set_default_timeout(240_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    flows.train_page(page, base_url, RUN, timeout=300)
    page.wait_for_function(READY)
    page.get_by_test_id("stPlotlyChart").first.evaluate(
        """element => {
          element.scrollIntoView({block: 'start'});
          element.closest('[data-testid="stMain"]').scrollTop -= 70;
        }"""
    )
    page.wait_for_timeout(500)
    page.evaluate(LISTEN)
    return context, page


def press(page, label: str) -> None:
    page.locator(".updatemenu-button", has_text=label).first.click()


def frame_times(page, count: int, timeout: float = 120.0) -> list[float]:
    """Milliseconds between the first ``count`` frames shown after Play (or all, if fewer)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        film = page.evaluate(FILM)
        if len(film["frames"]) >= count or film["done"]:
            break
        page.wait_for_timeout(250)
    stamps = [f["t"] for f in page.evaluate(FILM)["frames"]][:count]
    return list(np.diff(stamps))


def test_every_frame_shows_its_maps_at_the_designed_pace_and_play_pause_is_safe(
    browser, base_url, shots
):
    context, page = open_replay(browser, base_url, {"width": 1920, "height": 1080})
    try:
        boxes = page.evaluate(BOXES, [NEURON_HALF, HIDDEN])
        press(page, "Play")
        samples = []
        while len(samples) < 6:  # every 1.3 s: the film's first frames to its last ones
            page.wait_for_timeout(1300)
            x = page.evaluate(MARKER_X)
            if not page.evaluate(FILM)["playing"]:
                break
            picture = window(page)  # one screenshot: the map and the neurons at one moment
            neurons = [neuron_shown(crop(picture, b)) for b in boxes["neurons"]]
            samples.append((x, map_shown(crop(picture, boxes["map"])), neurons))
            if len(samples) == 3:
                Image.fromarray(picture).save(shots / "replayfilm_playing_projector.png")
        print("\nduring playback (marker x, map share, neuron shares):")
        for x, share, neurons in samples:
            print(f"  {x:>6}  map {share:.2f}  neurons {' '.join(f'{n:.2f}' for n in neurons)}")
        assert len(samples) >= 4, "the film ended before four moments could be read"
        xs = [x for x, _, _ in samples]
        assert xs == sorted(xs) and len(set(xs)) == len(xs), f"the marker did not advance: {xs}"
        for x, share, neurons in samples:
            assert share > 0.3, f"the decision map is blank at iteration {x} ({share:.2f})"
            assert min(neurons) > 0.8, f"a neuron map is blank at iteration {x}: {neurons}"

        # The pace: a second playback from the first frame, nothing else running.
        page.wait_for_function("() => !window.film.playing", timeout=180_000)
        page.evaluate(SHOW, "0")
        page.wait_for_timeout(500)
        page.evaluate(LISTEN)
        started = time.perf_counter()
        press(page, "Play")
        gaps = frame_times(page, 101)
        page.wait_for_function("() => window.film.done > 0", timeout=300_000)
        total = time.perf_counter() - started
        median = statistics.median(gaps)
        print(
            f"frame times over {len(gaps)} gaps: median {median:.0f} ms, "
            f"p90 {np.percentile(gaps, 90):.0f} ms, max {max(gaps):.0f} ms "
            f"(designed {FRAME_MS} ms); the whole film {total:.1f} s"
        )
        assert median < 2 * FRAME_MS, f"median frame time {median:.0f} ms"
        assert page.errors == []

        # Play, Pause and the scrubber used together, as a hurried lecturer would.
        play_pause_and_scrub(page)
        assert page.errors == []
        assert br.problems(page) == []
    finally:
        context.close()


def play_pause_and_scrub(page) -> None:
    steps = page.locator(".slider-group .slider-rail-touch-rect")
    for _ in range(2):
        press(page, "Play")
        page.wait_for_timeout(600)
        press(page, "Pause")
        page.wait_for_timeout(200)
        press(page, "Play")
        page.wait_for_timeout(400)
        box = steps.first.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
        page.wait_for_timeout(200)
        press(page, "Play")
        page.wait_for_timeout(300)
        page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)
    press(page, "Pause")
    page.wait_for_timeout(500)


def test_on_a_phone_play_is_next_to_the_map(browser, base_url, shots):
    context, page = open_replay(browser, base_url, {"width": 390, "height": 844}, PHONE)
    try:
        boxes = page.evaluate(BOXES, [NEURON_HALF, HIDDEN])
        plane, play = boxes["map"], boxes["play"]
        gap = play["y"] + play["height"] - plane["y"]
        print(f"\nphone: Play's bottom is {gap:.0f} px below the top of the map")
        assert gap <= 844, f"Play is {gap:.0f} px below the map's top: more than one screen"
        press(page, "Play")
        page.wait_for_timeout(1_500)
        assert page.evaluate(FILM)["playing"]
        assert map_shown(crop(window(page), plane)) > 0.3, "the map is blank while playing"
        br.screenshot(page, shots / "replayfilm_playing_phone.png", full_page=False)
        assert page.errors == []
    finally:
        context.close()
