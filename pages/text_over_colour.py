"""Text over a colour: the network's black-or-white choice, WCAG's, and teaching it your own."""

from __future__ import annotations

import streamlit as st

from core.colour.data import parse_colour
from core.colour.link import PageLink
from core.colour.palette import compare
from ui.app import ensure_app_navigation
from ui.colour.classroom import class_view, start_class_ui
from ui.colour.link import link_warnings, read_link, write_link
from ui.colour.network import base_network, choose_network, restore_retrained, unlearned_ui
from ui.colour.state import (
    KEEP,
    PICKER,
    TYPED,
    current_link,
    init_state,
    labels,
    on_pick,
    on_random_colour,
    on_type,
    picked_colour,
)
from ui.colour.teach import change_ui, labels_io_ui, labels_table_ui, retrain_ui, teach_ui
from ui.colour.views import agreement_ui, formulas_ui, palette_ui, preview_ui

ensure_app_navigation()  # a deep link on a fresh server still gets the app's navigation
if class_view():  # ?class=<code>: a student's voting view; with &key=, the lecturer's
    st.stop()

link = read_link()  # the session's first run: the URL's state; later runs: None
init_state(link or PageLink())
st.title("Text over a colour")
st.markdown(
    "The lesson's 3-5-2-1 network reads a background colour and answers one question: "
    "should text over it be **black or white**? Here you can ask it, judge the answer against "
    "the WCAG accessibility contrast rules, and teach it your own eye. The page's address "
    "keeps your colour, labels and network: reload it or share it."
)
start_class_ui()

base_result, base_settings, base_name = base_network()
if link is not None:
    restore_retrained(base_settings, link)
link_warnings(current_link(), base_settings)
network = choose_network(base_result, base_name)
unlearned_ui(base_result, base_settings)

st.header("Pick a background")
inputs = st.columns([1, 2, 1], vertical_alignment="bottom")
inputs[0].color_picker("Colour picker", key=PICKER, on_change=on_pick, **KEEP)
inputs[1].text_input(
    "Or type a colour: #aabbcc, navy, rgb(), hsl(), hwb(), lab(), oklch(), color()",
    key=TYPED,
    on_change=on_type,
    **KEEP,
)
inputs[2].button(
    "Random colour", on_click=on_random_colour, key="colour_random", icon=":material/casino:"
)
picked = picked_colour()
background = picked.background
if picked.error:
    st.error(f"{picked.error}. Still showing {background}.")
if picked.note:
    st.info(f"{picked.note}.", icon=":material/info:")

probability = float(compare(network.forward, [parse_colour(background)]).probability[0])
preview_ui(background, probability)
with st.expander("How WCAG computes the contrast ratio"):
    formulas_ui(background)

st.header("A palette")
st.markdown(
    "Each swatch carries text in the colour the network picks; a red dashed edge marks "
    "the swatches where WCAG would pick the other one."
)
palette_ui(network)
agreement_ui(network)

st.header("Teach it yourself")
st.markdown(
    "Each colour is shown twice, side by side: once with black text, once with white text. "
    "Click the one you read more easily, or skip the colour. Your labels stay "
    "in this page's address; download them as CSV and upload a classmate's file to pool them. "
    "Then retrain the network on them and see what changes."
)
teach_area, labels_area = st.columns([3, 2], gap="large")
with teach_area:
    teach_ui()
page_labels = labels()
with labels_area:
    labels_table_ui(page_labels)
    labels_io_ui(page_labels)
retrain_ui(base_settings, page_labels)
change_ui(base_result, background, page_labels)
write_link(current_link(), base_settings)
