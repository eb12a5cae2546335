"""The class session's join link: an address the room's phones reach, and one line saying so.

The decisions live in ``core.colour.addresses`` (pure, tested on fake interface lists); this
module reads what Streamlit knows: the URL the lecturer's browser uses (``st.context.url``,
else the request's headers), the ``server.address`` option, and this machine's interfaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import streamlit as st

from core.colour.addresses import (
    Reach,
    machine_interfaces,
    opened_from_headers,
    reach,
    visible_path,
)
from core.colour.pool_schema import CODE_LENGTH


@dataclass(frozen=True)
class JoinTarget:
    """Where the join link points: ``reach`` (None when the browser's URL is unknown, as in a
    test without a browser) and the page's path there."""

    reach: Reach | None
    path: str
    listen: str | None = None  # the server.address option, for the warning

    def link(self, code: str, base: str | None = None) -> str:
        """The absolute link for class ``code`` (at ``base``, default the likeliest address)."""
        query = urlencode({"class": code})
        if self.reach is None:
            return f"{self.path}?{query}"
        return f"{base or self.reach.base}{self.path}?{query}"


def opened_url(page_path: str) -> str | None:
    """The page's URL in the lecturer's browser, scheme included; None when nothing says."""
    url = st.context.url
    if url:
        return url
    headers = st.context.headers
    return opened_from_headers(dict(headers), f"/{page_path}") if headers else None


def server_address() -> str | None:
    """Streamlit's ``server.address`` option (None: unset, the server listens everywhere)."""
    return st.get_option("server.address")


def join_target(page_path: str) -> JoinTarget:
    """Where students join the page at ``page_path``, from what this run knows."""
    url = opened_url(page_path)
    if url is None:
        return JoinTarget(None, f"/{page_path}")
    listen = server_address()
    path = visible_path(urlsplit(url).path, page_path)
    return JoinTarget(reach(url, listen, machine_interfaces()), path, listen)


def join_note_ui(target: JoinTarget, code: str) -> None:
    """One line under the join link when it is not the browser's own address, or cannot work."""
    found = target.reach
    if found is None or found.kind == "as_opened":
        return
    opened = found.opened or "localhost"
    if found.kind == "network":
        st.info(
            f"You opened the app at {opened}, which on a phone is the phone itself; phones join "
            f"at **{found.base}**, this machine's address on the network.",
            icon=":material/wifi:",
        )
        if found.others:
            others = ", ".join(target.link(code, base) for base in found.others)
            st.caption(f"If phones cannot open it, try this machine's other addresses: {others}")
        return
    if found.kind == "loopback_only":
        listen = target.listen or "127.0.0.1"
        st.warning(
            f"Phones cannot reach this server: it listens on {listen} only, this machine's own "
            "loopback address. Stop it and start it with the command below, then open this page "
            "again: the join link will carry this machine's network address.",
            icon=":material/wifi_off:",
        )
        st.code(found.command, language="bash", wrap_lines=True)
        return
    st.warning(
        "Phones cannot reach this server: this machine has no network address. Connect it to "
        "the room's network (the Wi-Fi the phones use) and reload this page: the join link "
        "will carry its address.",
        icon=":material/wifi_off:",
    )


def qr_caption(target: JoinTarget) -> str:
    """The QR code's caption: a warning of its own when phones cannot use it."""
    if target.reach is not None and not target.reach.reachable:
        return "Only this machine can open this link"
    return "Scan to join"


def display_code(code: str) -> str:
    """A join code as the projector shows it: two halves ("K7QM2-XPD9R"), easier to read out."""
    half = CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def unknown_code_message(text: str) -> None:
    """Say that no session has the code typed or scanned, and where to find the right one."""
    st.error(
        f"No class session has the code **{text[:20]}**. Check the code on the projector "
        f"({CODE_LENGTH} letters and digits) or scan its QR code again.",
        icon=":material/error:",
    )
