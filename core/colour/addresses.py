"""Where phones in the room reach this server: the class session's join link, and why.

A lecturer who opens the app at ``http://localhost:8501`` would project a link every phone
resolves to itself. So when the browser used a loopback host (``localhost``, ``127.x``, ``::1``)
the join link takes this machine's network address instead, with the same scheme and port:

- the server's own ``server.address`` when it is one address, else
- the machine's addresses from its interfaces (read, never probed by sending traffic), the
  likeliest first: private LAN ranges, then other global ones, then IPv4 link-local (169.254)
  and addresses on virtual interfaces (Docker, VMs, VPNs); IPv4 before IPv6 within each.
  IPv6 link-local (fe80::) is left out: a browser cannot open it without a zone.

A server listening on loopback only, or a machine with no network address, cannot be reached
from a phone at all: ``Reach.kind`` says so (and, for the first, ``Reach.command`` how to
start the server so phones reach it).
A browser on a real host name (``myapp.streamlit.app``) keeps it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import psutil

# Names of interfaces that are not the room's network: container bridges, VMs, VPN tunnels.
VIRTUAL_PREFIXES = (
    "docker",
    "veth",
    "virbr",
    "br-",
    "vboxnet",
    "vmnet",
    "lxcbr",
    "lxdbr",
    "cni",
    "flannel",
    "cali",
    "tun",
    "tap",
    "wg",
    "tailscale",
    "utun",
    "zt",
)
# The private ranges a room's network hands out: RFC 1918 for IPv4, unique local for IPv6.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12", "fc00::/7")
)
ALL_INTERFACES = ("", "0.0.0.0", "::")  # server.address values that listen everywhere
DEFAULT_PORT = 8501
CLOUD_FRAME = "/~/+/"  # where Community Cloud's page frames the app
ENTRYPOINT = "streamlit_app.py"


@dataclass(frozen=True)
class Interface:
    """One address of one network interface, as the operating system lists it."""

    name: str  # "wlan0", "en0", "docker0"
    address: str  # "192.168.1.20", "fe80::1%wlan0"
    up: bool = True


@dataclass(frozen=True)
class Reach:
    """How the join link reaches the server.

    Attributes:
        kind: "as_opened" (the browser's host is not loopback: kept), "network" (moved to this
            machine's address), "loopback_only" (the server listens on loopback: phones cannot
            reach it) or "no_network" (the machine has no address a phone could reach).
        base: ``scheme://host[:port]`` to put before the page's path.
        opened: the host the browser used ("localhost", "127.0.0.1").
        others: further bases that may work when ``base`` does not (other interfaces).
        command: for "loopback_only", how to start a server phones reach.
    """

    kind: str
    base: str
    opened: str
    others: tuple[str, ...] = ()
    command: str | None = None

    @property
    def reachable(self) -> bool:
        return self.kind in ("as_opened", "network")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0].strip("[]"))
    except ValueError:
        return None


def is_loopback_host(host: str | None) -> bool:
    """Whether a browser on ``host`` reaches only its own machine.

    Args:
        host: a host name or address, as in a URL ("localhost", "127.0.0.1", "[::1]").
    """
    if not host:
        return False
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    ip = _ip(name)
    return ip is not None and (ip.is_loopback or ip.is_unspecified)


def _rank(interface: Interface) -> tuple[int, int, int] | None:
    """Sort key of one address (smaller: likelier reached by a phone); None: never offered."""
    ip = _ip(interface.address)
    if not interface.up or ip is None or ip.is_loopback or ip.is_unspecified or ip.is_multicast:
        return None
    if ip.version == 6 and ip.is_link_local:
        return None
    virtual = interface.name.lower().startswith(VIRTUAL_PREFIXES)
    if virtual:
        tier = 2
    elif ip.version == 4 and ip.is_link_local:
        tier = 1
    else:
        tier = 0
    private = 0 if any(ip in network for network in PRIVATE_NETWORKS) else 1
    return (tier, ip.version, private)


def ranked_addresses(interfaces: Iterable[Interface], ipv4_only: bool = False) -> list[str]:
    """This machine's addresses a phone might reach, the likeliest first.

    Args:
        interfaces: every address of every interface (``machine_interfaces()``).
        ipv4_only: only IPv4 addresses (a server listening on 0.0.0.0).

    Returns:
        Addresses without zone or brackets ("192.168.1.20", "2001:db8::5"), each once; among
        equals the operating system's order is kept.
    """
    keyed = []
    for order, interface in enumerate(interfaces):
        rank = _rank(interface)
        if rank is None or (ipv4_only and rank[1] == 6):
            continue
        keyed.append((rank, order, str(_ip(interface.address))))
    seen: dict[str, None] = {}
    for _, _, address in sorted(keyed):
        seen.setdefault(address)
    return list(seen)


def url_host(address: str) -> str:
    """An address as a URL writes it: IPv6 in brackets."""
    ip = _ip(address)
    return f"[{ip}]" if ip is not None and ip.version == 6 else address


def start_command(port: int | None) -> str:
    """The command that starts this app so phones on the room's network reach it."""
    command = f"streamlit run {ENTRYPOINT} --server.address 0.0.0.0"
    if port is not None and port != DEFAULT_PORT:
        command += f" --server.port {port}"
    return command


