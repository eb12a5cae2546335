"""The page's state as URL parameters, so a reload or a shared link restores it.

Labels are packed to keep links short: the colours' bytes (r, g, b per label) followed by one
bit per label for the text (1 white, 0 black), written in URL-safe base64: about 4.2
characters a label, so ``MAX_LINK_LABELS`` labels fit well inside the 2,000 characters every
browser and server accepts. The rest are plain ``name=value`` pairs, left out at their default.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from core.colour.data import read_colour, shorten, to_hex
from core.colour.labels import TEXT_COLOURS, Label
from core.colour.palette import MAX_RANDOM

MAX_LINK_LABELS = 300
DEFAULT_COLOUR = "#3366cc"
DEFAULT_RANDOM = 20
MAX_SEED = 10**6
KEYS = ("bg", "labels", "doc", "random", "pseed", "teach", "retrained", "retrained_doc", "net")
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def _label_count(n_bytes: int) -> int | None:
    """The n with 3 n + ceil(n / 8) == n_bytes, or None when there is none."""
    n = (8 * n_bytes) // 25
    for candidate in (n, n + 1):
        if 3 * candidate + (candidate + 7) // 8 == n_bytes:
            return candidate
    return None


def labels_to_param(labels: Sequence[Label]) -> str:
    """Pack labels into a short URL-safe string (see the module docstring)."""
    colours = bytearray()
    bits = bytearray((len(labels) + 7) // 8)
    for i, label in enumerate(labels):
        colours += bytes(int(label.colour[j : j + 2], 16) for j in (1, 3, 5))
        if label.target:
            bits[i // 8] |= 1 << (i % 8)
    return base64.urlsafe_b64encode(bytes(colours + bits)).decode("ascii").rstrip("=")


def labels_from_param(text: str) -> list[Label]:
    """Unpack labels written by ``labels_to_param``.

    Args:
        text: the ``labels`` URL parameter.

    Returns:
        The labels, in order (none for an empty text).

    Raises:
        ValueError: saying why the text is not a list of labels.
    """
    if len(text) > 4 * MAX_LINK_LABELS + 100 or not _BASE64URL.match(text):
        raise ValueError("is not a list of labels written by this page")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("is not a list of labels written by this page") from None
    n = _label_count(len(data))
    if n is None:
        raise ValueError("is cut short: it does not hold a whole number of labels")
    bits = data[3 * n :]
    return [
        Label(to_hex(data[3 * i : 3 * i + 3]), TEXT_COLOURS[(bits[i // 8] >> (i % 8)) & 1])
        for i in range(n)
    ]


@dataclass(frozen=True)
class PageLink:
    """Everything the page keeps in its URL.

    Attributes:
        background: the colour on show, ``#rrggbb``.
        labels: the person's labels.
        include_document: train on the document's ten colours as well.
        n_random: random colours in the palette.
        palette_seed: their seed.
        teach: (seed, index) of the teaching sequence, or None for a fresh one.
        retrained: the retrained network learned the first ``retrained`` labels; 0 for none.
        retrained_doc: it also learned the document's ten colours.
        show_base: show the base network although a retrained one exists.
    """

    background: str = DEFAULT_COLOUR
    labels: tuple[Label, ...] = ()
    include_document: bool = True
    n_random: int = DEFAULT_RANDOM
    palette_seed: int = 0
    teach: tuple[int, int] | None = None
    retrained: int = 0
    retrained_doc: bool = True
    show_base: bool = False


def link_params(link: PageLink) -> dict[str, str]:
    """The URL parameters of a page state: only what differs from the default.

    Only the first ``MAX_LINK_LABELS`` labels are written; a retrained network that learned
    more than those is left out.
    """
    default = PageLink()
    kept = link.labels[:MAX_LINK_LABELS]
    values = {
        "bg": link.background.lstrip("#"),
        "labels": labels_to_param(kept),
        "doc": str(int(link.include_document)),
        "random": str(link.n_random),
        "pseed": str(link.palette_seed),
        # A sequence not yet started needs no seed: a reload may as well draw a new one.
        "teach": f"{link.teach[0]}-{link.teach[1]}" if link.teach and link.teach[1] else "",
    }
    if 0 < link.retrained <= len(kept):
        values["retrained"] = str(link.retrained)
        values["retrained_doc"] = str(int(link.retrained_doc))
        values["net"] = "base" if link.show_base else ""
    defaults = {
        "bg": default.background.lstrip("#"),
        "labels": "",
        "doc": "1",
        "random": str(DEFAULT_RANDOM),
        "pseed": "0",
        "teach": "",
        "retrained_doc": "1",
        "net": "",
    }
    return {k: v for k, v in values.items() if v != defaults.get(k)}


def _whole(text: str, low: int, high: int) -> int:
    """A whole number in [low, high] from URL text, or ValueError saying what is wrong."""
    if not re.fullmatch(r"\s*[+-]?\d{1,12}\s*", text):
        raise ValueError("is not a whole number")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"is outside {low:,} to {high:,}")
    return value


def _flag(text: str) -> bool:
    if text.strip().lower() not in ("0", "1"):
        raise ValueError("should be 0 or 1")
    return text.strip() == "1"


def _background(text: str) -> tuple[str, str | None]:
    """The colour of a ``bg`` value (hex without '#', or any CSS colour), and a note if changed."""
    try:
        reading = read_colour(text)
    except ValueError:
        raise ValueError("is not a colour (write it as 3366cc)") from None
    colour = to_hex(reading.rgb)
    if reading.mapped:
        return colour, f"is outside sRGB and is gamut-mapped as CSS does, to {colour}"
    if reading.clamped:
        return colour, f"was out of range and is clamped as CSS does, to {colour}"
    return colour, None


def _teach(text: str) -> tuple[int, int]:
    seed, _, index = text.partition("-")
    return _whole(seed, 0, MAX_SEED), _whole(index, 0, MAX_SEED)


READERS = {
    "labels": ("labels", lambda t: tuple(labels_from_param(t))),
    "doc": ("include_document", _flag),
    "random": ("n_random", lambda t: _whole(t, 0, MAX_RANDOM)),
    "pseed": ("palette_seed", lambda t: _whole(t, 0, MAX_SEED)),
    "teach": ("teach", _teach),
    "retrained": ("retrained", lambda t: _whole(t, 1, MAX_LINK_LABELS)),
    "retrained_doc": ("retrained_doc", _flag),
    "net": ("show_base", lambda t: {"base": True, "retrained": False}[t.strip()]),
}


def read_link(params: Mapping[str, str]) -> tuple[PageLink, dict[str, str]]:
    """Read the page's state from URL parameters; anything unreadable keeps its default.

    Args:
        params: the URL's parameters (others, such as training settings, are ignored).

    Returns:
        The state, and one plain-language message per parameter that could not be used,
        keyed by the parameter's name; each message names the value.
    """
    values: dict[str, object] = {}
    problems: dict[str, str] = {}
    if (text := params.get("bg")) is not None:
        try:
            values["background"], note = _background(str(text))
        except ValueError as error:
            note = str(error)
        if note is not None:
            problems["bg"] = f"`bg={shorten(str(text))}` {note}"
    for key, (field, read) in READERS.items():
        text = params.get(key)
        if text is None:
            continue
        try:
            values[field] = read(str(text))
        except (ValueError, KeyError) as error:
            reason = str(error) if isinstance(error, ValueError) else "should be base or retrained"
            problems[key] = f"`{key}={shorten(str(text))}` {reason}"
    link = PageLink(**values)
    if link.retrained > len(link.labels):
        problems["retrained"] = (
            f"`retrained={link.retrained}` counts more labels than the link holds "
            f"({len(link.labels)})"
        )
        link = replace(link, retrained=0)
    if link.teach is not None and link.teach[1] == 0:
        link = replace(link, teach=None)
    if link.retrained == 0:  # with no retrained network, its options mean nothing
        link = replace(link, retrained_doc=True, show_base=False)
    return link, problems
