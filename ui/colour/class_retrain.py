"""Retraining on a class's labels, on the projector: train, keep it for the phones, say what
changed.

What the projector says about a retrain comes from what the pool keeps (a ``ClassRetrain``, one
JSON document per session: the network before and after, the labels and settings it learned
from), never from this browser session alone: a reload of the lecturer's link, or a restarted
server, shows the same "What retraining changed". Everything here speaks of the class and shows
only the class's colours.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.colour.classroom import class_learning_rate
from core.colour.labels import Label
from core.colour.palette import agreement_colours, compare
from core.colour.plots import label_shift_figure
from core.colour.pool import ClassPool
from core.colour.pool_schema import LecturerKeyError
from core.colour.retraining import ClassRetrain, retrain_change, unmatched_note
from core.mlp import MLP, TrainingSettings, TrainResult
from ui.colour.network import train_on_labels
from ui.colour.state import CLASS_INCLUDE_DOCUMENT, KEEP
from ui.colour.views import CHART_CONFIG

WHOSE = "the class's"


def retrain_class_ui(
    pool: ClassPool, code: str, key: str, settings: TrainingSettings, base: TrainResult
) -> None:
    """Retrain on the pool (with or without the document's ten), then keep it for the phones."""
    st.header("Retrain on the class")
    include_document = st.checkbox(
        "Also train on the document's 10 colours", key=CLASS_INCLUDE_DOCUMENT, **KEEP
    )
    st.caption(
        f"Training settings (the base network's): {settings.describe()}; the learning rate is "
        "scaled by 10 / (number of colours), because the lesson's error is a sum over the "
        "colours: a class's hundreds of labels would otherwise take steps far too long."
    )
    if not st.button(
        "Retrain on the class's labels",
        type="primary",
        key="class_retrain",
        icon=":material/model_training:",
    ):
        return
    labels = [vote.label() for _, vote in pool.votes(code)]
    if not labels and not include_document:
        st.error("No labels yet: wait for the first votes, or include the document's colours.")
        return
    n_colours = len(labels) + 10 * include_document
    trained = replace(
        settings, learning_rate=class_learning_rate(settings.learning_rate, n_colours)
    )
    result = train_on_labels(trained, labels, include_document)
    retrained = ClassRetrain(
        network=result.network(),
        before=base.network(),
        labels=tuple(labels),
        n_labels=len(labels),
        include_document=include_document,
        settings=trained.describe(),
    )
    try:
        pool.save_network(code, key, retrained.payload())
    except LecturerKeyError:
        st.error("The lecturer key no longer matches; the class network was not saved.")
        return
    st.rerun()


def describe_class_retrain(retrained: ClassRetrain) -> str:
    """E.g. "retrained on the class's 55 labels and the document's 10 colours, <settings>"."""
    n = retrained.n_labels
    if n == 0:
        what = "retrained on the document's 10 colours alone (the class had no labels yet)"
    else:
        what = f"retrained on {WHOSE} {n} label{'s' * (n != 1)}"
        what += " and the document's 10 colours" if retrained.include_document else ""
    return f"{what}, {retrained.settings}" if retrained.settings else what


def class_change_ui(retrained: ClassRetrain, base: MLP, pool_labels: list[Label]) -> None:
    """Before and after the class's retrain: agreement with WCAG, the fit to the class's labels.

    Args:
        retrained: the retrain as the pool keeps it.
        base: the page's base network, the "before" of a retrain saved by an older version of
            the app (which kept the class network alone).
        pool_labels: the class's labels now, in the order they were cast.
    """
    st.subheader("What retraining changed")
    st.caption(f"After: {describe_class_retrain(retrained)}.")
    labels = retrained.labels
    if labels is None:  # saved before the pool kept them: the pool's first labels, as then
        labels = tuple(pool_labels[: retrained.n_labels])
    before = retrained.before or base
    if len(pool_labels) != len(labels) or tuple(pool_labels[: len(labels)]) != labels:
        n = len(pool_labels)
        st.caption(
            f"The class's labels have changed since: {n} label{'s' * (n != 1)} now. Retrain to "
            "include the changes."
        )
    if not labels:
        sample = agreement_colours()
        a_before = compare(before.forward, sample).agreement_rate
        a_after = compare(retrained.network.forward, sample).agreement_rate
        st.metric(
            "Agreement with WCAG", f"{a_after:.1%}", f"{a_after - a_before:+.1%}", delta_color="off"
        )
        return
    change = retrain_change(before.forward, retrained.network.forward, None, labels)
    a_before, a_after = change.agreement_before, change.agreement_after
    columns = st.columns(2)
    columns[0].metric(
        "Agreement with WCAG", f"{a_after:.1%}", f"{a_after - a_before:+.1%}", delta_color="off"
    )
    columns[1].metric(
        f"{WHOSE.capitalize()} labels the network matches",
        f"{change.matched_after} of {len(labels)}",
        f"{change.matched_after - change.matched_before:+d} (was {change.matched_before})",
    )
    colours = [label.colour for label in labels]
    note = unmatched_note(change, colours, retrained.include_document, whose=WHOSE)
    if note:
        st.warning(note, icon=":material/lightbulb:")
    figure = label_shift_figure(
        colours,
        change.targets,
        change.fit_before,
        change.fit_after,
        whose=WHOSE,
    )
    st.plotly_chart(figure, key="class_shift_chart", config=CHART_CONFIG)
