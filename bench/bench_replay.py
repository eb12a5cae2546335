"""The replay film: frames as pictures and lines (the tab) against the same film in heatmaps.

The lesson's run (3-5-2-1 sigmoid, learning rate 0.2, 10,000 iterations, 101 log-spaced
frames, blue held at 128). Measured side by side:

1. The figure's JSON: the whole figure and its frames, in characters; and the time the page
   takes to make it once per run, from plain frames (``replay_parts``) against through Plotly's
   frame objects (``replay_figure``), taking turns (medians).
2. The film played in headless Chromium, the two figures taking turns in every repeat
   (medians): the time between frames (Plotly's ``plotly_animatingframe`` events; designed:
   80 ms), the whole film, and the share of the browser's paints during playback in which the
   decision map is on screen. plotly.js is the plotly package's own (``Figure.write_html``'s).
   Then again with Chromium's CPU slowed down 4x (DevTools' CPU throttling): a slower laptop,
   or a busy one.

The peer: the figure the tab drew before, the maps as heatmap traces (the decision map and
each hidden neuron's), the boundary as a contour, a full redraw in every frame. Both figures
must hold the same frames (their names are compared).

Usage: python -m bench.bench_replay [--quick] [--repeats R] [--no-browser] [--slowdowns 1 4]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import plotly
import plotly.graph_objects as go

from bench.bench_mlp import cpu_name
from core.mlp import train
from core.mlp.data import training_set
from core.mlp.drawing import Slice, boundary_contour, layer_positions, output_heatmap
from core.mlp.replay import NEURON_HALF, neuron_range, replay_figure, replay_parts
from core.mlp.replay_controls import FRAME_MS
from core.mlp.replay_frames import replay_frames
from ui.train.replay import PreparedFigure

PLANE = Slice(channel=2, value=128 / 255)
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
VIEWPORT = {"width": 1400, "height": 1100}
LABELS = {"pictures": "pictures + lines (the tab)", "heatmaps": "heatmaps (peer)"}


def picture_film(frames, run, X, y) -> str:
    """The tab's figure as the JSON text the page sends (the server makes it once per run)."""
    return replay_figure(frames, run, X, y, PLANE, "log").to_json()


def build_times(frames, run, X, y, repeats: int) -> dict[str, float]:
    """Seconds the page takes to make the film it sends, both ways, taking turns (medians)."""
    ways = {
        "plain": lambda: PreparedFigure(*replay_parts(frames, run, X, y, PLANE, "log")),
        "checked": lambda: PreparedFigure(replay_figure(frames, run, X, y, PLANE, "log")),
    }
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(repeats):
        for name, build in ways.items():
            start = time.perf_counter()
            build()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def neuron_heatmap(position, z: np.ndarray, zrange) -> go.Heatmap:
    """A hidden neuron's map as the tab drew it before: a heatmap around its place."""
    side = np.linspace(-1, 1, z.shape[0])
    low, high, scale = zrange
    return go.Heatmap(
        x=position[0] + NEURON_HALF[0] * side,
        y=position[1] + NEURON_HALF[1] * side,
        z=z,
        zmin=low,
        zmax=high,
        colorscale=scale,
        showscale=False,
        xaxis="x2",
        yaxis="y2",
    )


