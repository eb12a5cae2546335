"""The app's frame: its three pages, and the two Streamlit behaviours it switches off.

``streamlit_app.py`` calls ``skip_keras_reset()`` once and runs ``navigation()``; every page
calls ``ensure_app_navigation()`` first, so a shared deep link on a fresh server shows the
app's own navigation rather than Streamlit's list of the ``pages/`` folder.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core.plot_style import NARROW_BELOW, projector_type
from ui.link import PROJECTOR, VIEW, link_notes_ui, read_url_once, write_url

ROOT = Path(__file__).resolve().parents[1]
APP_TITLE = "How neural networks learn"
# A file the server sends itself: a Material icon name as page icon is fetched from a font CDN,
# which a lecture hall's own wifi may not reach.
APP_ICON = ROOT / "assets" / "icon.png"


@dataclass(frozen=True)
class PageSpec:
    """One page of the app: its script, title and icon. Its URL is the file name."""

    script: str
    title: str
    icon: str
    default: bool = False

    @property
    def url_path(self) -> str:
        return "" if self.default else Path(self.script).stem


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/train_mlp.py", "Train the MLP", ":material/model_training:", default=True),
    PageSpec("pages/text_over_colour.py", "Text over a colour", ":material/palette:"),
    PageSpec("pages/vgg16_filters.py", "VGG16 filters", ":material/grid_view:"),
)


def configure_page() -> None:
    """The app's page config: title, icon, wide layout."""
    st.set_page_config(page_title=APP_TITLE, page_icon=APP_ICON, layout="wide")


