"""Where phones join: the address choice on tables of fake interface lists (no Streamlit)."""

from __future__ import annotations

import socket
from types import SimpleNamespace

import pytest

from core.colour import addresses
from core.colour.addresses import (
    Interface,
    is_loopback_host,
    opened_from_headers,
    ranked_addresses,
    reach,
    start_command,
    url_host,
    visible_path,
)

LOOPBACK = [Interface("lo", "127.0.0.1"), Interface("lo", "::1")]
WIFI = Interface("wlp2s0", "192.168.1.20")
DOCKER = Interface("docker0", "172.17.0.1")
PAGE = "http://localhost:8501/text_over_colour"


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("localhost.", True),
        ("app.localhost", True),
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", True),
        ("192.168.1.20", False),
        ("10.0.0.5", False),
        ("myapp.streamlit.app", False),
        ("localhost.example.org", False),
        ("", False),
        (None, False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize(
    "interfaces, expected",
    [
        pytest.param([*LOOPBACK], [], id="loopback only: nothing"),
        pytest.param([*LOOPBACK, WIFI], ["192.168.1.20"], id="one wifi"),
        pytest.param(
            [DOCKER, Interface("veth1a2b", "172.18.0.1"), WIFI],
            ["192.168.1.20", "172.17.0.1", "172.18.0.1"],
            id="the LAN before docker bridges, whatever the OS order",
        ),
        pytest.param(
            [Interface("virbr0", "192.168.122.1"), Interface("br-5f3a", "172.19.0.1"), WIFI],
            ["192.168.1.20", "192.168.122.1", "172.19.0.1"],
            id="the LAN before VM and compose bridges",
        ),
        pytest.param(
            [Interface("eth0", "169.254.10.2"), Interface("wlan0", "10.12.0.7")],
            ["10.12.0.7", "169.254.10.2"],
            id="private before link-local",
        ),
        pytest.param(
            [Interface("en0", "2001:db8::5"), Interface("en0", "172.20.3.4")],
            ["172.20.3.4", "2001:db8::5"],
            id="IPv4 before IPv6",
        ),
        pytest.param(
            [Interface("en0", "145.97.3.9"), Interface("en1", "172.31.255.1")],
            ["172.31.255.1", "145.97.3.9"],
            id="private LAN before a public address",
        ),
        pytest.param(
            [Interface("en0", "fe80::1%en0"), Interface("en0", "fd00::2")],
            ["fd00::2"],
            id="IPv6 link-local is never offered (no browser opens it)",
        ),
        pytest.param(
            [Interface("wlan0", "192.168.1.20", up=False), Interface("eth0", "10.0.0.5")],
            ["10.0.0.5"],
            id="an interface that is down is skipped",
        ),
        pytest.param(
            [Interface("tailscale0", "100.101.1.2"), Interface("wg0", "10.8.0.2"), WIFI],
            ["192.168.1.20", "10.8.0.2", "100.101.1.2"],
            id="VPN tunnels after the LAN",
        ),
        pytest.param([WIFI, Interface("wlp2s0:1", "192.168.1.20")], ["192.168.1.20"], id="once"),
        pytest.param([Interface("eth0", "not an address")], [], id="garbage is skipped"),
    ],
)
def test_addresses_are_ranked_likeliest_first(interfaces, expected):
    assert ranked_addresses(interfaces) == expected


def test_ipv4_only_drops_ipv6():
    found = [Interface("en0", "2001:db8::5"), Interface("en0", "fd00::2")]
    assert ranked_addresses(found, ipv4_only=True) == []
    assert ranked_addresses([*found, WIFI], ipv4_only=True) == ["192.168.1.20"]


@pytest.mark.parametrize(
    "opened, listen, interfaces, kind, base, others",
    [
        pytest.param(
            PAGE, None, [*LOOPBACK, DOCKER, WIFI], "network", "http://192.168.1.20:8501",
            ("http://172.17.0.1:8501",), id="localhost, listening everywhere",
        ),
        pytest.param(
            "http://127.0.0.1:8642/text_over_colour", "0.0.0.0",
            [Interface("en0", "fd00::2"), WIFI], "network", "http://192.168.1.20:8642", (),
            id="127.0.0.1 keeps its port; 0.0.0.0 offers IPv4 only",
        ),
        pytest.param(
            "http://[::1]:8501/", "::", [Interface("en0", "fd00::2")], "network",
            "http://[fd00::2]:8501", (), id="IPv6 in brackets",
        ),
        pytest.param(
            "https://localhost/app", "", [WIFI], "network", "https://192.168.1.20", (),
            id="the scheme and the absent port are kept",
        ),
        pytest.param(
            PAGE, "192.168.1.20", [*LOOPBACK, DOCKER, WIFI], "network",
            "http://192.168.1.20:8501", (), id="a server on one address: that address",
        ),
        pytest.param(
            PAGE, "127.0.0.1", [*LOOPBACK, WIFI], "loopback_only", "http://localhost:8501",
            (), id="loopback only",
        ),
        pytest.param(
            PAGE, "localhost", [WIFI], "loopback_only", "http://localhost:8501", (),
            id="server.address localhost",
        ),
        pytest.param(
            PAGE, None, [*LOOPBACK], "no_network", "http://localhost:8501", (),
            id="no network address",
        ),
        pytest.param(
            "http://192.168.1.20:8501/text_over_colour", "127.0.0.1", [WIFI], "as_opened",
            "http://192.168.1.20:8501", (), id="a LAN address is kept",
        ),
        pytest.param(
            "https://myapp.streamlit.app/text_over_colour", None, [*LOOPBACK, WIFI],
            "as_opened", "https://myapp.streamlit.app", (), id="a real host name is kept",
        ),
    ],
)  # fmt: skip
def test_reach(opened, listen, interfaces, kind, base, others):
    found = reach(opened, listen, interfaces)
    assert (found.kind, found.base, found.others) == (kind, base, others)
    assert found.reachable is (kind in ("network", "as_opened"))
    if kind == "loopback_only":
        assert found.command.startswith("streamlit run streamlit_app.py --server.address 0.0.0.0")
    else:
        assert found.command is None


def test_the_command_names_a_port_other_than_the_default():
    assert start_command(8501) == "streamlit run streamlit_app.py --server.address 0.0.0.0"
    assert start_command(None) == "streamlit run streamlit_app.py --server.address 0.0.0.0"
    assert start_command(9000).endswith("--server.address 0.0.0.0 --server.port 9000")
    assert reach("http://localhost:9000/", "127.0.0.1", []).command == start_command(9000)


def test_url_host_brackets_ipv6_only():
    assert url_host("192.168.1.20") == "192.168.1.20"
    assert url_host("fd00::2") == "[fd00::2]"
    assert url_host("myhost.local") == "myhost.local"


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"Host": "10.0.0.5:8501"}, "http://10.0.0.5:8501/text_over_colour"),
        (
            {"host": "myapp.streamlit.app", "X-Forwarded-Proto": "https"},
            "https://myapp.streamlit.app/text_over_colour",
        ),
        (
            {"Host": "myapp.streamlit.app", "Origin": "https://myapp.streamlit.app"},
            "https://myapp.streamlit.app/text_over_colour",
        ),
        (
            {"Host": "internal:8501", "X-Forwarded-Host": "lecture.example.org",
             "X-Forwarded-Proto": "https,http"},
            "https://lecture.example.org/text_over_colour",
        ),
        ({"Host": "a:1", "X-Forwarded-Proto": "gopher"}, "http://a:1/text_over_colour"),
        ({"Origin": "https://x.org"}, None),
        ({}, None),
    ],
)  # fmt: skip
def test_the_opened_url_from_headers(headers, expected):
    assert opened_from_headers(headers, "/text_over_colour") == expected


