"""Pictures in: every awkward file a room full of people can bring, and its message."""

from __future__ import annotations

import contextlib
import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from core.filters.photos import Picture, PictureError, read_picture


def encode(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def rgb(w: int = 64, h: int = 64, colour=(200, 30, 60)) -> Image.Image:
    return Image.new("RGB", (w, h), colour)


def png_16bit_rgb(w: int, h: int, value: int) -> bytes:
    """A 48-bit RGB PNG written by hand (Pillow cannot write one)."""
    rows = b"".join(b"\x00" + np.full((w, 3), value, ">u2").tobytes() for _ in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg_rotated(orientation: int) -> bytes:
    """A 80x40 JPEG stored sideways: a red left half, a blue right half, EXIF orientation."""
    image = Image.new("RGB", (80, 40), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 40, 40))
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(image, "JPEG", quality=95, exif=exif.tobytes())


def animated_gif() -> bytes:
    frames = [rgb(48, 48, (255, 0, 0)), rgb(48, 48, (0, 255, 0)), rgb(48, 48, (0, 0, 255))]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


# Bad pictures: each gives its own message.


def truncated_jpeg() -> bytes:
    noise = np.random.default_rng(0).integers(0, 256, (128, 128, 3), dtype=np.uint8)
    data = encode(Image.fromarray(noise), "JPEG", quality=90)
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"hello, this is a text file\n" * 20, "not a picture"),
        (b"%PDF-1.4\n" + bytes(300), "not a picture"),
        (truncated_jpeg(), "truncated or damaged"),
        (encode(rgb(20, 200), "PNG"), "20x200 px; VGG16 needs at least 32 px"),
        (encode(rgb(31, 31), "JPEG"), "at least 32 px"),
        (encode(rgb(64, 64), "BMP"), "BMP pictures are not supported"),
        (encode(rgb(64, 64), "TIFF"), "TIFF pictures are not supported"),
    ],
    ids=["empty", "text", "pdf", "truncated", "thin", "tiny", "bmp", "tiff"],
)
def test_bad_pictures_give_their_message(data, message):
    with pytest.raises(PictureError, match=message):
        read_picture(data, 64)


def test_a_file_over_the_upload_limit_is_refused_before_decoding():
    data = encode(rgb(64, 64), "PNG")
    with pytest.raises(PictureError, match=r"pictures up to 0 MB are accepted"):
        read_picture(data, 64, max_bytes=len(data) - 1)
    assert read_picture(data, 64, max_bytes=len(data)).pixels.shape == (64, 64, 3)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("pixels_limit", [3000, 1000])  # Pillow warns above 1x, raises above 2x
def test_a_decompression_bomb_is_refused(monkeypatch, pixels_limit):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", pixels_limit)
    with pytest.raises(PictureError, match="too many pixels.*decompression bomb"):
        read_picture(encode(rgb(64, 64), "PNG"), 64)  # 4096 pixels


# Awkward but usable pictures: checked pixel by pixel, with a note saying what was done.


def test_16_bit_greyscale_is_scaled_to_8_bits():
    data = encode(Image.fromarray(np.full((40, 40), 40000, np.uint16)), "PNG")
    picture = read_picture(data, 32)
    assert np.all(picture.pixels == round(40000 / 257))
    assert any("16-bit" in note for note in picture.notes)


def test_16_bit_colour_is_read_as_8_bits():
    picture = read_picture(png_16bit_rgb(40, 40, 40000), 32)
    assert np.all(np.abs(picture.pixels.astype(int) - round(40000 / 257)) <= 1)


def test_greyscale_goes_to_all_three_channels():
    picture = read_picture(encode(Image.new("L", (50, 50), 90), "PNG"), 32)
    assert np.all(picture.pixels == 90)
    assert any("Greyscale" in note for note in picture.notes)


def test_cmyk_becomes_rgb():
    picture = read_picture(encode(Image.new("CMYK", (50, 50), (0, 255, 255, 0)), "JPEG"), 32)
    assert np.abs(picture.pixels.astype(int) - [255, 0, 0]).max() <= 8  # pure red
    assert any("CMYK" in note for note in picture.notes)


def test_transparency_is_shown_on_white():
    image = Image.new("RGBA", (50, 50), (0, 0, 255, 0))
    image.paste((0, 0, 255, 255), (0, 0, 25, 50))  # the left half opaque blue
    pixels = read_picture(encode(image, "PNG"), 50).pixels
    np.testing.assert_array_equal(pixels[25, 5], [0, 0, 255])
    np.testing.assert_array_equal(pixels[25, 45], [255, 255, 255])
    half = Image.new("RGBA", (50, 50), (0, 0, 0, 128))
    assert abs(int(read_picture(encode(half, "PNG"), 50).pixels[0, 0, 0]) - 127) <= 1


