"""Issuer images, checked to be what their names say before anything publishes them.

A ``.png``, ``.jpg``/``.jpeg`` or ``.webp`` file must decode, whole, as that format with Pillow, within bounds on
bytes and pixels (a decompression bomb is refused before it is decoded), and hold nothing but its picture
(:mod:`generator._internal.rasters`: it is published as it is); an ``.svg`` must be a drawing the
allow-list of :mod:`generator._internal.svg` leaves unchanged. Files are read without following symbolic links.
Messages name the problem, never the file's bytes (a "logo" may really be a private key).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from generator._internal.files import read_inside
from generator._internal.rasters import extra_content
from generator._internal.svg import inspect_svg, result_problem

__all__ = ["MAX_IMAGE_BYTES", "MAX_IMAGE_SIDE", "image_data_problem", "image_problem", "published_image"]

#: Logos and badge images are a few KiB to a few hundred KiB.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: Pixels on a side: far above what a page shows, far below what exhausts memory.
MAX_IMAGE_SIDE = 4096
#: Pillow's name of the format each raster extension promises.
RASTER_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}


def image_problem(root: Path, rel: str) -> str | None:
    """Why the image at ``rel`` (under ``root``) cannot be published; ``None`` when it can."""
    try:
        data = read_inside(root, rel, limit=MAX_IMAGE_BYTES)
    except OSError as exc:
        return f"cannot read image: {exc.strerror}"
    return image_data_problem(rel, data)


def image_data_problem(name: str, data: bytes) -> str | None:
    """Why ``data`` is not a publishable image of the kind ``name``'s extension says."""
    return published_image(name, data)[0]


def published_image(name: str, data: bytes) -> tuple[str | None, bytes]:
    """(:func:`image_data_problem`, the bytes the site publishes: an SVG rebuilt from the allow-list, any other
    image as it is), from one inspection: the build publishes exactly what it judged."""
    extension = name.rsplit(".", 1)[-1].lower()
    if len(data) > MAX_IMAGE_BYTES:
        return f"image is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,} bytes", b""
    if extension == "svg":
        result = inspect_svg(data)
        return result_problem(result), b"" if result is None else result.data
    expected = RASTER_FORMATS.get(extension)
    if expected is None:
        return f"the site publishes no .{extension} images", b""
    return _raster_problem(data, expected), data


def _raster_problem(data: bytes, expected: str) -> str | None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE  # Pillow's own bomb guard, at our bound
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                width, height = image.size
                if not (0 < width <= MAX_IMAGE_SIDE and 0 < height <= MAX_IMAGE_SIDE):
                    return f"image is {width}×{height} pixels; at most {MAX_IMAGE_SIDE} on a side"
                image.verify()  # checksums and structure, without decoding
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                image.load()  # and the pixels themselves decode
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return f"image is too large: at most {MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} pixels"
        except Exception:  # a hostile file may make a decoder raise anything: it is refused
            actual = _sniff(data)
            if actual is not None and actual != expected:
                return f"is not a {expected} image (it is {actual}): its name must say what it is"
            return f"is not a readable {expected} image"
    extra = extra_content(data, expected)  # published byte for byte: nothing may ride along unread
    if extra is not None:
        return (
            f"holds more than its picture ({extra}), which the site would publish unread: export the image "
            "again with its pixels only (no metadata, nothing after its end)"
        )
    return None


def _sniff(data: bytes) -> str | None:
    """The raster format ``data`` starts like, if any (for the message only)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    return None
