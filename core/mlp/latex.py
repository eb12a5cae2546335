"""The lesson's matrices as LaTeX, for ``st.latex`` beside the numbers they hold."""

import numpy as np


def latex_matrix(M: np.ndarray, digits: int = 4) -> str:
    """A matrix as a LaTeX bmatrix with `digits` decimals."""
    M = np.atleast_2d(M)
    rows = [" & ".join(f"{v:.{digits}f}" for v in row) for row in M]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def error_latex(L: int) -> str:
    r"""The lesson's error over the output layer ``L``: ``Error_{total} = \tfrac12\sum(A_L - y)^2``.

    The one definition of ``core.mlp.error``, as ``st.latex`` writes it beside its number.
    """
    return rf"Error_{{total}} = \tfrac{{1}}{{2}}\sum (A_{L} - y)^2"


def output_delta_latex(L: int) -> str:
    """The output layer's delta: the gradient of ``error_latex(L)`` with respect to Z_L."""
    return (
        rf"\delta_{L} = \frac{{\partial Error_{{total}}}}{{\partial Z_{L}}} = "
        rf"(A_{L} - y)\odot A_{L}\odot(1 - A_{L})"
    )
