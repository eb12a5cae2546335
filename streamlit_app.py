"""Entry point: page config and navigation, nothing else.

Each page's URL is its file name (/text_over_colour, /vgg16_filters): Streamlit resolves the
first request of a fresh server through the pages/ folder, so any other url_path would greet
the first visitor of a shared link with "Page not found".
"""

import streamlit as st

st.set_page_config(
    page_title="How neural networks learn", page_icon=":material/neurology:", layout="wide"
)

pages = [
    st.Page(
        "pages/train_mlp.py",
        title="Train the MLP",
        icon=":material/model_training:",
        default=True,
    ),
    st.Page(
        "pages/text_over_colour.py",
        title="Text over a colour",
        icon=":material/palette:",
    ),
    st.Page(
        "pages/vgg16_filters.py",
        title="VGG16 filters",
        icon=":material/grid_view:",
    ),
]
st.navigation(pages).run()
