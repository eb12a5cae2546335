"""The science behind the dashboard: plain Python, NumPy, TensorFlow and Pillow, no Streamlit."""
