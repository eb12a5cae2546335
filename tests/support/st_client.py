"""A minimal Streamlit session client speaking the app's own websocket protocol.

A browser tab costs Chromium ~100 MB and a CPU-heavy React render; on a 2-core machine twenty
tabs would measure the browser, not the server. This client does what a tab does on the wire:
open `/_stcore/stream`, send a `rerun_script` BackMsg (page, query string, widget values), and
collect the ForwardMsgs until `script_finished`. It uses `websockets`, which Streamlit itself
depends on, so it adds no dependency.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ALERT_ERROR = 1
ALERT_WARNING = 2
FINISHED_NAMES = {0: "ok", 1: "compile error", 2: "stopped for rerun", 3: "fragment ok"}


@dataclass
class RunResult:
    """What one script run sent to the client."""

    status: str = "timeout"
    seconds: float = 0.0
    first_delta_s: float | None = None
    elements: dict[tuple, object] = field(default_factory=dict)  # delta path -> Element
    query_string: str | None = None
    page_not_found: bool = False
    auto_reruns: dict[str, float] = field(default_factory=dict)  # fragment id -> interval (s)

    def of_type(self, kind: str) -> list:
        return [e for e in self.elements.values() if e.WhichOneof("type") == kind]

    @property
    def exceptions(self) -> list[str]:
        return [f"{e.exception.type}: {e.exception.message}" for e in self.of_type("exception")]

    @property
    def errors(self) -> list[str]:
        return [e.alert.body for e in self.of_type("alert") if e.alert.format == ALERT_ERROR]

    @property
    def warnings(self) -> list[str]:
        return [e.alert.body for e in self.of_type("alert") if e.alert.format == ALERT_WARNING]

    @property
    def ok(self) -> bool:
        return (
            self.status == "ok"
            and not self.page_not_found
            and not self.exceptions
            and not self.errors
        )

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self.elements.values():
            kind = e.WhichOneof("type")
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def widget(self, label: str) -> tuple[str, object] | None:
        """(kind, proto) of the first widget whose label contains `label` (case-insensitive)."""
        for e in self.elements.values():
            kind = e.WhichOneof("type")
            proto = getattr(e, kind)
            if (
                hasattr(proto, "label")
                and getattr(proto, "id", "")
                and (label.lower() in proto.label.lower())
            ):
                return kind, proto
        return None

    def text(self) -> str:
        parts = []
        for e in self.elements.values():
            kind = e.WhichOneof("type")
            if kind in ("markdown", "heading"):
                parts.append(getattr(e, kind).body)
            elif kind == "alert":
                parts.append(e.alert.body)
        return "\n".join(parts)


def widget_state(kind: str, proto, value) -> WidgetState:
    """The value a browser would send for a widget, in the field Streamlit reads for its kind.

    Selectbox, radio, select_slider and button groups take the option's label as shown.
    """
    state = WidgetState(id=proto.id)
    values = list(value) if isinstance(value, list | tuple) else [value]
    if kind == "slider" and len(proto.options):  # st.select_slider: the options' labels
        state.string_array_value.data.extend(str(v) for v in values)
    elif kind == "slider":
        state.double_array_value.data.extend(float(v) for v in values)
    elif kind in ("select_slider", "button_group", "multiselect"):
        state.string_array_value.data.extend(str(v) for v in values)
    elif kind in ("selectbox", "radio", "text_input", "text_area", "color_picker"):
        state.string_value = str(value)
    elif kind == "number_input":
        state.double_value = float(value)
    elif kind in ("checkbox", "toggle"):
        state.bool_value = bool(value)
    elif kind in ("button", "download_button"):
        state.trigger_value = True
    else:
        raise ValueError(f"setting a {kind} widget is not supported")
    return state


class WidgetNotFoundError(LookupError):
    """The page has no widget with that label."""


class Session:
    """One browser-tab-like session: `async with Session(url) as s: result = await s.run(...)`."""

    def __init__(self, base_url: str):
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.ws = None
        self.widgets: dict[str, WidgetState] = {}
        self.session_id: str | None = None
        # The page now shown and its address, sent with a fragment's rerun as a browser does
        # (a fragment that calls st.rerun() then reruns this page, not the default one).
        self.page_script_hash = ""
        self.query_string = ""

    async def __aenter__(self) -> Session:
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=30,
            ping_interval=None,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self.ws is not None:
            await self.ws.close()

    def set_widget(self, state: WidgetState) -> None:
        """Keep a widget value to send with every following run (as the browser does)."""
        self.widgets[state.id] = state

    def set(self, result: RunResult, label: str, value=True) -> WidgetState:
        """Set the widget labelled `label` in the last run's page to `value` for the next run."""
        found = result.widget(label)
        if found is None:
            raise WidgetNotFoundError(f"no widget labelled {label!r} on the page")
        state = widget_state(*found, value)
        self.set_widget(state)
        return state

    async def run(
        self,
        page: str = "",
        query: str = "",
        timeout: float = 120.0,
        fragment_id: str = "",
        is_auto_rerun: bool = False,
    ) -> RunResult:
        """Ask the server to run a page (its url_path) and wait for the run to finish.

        With ``fragment_id`` only that fragment reruns, as after a click inside it (or, with
        ``is_auto_rerun``, as the browser's timer for ``st.fragment(run_every=...)`` asks).
        """
        state = ClientState(
            query_string=query or (self.query_string if fragment_id else ""),
            page_name=page,
            fragment_id=fragment_id,
            is_auto_rerun=is_auto_rerun,
            page_script_hash=self.page_script_hash if fragment_id else "",
        )
        state.widget_states.widgets.extend(self.widgets.values())
        # Buttons fire once, as a click does.
        self.widgets = {k: w for k, w in self.widgets.items() if not w.HasField("trigger_value")}
        msg = BackMsg(rerun_script=state)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        result = RunResult()
        try:
            async with asyncio.timeout(timeout):
                while True:
                    raw = await self.ws.recv()
                    fwd = ForwardMsg()
                    fwd.ParseFromString(raw)
                    kind = fwd.WhichOneof("type")
                    if kind == "new_session":
                        self.session_id = fwd.new_session.initialize.session_id
                        self.page_script_hash = fwd.new_session.page_script_hash
                    elif kind == "delta":
                        if result.first_delta_s is None:
                            result.first_delta_s = time.perf_counter() - start
                        delta = fwd.delta
                        if delta.WhichOneof("type") == "new_element":
                            path = tuple(fwd.metadata.delta_path)
                            result.elements[path] = delta.new_element
                    elif kind == "navigation":  # st.navigation says which page runs
                        self.page_script_hash = fwd.navigation.page_script_hash
                    elif kind == "auto_rerun":
                        result.auto_reruns[fwd.auto_rerun.fragment_id] = fwd.auto_rerun.interval
                    elif kind == "page_info_changed":
                        result.query_string = fwd.page_info_changed.query_string
                        self.query_string = result.query_string
                    elif kind == "script_finished":
                        status = FINISHED_NAMES.get(fwd.script_finished, "unknown")
                        if status == "stopped for rerun":
                            continue
                        result.status = status
                        break
                    elif kind == "page_not_found":
                        # Streamlit then runs the default page; keep reading.
                        result.page_not_found = True
        except TimeoutError:
            result.status = "timeout"
        result.seconds = time.perf_counter() - start
        return result


def run_sync(coroutine_factory, timeout: float | None = None):
    """Run `asyncio.run(coroutine_factory())` on its own thread and return its result.

    Playwright's sync API keeps an event loop on the calling thread, so asyncio.run() there
    would fail; a thread of our own works either way.
    """
    import threading

    box: dict = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coroutine_factory())
        except BaseException as error:  # handed back to the caller
            box["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError("the websocket sessions did not finish in time")
    if "error" in box:
        raise box["error"]
    return box["value"]


async def open_page(base_url: str, page: str = "", query: str = "", timeout: float = 120.0):
    """Open one fresh session on a page and return its run."""
    async with Session(base_url) as session:
        return await session.run(page, query, timeout)
