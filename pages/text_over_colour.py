import streamlit as st

st.title('text_over_colour')
