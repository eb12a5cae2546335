"""Teaching the network on "Text over a colour": label colours, pool CSVs, retrain, compare."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.colour.data import to_hex
from core.colour.labels import MAX_BYTES, Label, labels_to_csv, teach_colour
from core.colour.palette import network_text
from core.colour.plots import label_shift_figure
from core.colour.retraining import retrain_change, unmatched_note
from core.mlp import TrainingSettings, TrainResult
from ui.colour.network import describe_retrained, retrain
from ui.colour.state import (
    DOC,
    keep_retrain_error,
    last_upload,
    on_teach,
    on_undo,
    on_upload,
    retrain_error,
    retrained,
    teach_position,
    upload_key,
)
from ui.colour.views import CHART_CONFIG, text_box, text_colour_hex

# The uploader's own limit (Streamlit counts megabytes of 1,000,000 bytes outside Windows), so
# the "Limit … per file" it shows is the limit the page keeps.
UPLOAD_LIMIT_MB = max(1, MAX_BYTES // 1_000_000)
TEACH_SAMPLE = "Can you read this easily? The quick brown fox jumps over the lazy dog."


def teach_ui() -> None:
    """Show the next colour twice and record which text the person reads more easily."""
    seed, index = teach_position()
    colour = to_hex(teach_colour(seed, index))
    st.markdown(f"**Colour {index + 1}: {colour}.** Which reads more easily?")
    for column, text in zip(st.columns(2), ("black", "white"), strict=True):
        with column:
            box = text_box(colour, text, [(17, TEACH_SAMPLE)], picked=False)
            st.markdown(box, unsafe_allow_html=True)
            st.button(
                f"{text.capitalize()} reads better",
                key=f"colour_teach_{text}",
                on_click=on_teach,
                args=(text,),
                icon=":material/thumb_up:",
                width="stretch",
                type="primary",
            )
    st.button(
        "Skip this colour",
        key="colour_teach_skip",
        on_click=on_teach,
        args=(None,),
        icon=":material/skip_next:",
    )


def labels_table_ui(labels: list[Label]) -> None:
    """How many labels, and the labels themselves, each row painted in its colour and text."""
    whites = sum(label.text == "white" for label in labels)
    st.markdown(f"**Your labels: {len(labels)}** ({whites} white, {len(labels) - whites} black)")
    if not labels:
        st.caption("No labels yet: click the text you read more easily, or upload a CSV.")
        return
    table = pd.DataFrame(
        {"colour": [label.colour for label in labels], "text": [label.text for label in labels]}
    )
    table.index = pd.RangeIndex(1, len(table) + 1)

    def paint(row: pd.Series) -> list[str]:
        css = f"background-color:{row['colour']};color:{text_colour_hex(row['text'])}"
        return [css] * len(row)

    st.dataframe(
        table.style.apply(paint, axis=1),
        height=min(36 * len(table) + 40, 320),
        width=360,
        key="colour_labels_table",
    )


def labels_io_ui(labels: list[Label]) -> None:
    """Download and upload labels as CSV, so a class can pool them; undo the last one."""
    st.download_button(
        "Download labels (CSV)",
        labels_to_csv(labels),
        "colour-labels.csv",
        "text/csv",
        disabled=not labels,
        icon=":material/download:",
        key="colour_labels_csv",
    )
    st.button(
        "Undo last label",
        on_click=on_undo,
        disabled=not labels,
        key="colour_undo",
        icon=":material/undo:",
    )
    key = upload_key()
    st.file_uploader(
        "Add labels from a CSV (columns colour,text)",
        type=["csv"],
        key=key,
        max_upload_size=UPLOAD_LIMIT_MB,
        on_change=on_upload,
        args=(key,),
        help='A colour with commas must be quoted: "rgb(0, 0, 0)",white',
    )
    message = last_upload()
    if message is not None:
        kind, text = message
        {"error": st.error, "warning": st.warning}.get(kind, st.success)(text)


def retrain_ui(settings: TrainingSettings, labels: list[Label]) -> None:
    """Retrain on the labels with the base network's settings."""
    include_document = st.checkbox(
        "Also train on the document's 10 colours", True, key=DOC, bind="query-params"
    )
    st.caption(f"Training settings (the base network's): {settings.describe()}.")
    if st.button(
        f"Retrain on {len(labels)} label{'s' * (len(labels) != 1)}",
        type="primary",
        disabled=not labels,
        key="colour_retrain",
        icon=":material/model_training:",
    ):
        try:
            retrain(settings, labels, include_document)
            keep_retrain_error(None)
        except ValueError as error:
            keep_retrain_error(str(error))
        st.rerun()
    error = retrain_error()
    if error:
        st.error(f"Could not retrain: {error}")


def change_ui(base: TrainResult, background: str, labels_now: list[Label]) -> None:
    """Before and after retraining: the pick here, the agreement rate, the fit to the labels."""
    stored = retrained()
    if stored is None:
        return
    st.subheader("What retraining changed")
    st.caption(f"After: {describe_retrained(stored)}.")
    labels = list(stored.labels)
    if labels != labels_now:
        st.caption("Your labels have changed since; retrain to include the changes.")
    change = retrain_change(
        base.network().forward, stored.result.network().forward, background, labels
    )
    before, after = network_text(change.p_before), network_text(change.p_after)
    columns = st.columns(3)
    columns[0].metric(
        f"Pick for {background}",
        f"{after} ({change.p_after:.2f})",
        f"{change.p_after - change.p_before:+.2f} P(white), was {before}",
        delta_color="off",
    )
    a_before, a_after = change.agreement_before, change.agreement_after
    columns[1].metric(
        "Agreement with WCAG", f"{a_after:.1%}", f"{a_after - a_before:+.1%}", delta_color="off"
    )
    columns[2].metric(
        "Your labels the network matches",
        f"{change.matched_after} of {len(labels)}",
        f"{change.matched_after - change.matched_before:+d} (was {change.matched_before})",
    )
    colours = [label.colour for label in labels]
    figure = label_shift_figure(colours, change.targets, change.fit_before, change.fit_after)
    note = unmatched_note(change, colours, stored.include_document)
    if note:
        st.warning(note, icon=":material/lightbulb:")
    st.plotly_chart(figure, key="colour_shift_chart", config=CHART_CONFIG)
