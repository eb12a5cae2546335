"""The page's state, and the parts of its URL that need more than ``name=value``.

Labels are packed to keep links short: the colours' bytes (r, g, b per label) followed by one
bit per label for the text (1 white, 0 black), written in URL-safe base64: about 4.2
characters a label, so ``MAX_LINK_LABELS`` labels fit well inside the 2,000 characters every
browser and server accepts. The page's URL parameters are listed in ``ui.colour.link``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.colour.data import read_colour, to_hex
from core.colour.labels import TEXT_COLOURS, Label

MAX_LINK_LABELS = 300
DEFAULT_COLOUR = "#3366cc"
DEFAULT_RANDOM = 20
MAX_SEED = 10**6
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


def read_background(text: str) -> tuple[str, str | None]:
    """The colour of a ``bg`` value (hex without '#', or any CSS colour), and a note if changed.

    Raises:
        ValueError: saying that the text is not a colour.
    """
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


def settle(link: PageLink) -> tuple[PageLink, str | None]:
    """A link's state made consistent, and what had to change (None when nothing did).

    A retrained network that learned more labels than the link holds is dropped; a teaching
    sequence not yet started is forgotten (a reload may draw a new one); without a retrained
    network its options mean nothing.
    """
    problem = None
    if link.retrained > len(link.labels):
        problem = (
            f"`retrained={link.retrained}` counts more labels than the link holds "
            f"({len(link.labels)})"
        )
        link = replace(link, retrained=0)
    if link.teach is not None and link.teach[1] == 0:
        link = replace(link, teach=None)
    if link.retrained == 0:
        link = replace(link, retrained_doc=True, show_base=False)
    return link, problem
