"""Streamlit glue shared by the pages; kept out of pages/ so Streamlit never serves it as a page."""