def heatmap_film(frames, run, X, y) -> str:
    """The peer: the same film with heatmaps and a contour, redrawn whole in every frame."""
    fig = replay_figure(frames, run, X, y, PLANE, "log").to_dict()
    del fig["layout"]["images"]
    zrange = neuron_range(run.activation, frames.neurons)
    hidden = [p for column in layer_positions(run.layers)[1:-1] for p in column]

    def maps(f: int) -> list:
        first = output_heatmap(frames.axis, frames.outputs[f], PLANE.free)
        traces = [first.update(showscale=False), boundary_contour(frames.axis, frames.outputs[f])]
        layers = [m[f, j] for m in frames.neurons for j in range(m.shape[1])]
        traces += [neuron_heatmap(p, z, zrange) for p, z in zip(hidden, layers, strict=True)]
        return [t.to_plotly_json() for t in traces]

    start = len(fig["data"])
    fig["data"] += maps(0)
    fig["data"][0].update(x=[None], y=[None])  # the boundary is the contour here
    added = list(range(start, len(fig["data"])))
    for f, frame in enumerate(fig["frames"]):
        del frame["layout"]
        frame["data"][0].update(x=[None], y=[None])
        frame["data"] += [{"type": t["type"], "z": t["z"]} for t in maps(f)]  # float32, as before
        frame["traces"] += added
    controls = [*fig["layout"]["sliders"][0]["steps"], *fig["layout"]["updatemenus"][0]["buttons"]]
    for control in controls:
        control["args"][1]["frame"]["redraw"] = True
    return go.Figure(fig, _validate=False).to_json()  # as the tab did: float32 maps in base64


# Load a figure, press Play, and record every frame's time and, on every paint, whether the
# decision map (a heatmap's picture or a layout image on the map's axes) is on screen.
PLAY = """async (fig) => {
  const gd = document.getElementById('film');
  await Plotly.newPlot(gd, fig.data, fig.layout);
  await Plotly.addFrames(gd, fig.frames);
  const film = {frames: [], paints: 0, shown: 0, done: false};
  const shown = () => gd.querySelector(
      '.subplot.xy .heatmaplayer image, .subplot.xy .imagelayer image') !== null;
  gd.on('plotly_animatingframe', e => film.frames.push([performance.now(), e.name]));
  const finished = new Promise(resolve => gd.on('plotly_animated', resolve));
  const paint = () => {
    if (film.done) return;
    film.paints += 1; film.shown += shown() ? 1 : 0;
    requestAnimationFrame(paint);
  };
  [...gd.querySelectorAll('.updatemenu-button')].find(b => b.textContent.includes('Play'))
      .dispatchEvent(new MouseEvent('click', {bubbles: true}));
  requestAnimationFrame(paint);
  await finished;
  film.done = true;
  Plotly.purge(gd);
  return film;
}"""


def play(page, fig: dict, slowdown: float) -> dict:
    """One playback: median and 90th percentile ms between frames, film seconds, map share."""
    page.set_content('<div id="film" style="width: 1360px"></div>')
    page.add_script_tag(path=str(PLOTLY_JS))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    try:
        film = page.evaluate(PLAY, fig)
    finally:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        cdp.detach()
    stamps = [t for t, _ in film["frames"]]
    gaps = np.diff(stamps)
    return {
        "frame_ms": float(np.median(gaps)),
        "p90_ms": float(np.percentile(gaps, 90)),
        "film_s": (stamps[-1] - stamps[0]) / 1e3,
        "map_share": film["shown"] / max(film["paints"], 1),
        "names": [name for _, name in film["frames"]],
    }


