"""Entry point: page config and navigation, nothing else."""

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
        url_path="colour",
    ),
    st.Page(
        "pages/vgg16_filters.py",
        title="VGG16 filters",
        icon=":material/grid_view:",
        url_path="filters",
    ),
]
st.navigation(pages).run()
