"""Downloads of a run: error history (CSV), weights (JSON), Keras model, NumPy script."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.mlp import TrainingSettings, TrainResult
from core.mlp.data import training_set
from core.mlp.error import ERROR_TEXT, from_sum
from core.mlp.export import keras_bytes, numpy_script, weights_json

SCRIPT_NAME = "train_mlp_run.py"


def run_script(settings: TrainingSettings) -> str:
    X, y = training_set()
    return numpy_script(X, y, settings, file_name=SCRIPT_NAME)


def export_ui(result: TrainResult, settings: TrainingSettings) -> None:
    """Four download buttons; the Keras file is built only when its button is pressed."""
    st.markdown(
        "Take the run with you: the error history and weights for a spreadsheet, the trained "
        "network as a **Keras** model (`keras.models.load_model`), or a **NumPy-only script** "
        f"that repeats this run from its settings and prints its final error "
        f"(**{from_sum(result.final_loss):.6e}** here). Every error here is the page's "
        f"Error_total = {ERROR_TEXT}."
    )
    history = pd.DataFrame(
        {"iteration": np.arange(len(result.losses)), "error": from_sum(result.losses)}
    )
    a, b = st.columns(2)
    a.download_button(
        "Download the error history (CSV)",
        history.to_csv(index=False),
        "mlp_error_history.csv",
        "text/csv",
        width="stretch",
        key="train_download_csv",
    )
    b.download_button(
        "Download the final weights (JSON)",
        weights_json(result, settings.as_dict()),
        "mlp_weights.json",
        "application/json",
        width="stretch",
        key="train_download_json",
    )
    c, d = st.columns(2)
    c.download_button(
        "Download the trained model (.keras)",
        lambda: keras_bytes(result.layers, result.weights, result.activation),
        "mlp_" + settings.network_name.replace(" ", "_") + ".keras",
        "application/octet-stream",
        width="stretch",
        key="train_download_keras",
    )
    d.download_button(
        "Download a NumPy script of this run (.py)",
        run_script(settings),
        SCRIPT_NAME,
        "text/x-python",
        width="stretch",
        key="train_download_script",
    )
    with st.expander("The script"):
        st.code(run_script(settings), language="python")
