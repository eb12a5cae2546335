"""A picture of black and white text over one colour, with WCAG ratios, to save or project."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core.colour.contrast import BLACK, WHITE, Colour, contrast_ratio, wcag_level
from core.colour.data import parse_colour, to_hex

PANEL_WIDTH = 700
HEIGHT = 560
MARGIN = 48
FRAME = 10  # width of the frame round the network's pick
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
PARAGRAPH = "A paragraph of body text, the size most of a slide or page is set in."


@lru_cache(maxsize=16)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans when the system has it, else Pillow's built-in scalable font."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def wrap(draw: ImageDraw.ImageDraw, text: str, typeface, width: int) -> list[str]:
    """Split text into lines no wider than width pixels, breaking between words."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=typeface) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def draw_panel(
    image: Image.Image, left: int, background: tuple[int, int, int], text: str, note: str | None
) -> None:
    """Draw one half: the background, sample text in ``text`` colour, its ratio and levels."""
    ink = BLACK if text == "black" else WHITE
    draw = ImageDraw.Draw(image)
    draw.rectangle([left, 0, left + PANEL_WIDTH - 1, HEIGHT - 1], fill=background)
    if note is not None:
        inset = FRAME + 6
        draw.rectangle(
            [left + inset, inset, left + PANEL_WIDTH - 1 - inset, HEIGHT - 1 - inset],
            outline=ink,
            width=FRAME,
        )
    ratio = contrast_ratio(background, ink)
    x, y = left + MARGIN, MARGIN
    draw.text((x, y), f"{text.capitalize()} text", fill=ink, font=font(56, bold=True))
    y += 86
    body = font(26)
    for line in wrap(draw, PARAGRAPH, body, PANEL_WIDTH - 2 * MARGIN):
        draw.text((x, y), line, fill=ink, font=body)
        y += 36
    y += 16
    draw.text((x, y), "Large text, 24 px and up.", fill=ink, font=font(34))
    y += 74
    draw.text((x, y), f"Contrast {ratio:.2f} : 1", fill=ink, font=font(40, bold=True))
    y += 60
    levels = f"Normal text: {wcag_level(ratio)}   ·   Large text: {wcag_level(ratio, large=True)}"
    draw.text((x, y), levels, fill=ink, font=font(28))
    if note is not None:
        draw.text((x, HEIGHT - MARGIN - 76), note, fill=ink, font=font(28, bold=True))
    draw.text((x, HEIGHT - MARGIN - 32), f"Background {to_hex(background)}", fill=ink, font=body)


def render_preview(
    background: Colour, picked: str | None = None, probability: float | None = None
) -> Image.Image:
    """Black text on the left, white text on the right, both over the background.

    Args:
        background: the colour, in any form ``core.data.parse_colour`` accepts.
        picked: "black" or "white" to frame the network's pick, or None.
        probability: the network's P(white text), written under its pick.

    Returns:
        An RGB image of size (2 * PANEL_WIDTH, HEIGHT).

    Raises:
        ValueError: naming a bad colour, pick or probability.
    """
    rgb = parse_colour(background)
    if picked not in (None, "black", "white"):
        raise ValueError(f"picked must be 'black', 'white' or None, got {picked!r}")
    if probability is not None and not 0.0 <= probability <= 1.0:
        raise ValueError(f"probability must be in [0, 1], got {probability!r}")
    note = "Network's pick"
    if probability is not None:
        note += f", P(white) = {probability:.2f}"
    image = Image.new("RGB", (2 * PANEL_WIDTH, HEIGHT), rgb)
    for i, text in enumerate(("black", "white")):
        draw_panel(image, i * PANEL_WIDTH, rgb, text, note if picked == text else None)
    return image


def preview_png(
    background: Colour, picked: str | None = None, probability: float | None = None
) -> bytes:
    """``render_preview`` encoded as PNG bytes."""
    buffer = io.BytesIO()
    render_preview(background, picked, probability).save(buffer, format="PNG")
    return buffer.getvalue()


def preview_file_name(background: Colour) -> str:
    """A file name that says which colour the preview shows, e.g. ``text-over-3366cc.png``."""
    return f"text-over-{to_hex(parse_colour(background))[1:]}.png"
