"""Train the MLP: the lesson's network learning black-or-white text, replayed, stepped, compared."""

import streamlit as st

from ui.app import ensure_app_navigation
from ui.train.compare import compare_ui
from ui.train.controls import (
    controls_ui,
    preset_line,
    read_url,
    train_with_progress,
    url_notes_ui,
    write,
)
from ui.train.export import export_ui
from ui.train.landscape import landscape_ui
from ui.train.replay import replay_ui
from ui.train.state import TAB
from ui.train.step import step_position, step_ui
from ui.train.views import intro, metrics_ui, predictions_ui, sweep_ui, weights_ui
from ui.training import remember_trained

ensure_app_navigation()  # a deep link on a fresh server still gets the app's navigation

st.title("Train the MLP")
read_url()
settings = controls_ui()
intro(settings)
note = st.empty()  # the preset's note, above the link notes, once the run is there to measure
url_notes_ui(settings)

try:
    result = train_with_progress(settings)
except ValueError as error:  # settings come from the widgets, so this is a guard, not a path
    st.error(f"Could not train with these settings: {error}")
    st.stop()
if line := preset_line(settings, result):
    note.info(line, icon=":material/visibility:")
remember_trained(result, settings)
metrics_ui(result, settings)

# Each tab runs only while it is open (Streamlit reruns on a tab change): a student on the
# "Replay" tab costs the server nothing for the sweep or the exports.
TAB_VIEWS = {
    "Replay": lambda: replay_ui(result, settings),
    "Step by step": lambda: step_ui(result, settings),
    "Compare runs": lambda: compare_ui(result, settings),
    "Landscape": lambda: landscape_ui(result, settings),
    "Weights": lambda: weights_ui(result, settings),
    "Predictions": lambda: predictions_ui(result, settings),
    "Learning-rate sweep": lambda: sweep_ui(settings),
    "Export": lambda: export_ui(result, settings),
}
tabs = st.tabs(list(TAB_VIEWS), key=TAB, on_change="rerun")
for tab, view in zip(tabs, TAB_VIEWS.values(), strict=True):
    if tab.open:
        with tab:
            view()
write(settings, step_position(settings))
