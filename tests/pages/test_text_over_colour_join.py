"""AppTest of the lecturer's join link: which address the projector shows, and what it says.

AppTest has no browser, so each test says what the browser's URL, the server's
``server.address`` and this machine's interfaces would be (``ui.colour.join`` reads them).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

import ui.colour.join as join
import ui.colour.projector as projector_view
from core.colour.addresses import Interface
from core.colour.pool import ClassPool

drawn: list[str] = []  # the links the projector drew as QR codes, this test
QR = projector_view.qr_png
PAGE = "../../pages/text_over_colour.py"
WIFI = [
    Interface("lo", "127.0.0.1"),
    Interface("docker0", "172.17.0.1"),
    Interface("wlp2s0", "192.168.1.20"),
    Interface("wlp2s0", "fd00::2"),
]


@pytest.fixture
def session(tmp_path, monkeypatch):
    monkeypatch.setenv("CLASSROOM_DATA_DIR", str(tmp_path))
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'classroom.sqlite'}")
    yield ClassPool(engine).create_session()
    engine.dispose()


def projector(monkeypatch, session, opened: str, listen: str | None, interfaces) -> AppTest:
    monkeypatch.setattr(join, "opened_url", lambda page_path: opened)
    monkeypatch.setattr(join, "server_address", lambda: listen)
    monkeypatch.setattr(join, "machine_interfaces", lambda: list(interfaces))
    drawn.clear()
    monkeypatch.setattr(projector_view, "qr_png", lambda link: drawn.append(link) or QR(link))
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"class": session.code, "key": session.key})
    at.run()
    assert not at.exception, at.exception
    return at


def shown_link(at: AppTest) -> str:
    return next(m.value.strip("*") for m in at.markdown if "?class=" in m.value)


def qr_caption(at: AppTest) -> str:
    [image] = at.get("imgs") or at.get("image")
    return image.proto.imgs[0].caption


@pytest.mark.slow
def test_localhost_moves_the_link_to_this_machines_lan_address(monkeypatch, session):
    at = projector(monkeypatch, session, "http://localhost:8501/text_over_colour", None, WIFI)
    link = f"http://192.168.1.20:8501/text_over_colour?class={session.code}"
    assert shown_link(at) == link
    assert drawn == [link]
    [note] = at.info
    assert note.value.startswith("You opened the app at localhost")
    assert "phones join at **http://192.168.1.20:8501**, this machine" in note.value
    [others] = [c.value for c in at.caption if "other addresses" in c.value]
    assert f"http://172.17.0.1:8501/text_over_colour?class={session.code}" in others
    assert f"http://[fd00::2]:8501/text_over_colour?class={session.code}" in others
    assert not at.warning and not at.code
    assert qr_caption(at) == "Scan to join"


@pytest.mark.slow
def test_a_loopback_only_server_says_phones_cannot_reach_it(monkeypatch, session):
    at = projector(
        monkeypatch, session, "http://127.0.0.1:8642/text_over_colour", "127.0.0.1", WIFI
    )
    assert shown_link(at) == f"http://127.0.0.1:8642/text_over_colour?class={session.code}"
    [warning] = at.warning
    assert warning.value.startswith("Phones cannot reach this server: it listens on 127.0.0.1")
    [command] = at.code
    assert (
        command.value
        == "streamlit run streamlit_app.py --server.address 0.0.0.0 --server.port 8642"
    )
    assert not at.info
    assert qr_caption(at) == "Only this machine can open this link"


@pytest.mark.slow
def test_no_network_address_says_so(monkeypatch, session):
    at = projector(monkeypatch, session, "http://localhost:8501/text_over_colour", None, WIFI[:1])
    [warning] = at.warning
    assert "this machine has no network address" in warning.value
    assert "Connect it to the room's network" in warning.value
    assert "reload this page" in warning.value and not at.code  # no command fixes a lost network
    assert qr_caption(at) == "Only this machine can open this link"


@pytest.mark.slow
def test_a_real_host_name_is_kept_with_its_https(monkeypatch, session):
    opened = "https://myapp.streamlit.app/text_over_colour"
    at = projector(monkeypatch, session, opened, None, WIFI)
    assert shown_link(at) == drawn[0] == f"{opened}?class={session.code}"
    assert not at.info and not at.warning and not at.code