def test_palette_pictures_with_and_without_transparency():
    palette = rgb(40, 40, (10, 200, 10)).convert("P", palette=Image.Palette.ADAPTIVE)
    assert (
        np.abs(read_picture(encode(palette, "PNG"), 32).pixels.astype(int) - [10, 200, 10]).max()
        <= 2
    )
    clear = Image.new("P", (40, 40), 0)
    clear.putpalette([10, 200, 10] * 256)
    picture = read_picture(encode(clear, "PNG", transparency=0), 32)
    assert np.all(picture.pixels == 255)
    assert any("white" in note for note in picture.notes)


def test_an_animation_shows_its_first_frame():
    picture = read_picture(animated_gif(), 32)
    assert np.abs(picture.pixels.astype(int) - [255, 0, 0]).max() <= 4
    assert any("first of its 3 frames" in note for note in picture.notes)


def test_an_animated_webp_shows_its_first_frame():
    frames = [rgb(48, 48, (255, 0, 0)), rgb(48, 48, (0, 0, 255))]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    picture = read_picture(data, 32)
    assert np.abs(picture.pixels.astype(int) - [255, 0, 0]).max() <= 4


@pytest.mark.parametrize(
    "orientation, top, bottom", [(1, None, None), (6, "red", "blue"), (8, "blue", "red")]
)
def test_exif_rotated_photos_are_shown_upright(orientation, top, bottom):
    picture = read_picture(jpeg_rotated(orientation), 40)
    colours = {"red": [255, 0, 0], "blue": [0, 0, 255]}
    if top is None:  # stored upright: 80x40, centre square half red, half blue
        assert (picture.width, picture.height) == (80, 40)
        assert picture.pixels[20, 2, 0] > 200 and picture.pixels[20, 37, 2] > 200
        return
    # Orientation 6 means "turn 90 degrees clockwise to view": the left half goes on top.
    assert (picture.width, picture.height) == (40, 80)
    assert np.abs(picture.pixels[2, 20].astype(int) - colours[top]).max() < 40
    assert np.abs(picture.pixels[37, 20].astype(int) - colours[bottom]).max() < 40
    assert any("upright" in note for note in picture.notes)


def test_a_large_photo_gives_the_centre_square_at_the_chosen_size():
    image = Image.new("RGB", (1200, 800), (0, 0, 0))
    image.paste((255, 255, 255), (200, 0, 1000, 800))  # the centre 800x800 is white
    picture = read_picture(encode(image, "JPEG", quality=95), 224)
    assert picture.pixels.shape == (224, 224, 3)
    assert picture.pixels.min() > 240  # nothing of the black sides
    assert (picture.width, picture.height, picture.format) == (1200, 800, "JPEG")
    assert any("centre square of the 1200x800" in note for note in picture.notes)


@pytest.mark.parametrize("size", [31, 513])
def test_size_out_of_range_is_a_value_error(size):
    with pytest.raises(ValueError, match="size must be between 32 and 512"):
        read_picture(encode(rgb(), "PNG"), size)


# Whatever bytes arrive, the answer is a picture or a PictureError, never anything else.


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_but_a_picture_error(data):
    try:
        picture = read_picture(data, 32)
    except PictureError:
        return
    assert isinstance(picture, Picture) and picture.pixels.shape == (32, 32, 3)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["PNG", "JPEG", "WEBP", "GIF"]),
    st.sampled_from(["RGB", "L", "RGBA", "P", "1", "LA"]),
    st.integers(32, 90),
    st.integers(32, 90),
    st.integers(0, 2000),
)
def test_any_usable_picture_becomes_the_square_the_network_sees(format, mode, w, h, cut):
    image = Image.fromarray(np.random.default_rng(w * h).integers(0, 256, (h, w, 3), np.uint8))
    if format == "JPEG" and mode in ("RGBA", "P", "LA"):
        mode = "RGB"
    data = encode(image.convert(mode), format)
    picture = read_picture(data, 48)
    assert picture.pixels.shape == (48, 48, 3) and picture.pixels.dtype == np.uint8
    with contextlib.suppress(PictureError):  # cut short: a message, never a traceback
        read_picture(data[: max(1, len(data) - cut)], 48)