def test_machine_interfaces_reads_psutil_without_sending_anything(monkeypatch):
    def address(family, text):
        return SimpleNamespace(family=family, address=text)

    monkeypatch.setattr(
        addresses.psutil,
        "net_if_addrs",
        lambda: {
            "lo": [address(socket.AF_INET, "127.0.0.1")],
            "wlan0": [
                address(socket.AF_PACKET, "aa:bb:cc:dd:ee:ff"),
                address(socket.AF_INET, "192.168.1.20"),
                address(socket.AF_INET6, "fd00::2"),
            ],
            "eth0": [address(socket.AF_INET, "10.0.0.5")],
            "gone0": [address(socket.AF_INET, "10.9.9.9")],
        },
    )
    monkeypatch.setattr(
        addresses.psutil,
        "net_if_stats",
        lambda: {
            "lo": SimpleNamespace(isup=True),
            "wlan0": SimpleNamespace(isup=True),
            "eth0": SimpleNamespace(isup=False),
        },
    )
    found = addresses.machine_interfaces()
    assert found == [
        Interface("lo", "127.0.0.1", True),
        Interface("wlan0", "192.168.1.20", True),
        Interface("wlan0", "fd00::2", True),
        Interface("eth0", "10.0.0.5", False),
        Interface("gone0", "10.9.9.9", False),
    ]
    assert ranked_addresses(found) == ["192.168.1.20", "fd00::2"]


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/text_over_colour", "/text_over_colour"),
        ("/~/+/text_over_colour", "/text_over_colour"),
        ("/~/+", "/text_over_colour"),
        ("", "/text_over_colour"),
        ("/", "/text_over_colour"),
        ("/course/text_over_colour", "/course/text_over_colour"),
    ],
)
def test_the_path_is_the_one_the_address_bar_shows(path, expected):
    assert visible_path(path, "text_over_colour") == expected