VIEW_KEY = "app_projector"  # the sidebar's "Projector view" switch
VIEW_STATE = "app_projector_on"  # whether this session is in the projector view
PROJECTOR_PX = 24  # the projector view's root font size: body text 24 px, labels 21 px
NARROW = f"(max-width: {NARROW_BELOW - 0.02}px)"
# Every view: targets of at least 24x24 CSS px (WCAG 2.2, 2.5.8), tabs that wrap onto a second
# line rather than scroll out of sight, and on narrow screens Plotly's toolbar over its chart,
# outside the figure, where it never covers a title.
FRAME_CSS = f"""<style>
[data-testid="stTooltipHoverTarget"] button {{ min-width: 24px; min-height: 24px; }}
[data-testid="stCheckbox"] label {{ min-height: 24px; min-width: 24px; align-items: center; }}
[data-testid="stTabs"] [role="tablist"] {{ flex-wrap: wrap; overflow-x: visible; row-gap: 4px; }}
@media {NARROW} {{
  [data-testid="stPlotlyChart"] {{ margin-top: 32px; }}
  [data-testid="stPlotlyChart"] .js-plotly-plot {{ overflow: visible !important; }}
  [data-testid="stPlotlyChart"] .modebar-container {{ top: -31px !important; }}
}}
</style>"""
# The projector view: everything in rem grows with the root font size (Streamlit sizes its
# text in rem); ui/app.py's script reads --app-view to scale the charts' type.
PROJECTOR_CSS = f"""<style>
:root {{ --app-view: projector; }}
html {{ font-size: {PROJECTOR_PX}px !important; }}
</style>"""
# Charts in the browser: a figure with arrangements (core.plot_style.with_arrangements) takes
# its "narrow" one below NARROW_BELOW px; in the projector view every font grows (ticks and
# titles to their floors). Each figure's own sizes are read once, so switching back restores
# them, and a figure Streamlit redraws (a new layout object) is taken afresh.
CHARTS_JS = r"""<script>
(() => {
  if (window.appCharts) return;
  window.appCharts = true;
  const TYPE = %(type)s;
  const projector = () => getComputedStyle(document.documentElement)
    .getPropertyValue('--app-view').trim() === 'projector';
  const get = (obj, path) => path.replace(/\[(\d+)\]/g, '.$1').split('.')
    .reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), obj);
  const fonts = L => {
    const out = [['font.size', 'text'], ['legend.font.size', 'text'],
                 ['hoverlabel.font.size', 'text']];
    if (L.title && L.title.text) out.push(['title.font.size', 'title']);
    for (const key of Object.keys(L)) {
      if (/^[xy]axis\d*$/.test(key)) {
        out.push([key + '.tickfont.size', 'tick'], [key + '.title.font.size', 'text']);
      }
      if (/^scene\d*$/.test(key)) {
        for (const a of ['xaxis', 'yaxis', 'zaxis']) {
          out.push([`${key}.${a}.tickfont.size`, 'tick'], [`${key}.${a}.title.font.size`, 'text']);
        }
      }
    }
    (L.annotations || []).forEach((a, i) =>
      out.push([`annotations[${i}].font.size`, a.name === 'title' ? 'title' : 'text']));
    (L.sliders || []).forEach((_, i) => out.push(
      [`sliders[${i}].font.size`, 'steps'], [`sliders[${i}].currentvalue.font.size`, 'text']));
    out.push(['margin.t', 'room']);
    if (L.showlegend && L.legend && L.legend.orientation === 'h' && L.legend.y >= 1) {
      out.push(['legend.y', 'top'], ['legend.yref', 'top'], ['legend.yanchor', 'top']);
    }
    (L.updatemenus || []).forEach((_, i) => out.push([`updatemenus[${i}].font.size`, 'text']));
    return out;
  };
  // Titles and ticks grow to their floors; a slider's many steps only to the tick floor (more
  // would crowd them); the top margin grows with the type; a legend over the plot goes to the
  // figure's top edge, above the titles.
  const TOP = {'legend.y': 1, 'legend.yref': 'container', 'legend.yanchor': 'top'};
  const grow = (size, kind, path) => {
    if (kind === 'top') return TOP[path];
    if (kind === 'room') return Math.round(size * TYPE.scale);
    if (kind === 'steps') return Math.max(size, TYPE.tick);
    return Math.round(Math.max(size * TYPE.scale, kind === 'title' ? TYPE.title : TYPE.tick));
  };
  // The figure's own sizes and the state applied travel with its layout object: Streamlit may
  // redraw a chart with that object (sizes already grown), or with a fresh one from the server.
  const fit = gd => {
    const L = gd.layout;
    if (!gd._fullLayout || !L || gd.appBusy) return;
    if (!L.appBase) {
      L.appBase = fonts(gd._fullLayout).map(([path, kind]) =>
        [path, kind, get(gd._fullLayout, path)]).filter(([, , v]) => v !== undefined && v !== '');
      L.appKey = null;
    }
    const ways = L.meta && L.meta.arrangements;
    const way = ways ? (window.innerWidth < L.meta.narrow_below ? 'narrow' : 'wide') : '';
    const big = projector();
    const key = `${way}|${big}`;
    if (L.appKey === key) return;
    const patch = ways ? structuredClone(ways[way]) : {};
    const whole = Array.isArray(patch.annotations);
    for (const [path, kind, size] of L.appBase) {
      if (whole && path.startsWith('annotations[')) continue;
      if (path in patch) {  // the arrangement's own value, grown as the figure's would be
        if (big && typeof patch[path] === 'number') patch[path] = grow(patch[path], kind, path);
        continue;
      }
      patch[path] = big ? grow(size, kind, path) : size;
    }
    if (whole && big) {
      const base = gd._fullLayout.font.size;
      patch.annotations.forEach(a => {
        const size = grow((a.font && a.font.size) || base, a.name === 'title' ? 'title' : 'text');
        a.font = Object.assign({}, a.font, {size});
      });
    }
    // Nothing to change (the default view of a figure with one arrangement): no relayout, so
    // a chart a visitor clicks or selects on is never redrawn under the pointer.
    const moves = Object.keys(patch)
      .some(p => p === 'annotations' || get(gd._fullLayout, p) !== patch[p]);
    if (!moves) { L.appKey = key; return; }
    gd.appBusy = true;
    Promise.resolve(window.Plotly.relayout(gd, patch))
      .then(() => { gd.layout.appBase = L.appBase; gd.layout.appKey = key; })
      .catch(() => {})
      .finally(() => { gd.appBusy = false; });
  };
  const every = () => {
    if (!window.Plotly || document.hidden) return;
    document.querySelectorAll('.js-plotly-plot').forEach(fit);
  };
  setInterval(every, 300);
  window.addEventListener('resize', every);
})();
</script>"""


def keep_view() -> None:
    """The switch was flipped: the session's record follows it."""
    st.session_state[VIEW_STATE] = st.session_state[VIEW_KEY]


def view_ui() -> bool:
    """The sidebar's "Projector view" switch, kept in every page's link as ``view=projector``.

    Called by the entry point on every run, so the switch (and its state) stays through the
    pages; the URL is read on the session's first run and written on every run, so the link
    keeps it after a change of page (Streamlit drops a page's parameters when it leaves it).
    Returns whether the projector view is on.
    """
    values = read_url_once("app", [VIEW])
    if values is not None:
        st.session_state[VIEW_STATE] = values[VIEW.name] == PROJECTOR
    # The switch shows the session's own record: a widget's state can be dropped on a change of
    # page (seen on a freshly started server), a plain session key is not.
    st.session_state[VIEW_KEY] = st.session_state.get(VIEW_STATE, False)
    on = st.sidebar.toggle(
        "Projector view",
        key=VIEW_KEY,
        on_change=keep_view,
        help="Large type and charts that fill the screen, for a lecture hall; the sidebar "
        "folds away (open it again with the arrow at the top left). The link keeps it.",
    )
    write_url({VIEW.name: PROJECTOR if on else None}, [VIEW])
    st.set_page_config(initial_sidebar_state="collapsed" if on else "auto")
    st.html(FRAME_CSS + (PROJECTOR_CSS if on else ""))
    with st.sidebar:
        st.html(CHARTS_JS % {"type": json.dumps(projector_type())}, unsafe_allow_javascript=True)
        link_notes_ui("app", {VIEW.name: PROJECTOR if on else None})
    return on


