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
from ui.training import LESSON, TRAINED_KEY, session_network, train_cached

# The settings of a network that never learned, which the person swapped for the lesson's.
DECLINED_KEY = "colour_declined"


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
    link_settings = st.session_state.get("colour_link_settings")
    trained = st.session_state.get(TRAINED_KEY)
    declined = st.session_state.get(DECLINED_KEY)
    if trained is None and link_settings is not None:
        result = _train_with_progress(link_settings, what="the link's network")
        return result, link_settings, f"the network of this link ({link_settings.describe()})"
    if trained is not None and trained["settings"] == declined:
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
    if declined is not None:
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


def use_lesson(settings: TrainingSettings) -> None:
    """Swap a network that never learned for the lesson's (a button's callback)."""
    st.session_state[DECLINED_KEY] = settings
    st.session_state.colour_link_settings = None
    st.session_state.colour_retrained = None  # it was trained with the settings that failed
    st.session_state.pop("colour_network_choice", None)


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
        on_click=use_lesson,
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


def retrain(settings: TrainingSettings, labels: list[Label], include_document: bool) -> None:
    """Train afresh on the labels with the base network's settings; keep the result.

    Raises:
        ValueError: when there is nothing to train on.
    """
    stored = st.session_state.colour_retrained
    if stored is not None and stored["key"] == (settings, tuple(labels), include_document):
        return
    result = train_on_labels(settings, labels, include_document)
    st.session_state.colour_retrained = {
        "key": (settings, tuple(labels), include_document),
        "result": result,
        "settings": settings,
        "labels": list(labels),
        "include_document": include_document,
    }
    st.session_state.colour_show_retrained = True  # switch the network choice on the next run


def restore_retrained(settings: TrainingSettings, link: PageLink) -> None:
    """Bring back the retrained network a link names (it learned the first labels)."""
    if link.retrained <= 0:
        return
    retrain(settings, list(link.labels[: link.retrained]), link.retrained_doc)
    st.session_state.pop("colour_show_retrained", None)
    st.session_state.colour_network_choice = "base" if link.show_base else "retrained"


def describe_retrained(stored: dict) -> str:
    n = len(stored["labels"])
    extra = " and the document's 10 colours" if stored["include_document"] else ""
    return f"retrained on your {n} label{'s' * (n != 1)}{extra}, {stored['settings'].describe()}"


def choose_network(base: TrainResult, base_name: str) -> MLP:
    """Say which network answers on this page, let the person switch, and return it."""
    stored = st.session_state.colour_retrained
    if stored is None:
        st.info(f"Network on this page: {base_name}.", icon=":material/neurology:")
        return base.network()
    if st.session_state.pop("colour_show_retrained", False):
        st.session_state.colour_network_choice = "retrained"
    choice = st.radio(
        "Network on this page",
        ["base", "retrained"],
        format_func=lambda c: "The base network" if c == "base" else "Retrained on your labels",
        horizontal=True,
        key="colour_network_choice",
    )
    if choice == "retrained":
        st.info(f"Network on this page: {describe_retrained(stored)}.", icon=":material/school:")
        return stored["result"].network()
    st.info(f"Network on this page: {base_name}.", icon=":material/neurology:")
    return base.network()
