"""VGG16 filters page: its session state, with one owner.

Every key the topic keeps in ``st.session_state`` is named here, widgets' and charts' keys
included: the code that draws a widget and the code that reads it back both take the key from
here, so a renamed key cannot break a page at run time. The records kept are frozen dataclasses
(``Asked``); the small functions below read and change them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

import streamlit as st

from core.filters.settings import GridSettings

# The URL-bound controls: their keys are the URL's parameter names (``ui.link`` binds them).
LAYER, N, M, INDICES, SAMPLE, STEPS, STEP, SIZE = (
    "layer",
    "n",
    "M",
    "filters",
    "sample",
    "steps",
    "step",
    "size",
)
# The worded controls (``ui.link`` writes them to the URL).
METHOD = "filters_method"
SELECTION = "filters_selection"
WEIGHTS = "filters_weights"
WEIGHTS_FILE = "filters_weights_file"
RENDER = "filters_render"  # the Render grid button
ASKED = "filters_asked"  # the render a button press asked for (``Asked``)
DRAWN = "filters_drawn"  # a grid was drawn in this session: the controls changed since
VISITOR = "filters_visitor"  # this session's id in the render queue
# The comparison tabs: the settings each was asked for (its button's key adds "_button").
METHODS_TAB, LAYERS_TAB, TRAINED_TAB = "filters_methods", "filters_layers", "filters_trained"
# The picture tab.
PIC_SOURCE = "filters_pic_source"
PIC_UPLOADS = "filters_pic_uploads"  # files refused so far: the uploader's key counts them
PIC_REFUSED = "filters_pic_refused"  # why the last upload was refused, said once
DREAM_RESULT = "filters_dream_result"
# The convolution by the numbers.
NUMBERS_FOR = "convnumbers_for"  # the picture the cell below belongs to
NUMBERS_FILTER = "convnumbers_filter"
NUMBERS_ROW = "convnumbers_row"
NUMBERS_COL = "convnumbers_col"
NUMBERS_CLICKS = "convnumbers_clicks"  # each chart's last click applied
NUMBERS_PHOTO, NUMBERS_MAP, NUMBERS_KERNELS = (
    "convnumbers_photo",
    "convnumbers_map",
    "convnumbers_kernels",
)


@dataclass(frozen=True)
class Asked:
    """The render being followed: the button press (``place``) that asked for ``settings``,
    and the grids (by key) whose render it already started once."""

    place: str
    settings: GridSettings
    tried: frozenset[str] = frozenset()


def get(key: str, default: Any = None) -> Any:
    """The value kept under ``key`` (one of this module's names), or ``default``."""
    return st.session_state.get(key, default)


def put(key: str, value: Any) -> None:
    """Keep ``value`` under ``key`` (one of this module's names)."""
    st.session_state[key] = value


def update(values: dict[str, Any]) -> None:
    """Keep every value of ``values`` under its key."""
    st.session_state.update(values)


def pop(key: str) -> Any:
    """The value under ``key``, forgotten (None when there was none)."""
    return st.session_state.pop(key, None)


def has(key: str) -> bool:
    return key in st.session_state


def visitor() -> str:
    """This session's id in the render queue (one render per visitor)."""
    return st.session_state.setdefault(VISITOR, uuid.uuid4().hex)


def ask(place: str, settings: GridSettings) -> None:
    """A button of ``place`` was pressed for ``settings``: its renders may start (once each)."""
    put(ASKED, Asked(place, settings))


def may_start(place: str, settings: GridSettings, key: str) -> bool:
    """Whether ``place``'s last press asked for ``settings`` and ``key`` was not tried yet."""
    asked = get(ASKED)
    return (
        asked is not None
        and asked.place == place
        and asked.settings == settings
        and key not in asked.tried
    )


def tried(key: str) -> None:
    """The render of the grid ``key`` was started for the last press: never again for it."""
    asked = get(ASKED)
    put(ASKED, replace(asked, tried=asked.tried | {key}))


# Keys of what a grid draws: ``place`` names where on the page (one grid may appear in several
# tabs), ``key`` the grid itself (its settings and weights).
def grid_box_key(place: str, key: str) -> str:
    return f"filters_box_{place}_{key}"


def grid_chart_key(place: str, key: str) -> str:
    return f"filters_grid_{place}_{key}"


def tile_key(key: str) -> str:
    """The tile picker of the grid ``key``: a choice on one grid never carries to another."""
    return f"filters_tile_{key}"


def click_key(key: str) -> str:
    """The last click on the grid ``key`` applied to its tile picker."""
    return f"filters_click_{key}"


def download_key(key: str) -> str:
    return f"filters_download_{key}"


def selected_points(chart_key: str) -> list[dict]:
    """The points selected on the chart drawn under ``chart_key`` (none: [])."""
    return (get(chart_key) or {}).get("selection", {}).get("points", [])


def new_click(chart_key: str, point: Any) -> bool:
    """Whether ``point`` is a new click on ``chart_key`` (a chart keeps its selection across
    reruns: each click is applied once); remembers it."""
    clicks = st.session_state.setdefault(NUMBERS_CLICKS, {})
    if point is None or clicks.get(chart_key) == point:
        return False
    clicks[chart_key] = point
    return True


def upload_key() -> str:
    """The uploader's key: a new one after a refused file, so that it never lingers there."""
    refused = get(PIC_UPLOADS, 0)
    return "filters_pic_upload" if refused == 0 else f"filters_pic_upload_{refused}"


def refuse_upload(why: str) -> None:
    """Say ``why`` once, with a fresh (empty) uploader."""
    update({PIC_REFUSED: why, PIC_UPLOADS: get(PIC_UPLOADS, 0) + 1})