def navigation() -> st.navigation:
    """The app's navigation: the three pages, in order, with titles and icons."""
    pages = [
        st.Page(str(ROOT / p.script), title=p.title, icon=p.icon, default=p.default) for p in PAGES
    ]
    return st.navigation(pages)


def _pages_manager():
    from streamlit.runtime.pages_manager import PagesManager

    return PagesManager


def ensure_app_navigation() -> None:
    """Run the app's entry point when Streamlit ran a page on its own.

    A fresh server whose first request is a page URL (``/vgg16_filters``) runs that page in
    Streamlit's legacy ``pages/`` mode: ``streamlit_app.py`` never runs, so the navigation
    lists every file in ``pages/`` and the layout is narrow, for every visitor, until someone
    opens "/". This switches the legacy mode off and reruns: the rerun goes through
    ``streamlit_app.py`` and lands on the same page (its URL is its file name).
    """
    manager = _pages_manager()
    if manager.uses_pages_directory:
        manager.uses_pages_directory = False
        st.rerun()


KERAS_RESET_ENV = "KERAS_RESET_AFTER_EACH_RUN"


def skip_keras_reset() -> bool:
    """Stop Streamlit from resetting Keras after every script run of every session.

    Streamlit calls ``keras.backend.clear_session()`` at the end of each run whenever Keras is
    loaded (TensorFlow loads it): a full garbage collection, about 0.2 s holding the GIL, per
    rerun and per session, which starves a lecture hall. This app builds its Keras models once
    per process and keeps them, so there is nothing to reset. Streamlit's hook also closes
    matplotlib figures; the replacement keeps that part. ``bench/bench_reruns.py`` measures
    what it saves (``KERAS_RESET_AFTER_EACH_RUN=1`` keeps Streamlit's hook, for that
    comparison). Checked against Streamlit 1.67.

    Returns:
        Whether the hook was found and replaced (a test fails if Streamlit renames it).
    """
    if os.environ.get(KERAS_RESET_ENV) == "1":
        return False
    from streamlit.runtime.scriptrunner import script_runner

    if not callable(getattr(script_runner, "_clean_problem_modules", None)):
        return False
    script_runner._clean_problem_modules = close_matplotlib_figures
    return True


def close_matplotlib_figures() -> None:
    """The part of Streamlit's per-run cleanup this app keeps: close pyplot's figures."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


PHONE_HINTS = ("Mobi", "Android", "iPhone")


def on_a_phone() -> bool:
    """Whether the browser says it is a phone (its User-Agent), to lay charts out for it."""
    try:
        agent = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # no request behind this run (a test): a wide screen
        return False
    return any(hint in agent for hint in PHONE_HINTS)


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameters
M_ARENA_MAX = -8
MALLOC_ARENAS = 2
MMAP_THRESHOLD_BYTES = 16 * 2**20
# GLIBC_MALLOC_DEFAULTS=1 leaves glibc's malloc as it is (bench/bench_memory.py compares).
MALLOC_DEFAULTS_ENV = "GLIBC_MALLOC_DEFAULTS"


def configure_malloc(
    arenas: int = MALLOC_ARENAS, mmap_threshold: int = MMAP_THRESHOLD_BYTES
) -> bool:
    """Make glibc's malloc give memory back: few heaps, and large blocks mapped on their own.

    Each Streamlit session runs its script in a thread of its own, and glibc gives threads that
    allocate at once their own heap (up to 8 per core), each keeping what it once held. Blocks
    from ``mmap_threshold`` up (a batch's activations, a picture's maps) are mapped and unmapped
    one by one, so they never strand free space inside a heap (glibc's default threshold rises
    up to 32 MB as such blocks are freed, after which they stay in the heap). A lower threshold
    would give back more but slows renders down: every mapped block is faulted in afresh. The
    load test measures the memory. ``MALLOC_ARENA_MAX`` and ``MALLOC_MMAP_THRESHOLD_``
    would do the same before the process starts; a Cloud app cannot set them. Elsewhere than
    glibc (macOS, Windows) nothing is done.

    Returns:
        Whether both settings were made.
    """
    if os.environ.get(MALLOC_DEFAULTS_ENV) == "1":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas)) & bool(
        libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold)
    )


def return_freed_memory() -> bool:
    """Hand the heap's free pages back to the system (glibc), after a large piece of work."""
    if os.environ.get(MALLOC_DEFAULTS_ENV) == "1":
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0))
    except (OSError, AttributeError):
        return False
