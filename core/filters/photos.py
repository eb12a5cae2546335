"""Pictures in: any photo a person brings, made into the square RGB picture VGG16 is shown.

``read_picture`` takes the bytes of an upload or a camera shot (never a file on disk) and
returns the picture's centre square at the chosen size, upright and in 8-bit RGB, with notes
on what was done to it. Anything it cannot use raises ``PictureError`` with a message meant
for the person who chose the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

MIN_SIDE = 32  # VGG16 halves a picture five times; smaller ones leave block5 nothing to see
MAX_SIZE = 512
FORMATS = ("PNG", "JPEG", "MPO", "WEBP", "GIF")  # MPO: the JPEG some phones write
EXIF_ORIENTATION = 0x0112
SIXTEEN_BIT_MODES = ("I", "I;16", "I;16L", "I;16B", "I;16N")
ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")


class PictureError(ValueError):
    """A file that cannot be shown to the network; the message says why, in plain words."""


@dataclass(frozen=True)
class Picture:
    """A photo ready for VGG16.

    Attributes:
        pixels: (size, size, 3) uint8 RGB, the centre square of the upright photo.
        width: Width of the upright photo before cropping, in pixels.
        height: Its height.
        format: The file format Pillow found (``"JPEG"``, ``"PNG"``, ...).
        notes: What was done to the photo, one short sentence each.
    """

    pixels: np.ndarray
    width: int
    height: int
    format: str
    notes: tuple[str, ...] = ()


def read_picture(data: bytes, size: int = 224, max_bytes: int | None = None) -> Picture:
    """Decode a photo from memory and make it the (size, size) RGB square VGG16 is shown.

    Args:
        data: The file's bytes (PNG, JPEG, WebP, or the first frame of an animation).
        size: Side of the square picture in pixels.
        max_bytes: The largest file accepted; None for no limit.

    Returns:
        A ``Picture``.

    Raises:
        ValueError: ``size`` outside 32..512.
        PictureError: Not an image, damaged, too large or too small, with the reason.
    """
    if not MIN_SIDE <= size <= MAX_SIZE:
        raise ValueError(f"size must be between {MIN_SIDE} and {MAX_SIZE} pixels, got {size}")
    if not data:
        raise PictureError("The file is empty.")
    if max_bytes is not None and len(data) > max_bytes:
        raise PictureError(
            f"The file is {len(data) / 2**20:.1f} MB; pictures up to {max_bytes / 2**20:.0f} MB "
            "are accepted. Save it smaller (a phone photo at 'medium' size is plenty)."
        )
    image, notes = _open(data)
    width, height = image.size
    if min(width, height) < MIN_SIDE:
        raise PictureError(
            f"The picture is {width}x{height} px; VGG16 needs at least {MIN_SIDE} px on each "
            "side (it halves the picture five times)."
        )
    if image.format in ("JPEG", "MPO"):
        image.draft(None, (size, size))  # decode big camera JPEGs at a fraction of their size
    try:
        image.load()
    except Exception as error:  # Pillow's decoders raise OSError, SyntaxError, ValueError ...
        raise PictureError(f"The file is truncated or damaged ({error}).") from error
    image, upright = _upright(image)
    pixels, colour = _rgb(image)
    notes += upright + colour
    if (pixels.shape[0] > pixels.shape[1]) != (height > width):  # turned a quarter
        width, height = height, width
    if width != height:
        notes.append(f"The network sees the centre square of the {width}x{height} picture.")
    return Picture(_square(pixels, size), width, height, str(image.format or ""), tuple(notes))


def _open(data: bytes):
    """Open the file lazily (header only) and refuse what is not a usable picture."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError as error:
        raise PictureError("This file is not a picture: choose a PNG, JPEG or WebP.") from error
    except Image.DecompressionBombError as error:
        raise PictureError(_too_many_pixels(None)) from error
    except Exception as error:
        raise PictureError(f"The file is truncated or damaged ({error}).") from error
    if image.format not in FORMATS:
        raise PictureError(
            f"{image.format} pictures are not supported here: choose a PNG, JPEG or WebP."
        )
    width, height = image.size
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and width * height > limit:
        raise PictureError(_too_many_pixels((width, height)))
    notes = []
    frames = int(getattr(image, "n_frames", 1) or 1)
    if frames > 1:
        image.seek(0)
        notes.append(f"Animated picture: the network sees the first of its {frames} frames.")
    return image, notes


def _too_many_pixels(size: tuple[int, int] | None) -> str:
    from PIL import Image

    limit = (Image.MAX_IMAGE_PIXELS or 0) / 1e6
    shown = f"{size[0]}x{size[1]} px, {size[0] * size[1] / 1e6:.0f}" if size else "over"
    return (
        f"The picture has too many pixels ({shown} megapixels; the limit is {limit:.0f}): it "
        "could be a decompression bomb. Choose a smaller picture."
    )


def _upright(image):
    """Turn the picture as its EXIF orientation says (phones store it sideways)."""
    from PIL import ImageOps

    try:
        orientation = image.getexif().get(EXIF_ORIENTATION, 1)
    except Exception:  # broken EXIF: show the pixels as stored
        return image, []
    if orientation in (None, 1):
        return image, []
    try:
        turned = ImageOps.exif_transpose(image)
    except Exception:
        return image, ["Its EXIF orientation could not be applied; shown as stored."]
    turned.format = image.format
    return turned, [f"Turned upright from its EXIF orientation ({orientation})."]


def _rgb(image) -> tuple[np.ndarray, list[str]]:
    """(h, w, 3) uint8 RGB of any Pillow mode, and a note when the colours were converted."""
    from PIL import Image

    mode = image.mode
    if mode == "RGB":
        return np.asarray(image, np.uint8), []
    if mode in SIXTEEN_BIT_MODES or mode.startswith("I;16"):
        grey = np.asarray(image).astype(np.float64)
        if mode.startswith("I;16") or grey.max(initial=0) > 255:
            grey = grey * 255.0 / 65535.0
        grey = np.clip(np.rint(grey), 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2), ["16-bit greyscale scaled to 8 bits."]
    if mode == "F":
        grey = np.nan_to_num(np.asarray(image, np.float64))
        span = max(float(grey.max() - grey.min()), 1e-12)
        grey = ((grey - grey.min()) / span * 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2), ["Floating-point greyscale scaled."]
    if mode in ALPHA_MODES or (mode in ("P", "L", "RGB") and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        rgb = Image.alpha_composite(white, rgba).convert("RGB")
        return np.asarray(rgb, np.uint8), ["Transparent parts are shown on white."]
    notes = {
        "L": "Greyscale: the same grey goes to R, G and B.",
        "1": "Black-and-white: the same value goes to R, G and B.",
        "CMYK": "CMYK colours converted to RGB.",
        "P": "",
    }
    note = notes.get(mode, f"{mode} colours converted to RGB.")
    return np.asarray(image.convert("RGB"), np.uint8), [note] if note else []


def _square(pixels: np.ndarray, size: int) -> np.ndarray:
    """The centre square of ``pixels`` resized to (size, size) with Lanczos filtering."""
    from PIL import Image

    h, w = pixels.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    square = Image.fromarray(pixels[top : top + side, left : left + side])
    if side != size:
        square = square.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.asarray(square, np.uint8)