def reach(opened_url: str, server_address: str | None, interfaces: Iterable[Interface]) -> Reach:
    """Where the join link should point, from the browser's URL and the server's address.

    Args:
        opened_url: the URL the lecturer's browser uses ("http://localhost:8501/page").
        server_address: Streamlit's ``server.address`` option (None when unset).
        interfaces: this machine's interfaces (``machine_interfaces()``).

    Returns:
        A Reach; its ``base`` keeps the browser's scheme and port.
    """
    parts = urlsplit(opened_url)
    scheme = parts.scheme or "http"
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        port = None
    suffix = "" if port is None else f":{port}"
    opened_base = f"{scheme}://{parts.netloc}"
    if not is_loopback_host(host):
        return Reach("as_opened", opened_base, host)
    listen = (server_address or "").strip()
    if listen.startswith("unix://") or listen.lower() in ALL_INTERFACES:
        addresses = ranked_addresses(interfaces, ipv4_only=listen == "0.0.0.0")
    elif is_loopback_host(listen):
        return Reach("loopback_only", opened_base, host, command=start_command(port))
    else:
        addresses = [listen]  # one address (or name) the server listens on: the only way in
    if not addresses:
        return Reach("no_network", opened_base, host)
    bases = [f"{scheme}://{url_host(a)}{suffix}" for a in addresses]
    return Reach("network", bases[0], host, tuple(bases[1:]))


def visible_path(path: str, page_path: str) -> str:
    """The page's path as the browser's address bar shows it.

    Community Cloud runs the app in a frame at ``/~/+/<page>``; the address people see and
    share has no ``/~/+``. An empty path is the page's own.
    """
    for frame in (CLOUD_FRAME, CLOUD_FRAME.rstrip("/")):
        if path.startswith(frame):
            path = "/" + path[len(frame) :].lstrip("/")
            break
    return path if path.strip("/") else f"/{page_path}"


def opened_from_headers(headers: Mapping[str, str], path: str) -> str | None:
    """The page's URL as the browser opened it, from its request's headers (when the browser
    did not say): the ``Host``, and the scheme from ``X-Forwarded-Proto`` (a proxy in front,
    as on Community Cloud) or the ``Origin`` the browser sent, else http.

    Args:
        headers: the request's headers, any case.
        path: the page's path ("/text_over_colour").

    Returns:
        "https://myapp.streamlit.app/text_over_colour", or None without a Host.
    """
    lower = {key.lower(): value for key, value in headers.items()}
    host = lower.get("x-forwarded-host") or lower.get("host")
    if not host:
        return None
    host = host.split(",")[0].strip()
    scheme = lower.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    if scheme not in ("http", "https"):
        origin = urlsplit(lower.get("origin", ""))
        scheme = origin.scheme if origin.scheme in ("http", "https") else "http"
    return f"{scheme}://{host}{path}"


def machine_interfaces() -> list[Interface]:
    """Every IPv4 and IPv6 address of this machine's interfaces, with whether each is up.

    Read from the operating system (psutil); nothing is sent anywhere.
    """
    stats = psutil.net_if_stats()
    found = []
    for name, addresses in psutil.net_if_addrs().items():
        up = name in stats and stats[name].isup
        for address in addresses:
            if address.family in (socket.AF_INET, socket.AF_INET6):
                found.append(Interface(name, address.address, up))
    return found