def browser_medians(figures: dict[str, dict], repeats: int, slowdown: float) -> dict[str, dict]:
    """Median figures of each film, the films taking turns in every repeat."""
    from playwright.sync_api import sync_playwright

    from tests.support import browser as br

    runs: dict[str, list] = {name: [] for name in figures}
    with sync_playwright() as pw:
        chromium = br.launch(pw)
        page = chromium.new_page(viewport=VIEWPORT)
        page.set_default_timeout(600_000)
        for _ in range(repeats):
            for name, fig in figures.items():
                runs[name].append(play(page, fig, slowdown))
        chromium.close()
    keys = ("frame_ms", "p90_ms", "film_s", "map_share")
    out = {n: {k: statistics.median(r[k] for r in rs) for k in keys} for n, rs in runs.items()}
    for name, rs in runs.items():
        out[name]["names"] = rs[0]["names"]
    out["frame_ratio"] = out["heatmaps"]["frame_ms"] / out["pictures"]["frame_ms"]
    out["film_ratio"] = out["heatmaps"]["film_s"] / out["pictures"]["film_s"]
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 iterations, for CI")
    parser.add_argument("--repeats", type=int, default=None, help="3; 1 with --quick")
    parser.add_argument("--no-browser", action="store_true", help="JSON sizes only")
    parser.add_argument(
        "--slowdowns",
        type=float,
        nargs="+",
        default=None,
        help="CPU slowdowns: 1 4; 1 with --quick",
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    iterations = 1_000 if args.quick else 10_000
    X, y = training_set()
    run = train(X, y, iterations=iterations, learning_rate=0.2, seed=0)
    frames = replay_frames(run, X, y, PLANE, "log")
    builds = build_times(frames, run, X, y, 3 if args.quick else 7)
    texts = {"pictures": picture_film(frames, run, X, y)}
    texts["heatmaps"] = heatmap_film(frames, run, X, y)
    figures = {name: json.loads(text) for name, text in texts.items()}
    result = {
        "frames": len(figures["pictures"]["frames"]),
        "json_chars": {name: len(text) for name, text in texts.items()},
        "frame_chars": {
            name: len(json.dumps(fig["frames"])) / len(fig["frames"])
            for name, fig in figures.items()
        },
        "build_s": builds["plain"],
        "build_checked_s": builds["checked"],
        "build_repeats": 3 if args.quick else 7,
        "names": [f["name"] for f in figures["pictures"]["frames"]],
        "peer_names": [f["name"] for f in figures["heatmaps"]["frames"]],
    }
    result["json_ratio"] = result["json_chars"]["heatmaps"] / result["json_chars"]["pictures"]
    if not args.no_browser:
        slowdowns = args.slowdowns or ([1.0] if args.quick else [1.0, 4.0])
        result["browser"] = {x: browser_medians(figures, repeats, x) for x in slowdowns}
    report(result, iterations, repeats)
    return result


def report(result: dict, iterations: int, repeats: int) -> None:
    print(f"Replay film on {cpu_name()}")
    print(
        f"the lesson's run, {iterations:,} iterations, {result['frames']} log-spaced frames, "
        "blue = 128"
    )
    plain, checked = result["build_s"], result["build_checked_s"]
    print(
        f"the page makes the film it sends in {1e3 * plain:.0f} ms from plain frames, "
        f"{1e3 * checked:.0f} ms through Plotly's frame objects: {checked / plain:.2f}x "
        f"(medians of {result['build_repeats']}, taking turns)"
    )
    chars, per_frame = result["json_chars"], result["frame_chars"]
    for name, label in (
        ("pictures", "pictures + lines (the tab)"),
        ("heatmaps", "heatmaps (peer)"),
    ):
        print(
            f"  JSON {label:<28} {chars[name] / 1e6:6.2f} MB   "
            f"({per_frame[name] / 1e3:5.1f} k characters per frame)"
        )
    print(f"the heatmap film's JSON is {result['json_ratio']:.1f}x the picture film's")
    if "browser" not in result:
        return
    print(f"played in headless Chromium (plotly.js {plotly_js_version()}), medians of {repeats}")
    for slowdown, played in result["browser"].items():
        print("CPU as is" if slowdown == 1 else f"CPU slowed down {slowdown:g}x")
        for name, label in LABELS.items():
            p = played[name]
            print(
                f"  {label:<28} frame {p['frame_ms']:6.1f} ms (p90 {p['p90_ms']:6.1f} ms), "
                f"film {p['film_s']:5.1f} s, map on screen in {100 * p['map_share']:5.1f}% "
                "of paints"
            )
        print(
            f"  designed: {FRAME_MS} ms a frame; the heatmap film's frames take "
            f"{played['frame_ratio']:.2f}x, its film {played['film_ratio']:.2f}x"
        )


def plotly_js_version() -> str:
    head = PLOTLY_JS.read_text(encoding="utf-8")[:200]
    return head.split("plotly.js v", 1)[1].split()[0] if "plotly.js v" in head else "?"


if __name__ == "__main__":
    main()
