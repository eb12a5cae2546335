import streamlit as st

st.title("vgg16_filters")
