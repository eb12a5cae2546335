"""Which network answers on "Text over a colour": this session's, the link's, or retrained.

The base network is the one trained on "Train the MLP" in this session; failing that, the one
the link's settings describe (the cached trainer trains it once per server); failing that, the
document's run. Retraining on the person's labels goes through the same cache, so a reload of
a link that names a retrained network gets it back at once.
"""

from __future__ import annotations

import streamlit as st

from core.colour.labels import Label, teaching_set
from core.colour.link import PageLink
from core.mlp import MLP, TrainingSettings, TrainResult
from core.mlp.data import training_set
from core.mlp.diagnosis import measure, one_answer
from ui.colour.state import (
    NETWORK_CHOICE,
    Retrained,
    decline,
    declined,
    follow_retrain,
    keep_retrained,
    link_settings,
    retrained,
    show_network,
    trained_settings,
)
from ui.training import LESSON, session_network, train_cached


def _train_with_progress(settings: TrainingSettings, X=None, y=None, what: str = "") -> TrainResult:
    bar = st.progress(0.0, text=f"Training {what}: {settings.describe()}")

    def report(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Training {what}: iteration {done:,} of {total:,}")

    try:
        return train_cached(settings, X, y, progress=report)
    finally:
        bar.empty()


def base_network() -> tuple[TrainResult, TrainingSettings, str]:
    """The network this page starts from, its settings, and a sentence naming it."""
    from_link, trained, swapped = link_settings(), trained_settings(), declined()
    if trained is None and from_link is not None:
        result = _train_with_progress(from_link, what="the link's network")
        return result, from_link, f"the network of this link ({from_link.describe()})"
    if trained is not None and trained == swapped:
        trained = None  # the person chose the lesson's network over this one
    with st.spinner("Training the document's network (once; every session shares it)..."):
        result, settings, from_session = (
            session_network() if trained is not None else (train_cached(LESSON), LESSON, False)
        )
    if from_session:
        return (
            result,
            settings,
            f'the network you trained on "Train the MLP" ({settings.describe()})',
        )
    if swapped is not None:
        name = (
            f"the document's default run ({settings.describe()}), in place of a network that "
            "did not learn"
        )
    else:
        name = (
            f"the document's default run ({settings.describe()}); train your own on "
            '"Train the MLP" and this page uses it'
        )
    return result, settings, name


def unlearned_ui(result: TrainResult, settings: TrainingSettings) -> None:
    """Say plainly when the base network never learned the document's colours, and offer the
    lesson's network instead (one button)."""
    if settings == LESSON:
        return
    X, y = training_set()
    facts = measure(result, X, y)
    if facts.learned:
        return
    right = f"It gets {facts.right} of the document's {facts.total} training colours right"
    if facts.same_answer:
        right += f" and gives every one {one_answer(facts)}"
    st.warning(
        f"**This network never learned the colours.** {right}. Its answers on this page are "
        "those of a network that did not learn, not the lesson's.",
        icon=":material/error:",
    )
    st.button(
        "Use the lesson's network",
        key="colour_use_lesson",
        on_click=decline,
        args=(settings,),
        icon=":material/school:",
        type="primary",
        help=f"The document's run: {LESSON.describe()}.",
    )


def train_on_labels(
    settings: TrainingSettings, labels: list[Label], include_document: bool
) -> TrainResult:
    """Train afresh on the labels (and the document's 10 colours), with a progress bar.

    Raises:
        ValueError: when there is nothing to train on.
    """
    X, y = teaching_set(labels, include_document)
    return _train_with_progress(settings, X, y, what=f"on {len(y)} colours")


def retrain(settings: TrainingSettings, labels: list[Label], include_document: bool) -> Retrained:
    """Train afresh on the labels with the base network's settings; keep and return it.

    Raises:
        ValueError: when there is nothing to train on.
    """
    stored = retrained()
    if stored is not None and stored.learned_from(settings, labels, include_document):
        return stored
    result = train_on_labels(settings, labels, include_document)
    stored = Retrained(result, settings, tuple(labels), include_document)
    keep_retrained(stored)
    return stored


def restore_retrained(settings: TrainingSettings, link: PageLink) -> None:
    """Bring back the retrained network a link names (it learned the first labels)."""
    if link.retrained <= 0:
        return
    retrain(settings, list(link.labels[: link.retrained]), link.retrained_doc)
    show_network("base" if link.show_base else "retrained")


def describe_retrained(stored: Retrained) -> str:
    n = len(stored.labels)
    extra = " and the document's 10 colours" if stored.include_document else ""
    return f"retrained on your {n} label{'s' * (n != 1)}{extra}, {stored.settings.describe()}"


def choose_network(base: TrainResult, base_name: str) -> MLP:
    """Say which network answers on this page, let the person switch, and return it."""
    stored = retrained()
    if stored is None:
        st.info(f"Network on this page: {base_name}.", icon=":material/neurology:")
        return base.network()
    follow_retrain()
    choice = st.radio(
        "Network on this page",
        ["base", "retrained"],
        format_func=lambda c: "The base network" if c == "base" else "Retrained on your labels",
        horizontal=True,
        key=NETWORK_CHOICE,
    )
    if choice == "retrained":
        st.info(f"Network on this page: {describe_retrained(stored)}.", icon=":material/school:")
        return stored.result.network()
    st.info(f"Network on this page: {base_name}.", icon=":material/neurology:")
    return base.network()
