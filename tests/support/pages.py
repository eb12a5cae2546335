"""Page tests with AppTest: the address a browser would show after a run.

Streamlit's widgets bound to the URL (``bind="query-params"``) are written into the address
bar by the browser as they change; AppTest has no browser, so its ``query_params`` hold only
what the page wrote itself. ``address`` adds what the bound widgets hold, as the browser would
(the browser tests check that the real address bar does the same).
"""

from __future__ import annotations

from collections.abc import Sequence

from streamlit.testing.v1 import AppTest

from ui.link import Param, query_of


def address(at: AppTest, params: Sequence[Param]) -> dict[str, str]:
    """The URL parameters after ``at``'s last run: the page's own and its bound widgets'."""
    bound = [p for p in params if p.bound]
    values = {p.name: at.session_state[p.name] for p in bound if p.name in at.session_state}
    written = {k: v for k, v in dict(at.query_params).items() if k not in values}
    return written | query_of(values, bound)
