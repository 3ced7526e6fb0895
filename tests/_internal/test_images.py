"""Images are what their names say: decoded whole by Pillow, within bounds, before anything publishes them."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from generator._internal.images import MAX_IMAGE_BYTES, image_data_problem, published_image
from generator._internal.svg import sanitize_svg


def encoded(fmt: str, size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(("name", "fmt"), [("a.png", "PNG"), ("a.jpg", "JPEG"), ("a.JPEG", "JPEG"), ("a.webp", "WEBP")])
def test_real_images_pass(name: str, fmt: str) -> None:
    assert image_data_problem(name, encoded(fmt)) is None


def test_a_gif_named_png_is_named_for_what_it_is() -> None:
    assert image_data_problem("a.png", encoded("GIF")) == "is not a PNG image (it is GIF): its name must say what it is"


def test_a_damaged_png_is_refused() -> None:
    data = bytearray(encoded("PNG"))
    data[-20] ^= 0xFF  # a checksum no longer matches
    assert image_data_problem("a.png", bytes(data)) == "is not a readable PNG image"


def test_bounds_on_bytes_and_pixels() -> None:
    assert "the limit is" in str(image_data_problem("a.png", b"\0" * (MAX_IMAGE_BYTES + 1)))
    assert "at most 4096 on a side" in str(image_data_problem("a.png", encoded("PNG", (1, 4097))))


def test_kinds_the_site_does_not_publish() -> None:
    assert image_data_problem("a.gif", encoded("GIF")) == "the site publishes no .gif images"


def test_what_is_published_is_what_was_judged() -> None:
    png = encoded("PNG")
    assert published_image("a.png", png) == (None, png)
    clean = b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    problem, published = published_image("a.svg", clean)
    assert problem is None
    assert published == sanitize_svg(clean)  # rebuilt from the allow-list, never the file as it is
    hostile = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    problem, published = published_image("a.svg", hostile)
    assert problem is not None
    assert problem == image_data_problem("a.svg", hostile)
    assert b"script" not in published
    assert b"onload" not in published
    assert published_image("a.svg", b"<!DOCTYPE svg><svg/>") == (
        image_data_problem("a.svg", b"<!DOCTYPE svg><svg/>"),
        b"",
    )


# --- a raster image is published byte for byte: it may hold nothing but its picture ------------------------------


def saved(fmt: str, mode: str = "RGB", size: tuple[int, int] = (16, 16), **options: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 7 if mode == "P" else None).save(out, fmt, **options)
    return out.getvalue()


def frames(fmt: str) -> bytes:
    out = io.BytesIO()
    first, second = Image.new("RGBA", (16, 16), (255, 0, 0, 128)), Image.new("RGBA", (16, 16), (0, 0, 255, 255))
    first.save(out, fmt, save_all=True, append_images=[second], duration=100)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.png", saved("PNG", "RGBA")),
        ("a.png", saved("PNG", "P", transparency=0)),
        ("a.png", saved("PNG", "L", dpi=(300, 300))),  # pHYs
        ("a.png", frames("PNG")),  # APNG: acTL, fcTL, fdAT
        ("a.jpg", saved("JPEG", progressive=True)),
        ("a.jpg", saved("JPEG", "CMYK")),  # Adobe's APP14
        ("a.jpg", saved("JPEG", restart_marker_blocks=1)),  # RSTn inside the scan
        ("a.jpg", saved("JPEG", "L", dpi=(72, 72))),
        ("a.webp", saved("WEBP", "RGBA")),  # VP8X, ALPH
        ("a.webp", saved("WEBP", lossless=True)),  # VP8L
        ("a.webp", frames("WEBP")),  # ANIM, ANMF
    ],
)
def test_pictures_alone_pass_in_every_form(name: str, data: bytes) -> None:
    assert image_data_problem(name, data) is None


def _png_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "ada@example.org,Ada Lovelace")
    return saved("PNG", pnginfo=info)


_ICC = b"\0" * 128  # stands for any profile: the rule refuses the segment, it does not read it


def png_with(kind: bytes, body: bytes) -> bytes:
    """A real PNG with one more chunk before its image data (a valid CRC: Pillow reads it)."""
    import struct
    import zlib

    data = saved("PNG")
    at = data.index(b"IDAT") - 4
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return data[:at] + chunk + data[at:]


def jpeg_with(marker: int, body: bytes) -> bytes:
    """A real JPEG with one more segment after its start (SOI), or its APP0 replaced when ``marker`` is 0xE0."""
    data = saved("JPEG")
    rest = data[2:]
    if marker == 0xE0:  # Pillow writes JFIF's APP0 first
        rest = rest[2 + int.from_bytes(rest[2:4], "big") :]
    return data[:2] + bytes([0xFF, marker]) + (len(body) + 2).to_bytes(2, "big") + body + rest


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("a.png", _png_text(), "text in its tEXt chunk"),
        ("a.png", saved("PNG", exif=b"Exif\0\0MM\0*"), "its eXIf chunk"),
        ("a.png", saved("PNG", icc_profile=_ICC), "its iCCP chunk"),
        ("a.png", saved("PNG") + b"<html><script>alert(1)</script>", "bytes after the end of the image"),
        ("a.jpg", saved("JPEG", comment=b"ada@example.org"), "metadata (EXIF, XMP, an ICC profile or a comment)"),
        ("a.jpg", saved("JPEG", exif=b"Exif\0\0MM\0*"), "metadata (EXIF, XMP, an ICC profile or a comment)"),
        ("a.jpg", saved("JPEG", icc_profile=_ICC), "metadata (EXIF, XMP, an ICC profile or a comment)"),
        ("a.jpg", saved("JPEG") + b"PK\x03\x04 an archive", "bytes after the end of the image"),
        ("a.webp", saved("WEBP", exif=b"Exif\0\0MM\0*"), "metadata (EXIF, XMP, an ICC profile or a comment)"),
        ("a.webp", saved("WEBP", icc_profile=_ICC), "metadata (EXIF, XMP, an ICC profile or a comment)"),
        ("a.webp", saved("WEBP") + b"<html>", "bytes after the end of the image"),
        # Pillow reads what it needs of a known chunk and skips the rest: a bound on each closes that channel.
        ("a.png", png_with(b"gAMA", b"\0\0\xb1\x8f" + b"hidden" * 100), "its gAMA chunk, longer than such a chunk is"),
        ("a.png", png_with(b"prVt", b"hidden"), "its prVt chunk"),
        ("a.jpg", jpeg_with(0xED, b"Photoshop 3.0\0hidden"), "metadata (EXIF, XMP, an ICC profile or a comment)"),
        # a JFIF thumbnail: pixels nobody sees
        (
            "a.jpg",
            jpeg_with(0xE0, b"JFIF\0\1\1\0\0\1\0\1\1\1\0\0\0"),
            "metadata (EXIF, XMP, an ICC profile or a comment)",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and not value.startswith(("a.", "holds")) else None,
)
def test_anything_besides_the_picture_is_refused_by_name(name: str, data: bytes, what: str) -> None:
    """Pillow decodes these whole, and the build used to publish them as they were: text chunks, metadata and
    trailing bytes went out on the registry's site unread by any check (a recipients list in a logo, say)."""
    problem = image_data_problem(name, data)
    assert problem is not None
    assert problem.startswith(f"holds more than its picture ({what})")
    assert "ada@example.org" not in problem
    assert published_image(name, data)[0] == problem
