"""The lesson's matrices as LaTeX, for ``st.latex`` beside the numbers they hold."""

import numpy as np


def latex_matrix(M: np.ndarray, digits: int = 4) -> str:
    """A matrix as a LaTeX bmatrix with `digits` decimals."""
    M = np.atleast_2d(M)
    rows = [" & ".join(f"{v:.{digits}f}" for v in row) for row in M]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
