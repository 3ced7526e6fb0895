"""Issuer images, checked to be what their names say before anything publishes them.

A ``.png``, ``.jpg``/``.jpeg`` or ``.webp`` file must decode, whole, as that format with Pillow, within bounds on
bytes and pixels (a decompression bomb is refused before it is decoded), and hold nothing but its picture
(:mod:`generator._internal.rasters`); an ``.svg`` must be a drawing the allow-list of :mod:`generator._internal.svg`
leaves unchanged. Files are read without following symbolic links. Messages name the problem, never the file's
bytes (a "logo" may really be a private key).

What the site publishes is made from what was decoded, never the file as it was: an SVG rebuilt from the
allow-list, a raster image encoded again from its pixels (every frame of an animation). Walking a raster's
container finds metadata and trailing bytes, but a codec's own data has room no decoder reads: bytes after the
compressed stream inside a PNG's ``IDAT``, more scanlines than the picture has, an APNG frame Pillow never decodes,
bytes before a JPEG's end marker or after a WebP bitstream. Any of them carried a file (a recipients list, a key)
onto the site past every check; a picture encoded from its pixels holds only pixels.
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
    """(:func:`image_data_problem`, the bytes the site publishes: an SVG rebuilt from the allow-list, a raster
    image encoded again from its decoded pixels), from one inspection: the build publishes only what it judged,
    and the check makes the same bytes, so an image it accepts is one the build can publish."""
    extension = name.rsplit(".", 1)[-1].lower()
    if len(data) > MAX_IMAGE_BYTES:
        return f"image is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,} bytes", b""
    if extension == "svg":
        result = inspect_svg(data)
        return result_problem(result), b"" if result is None else result.data
    expected = RASTER_FORMATS.get(extension)
    if expected is None:
        return f"the site publishes no .{extension} images", b""
    problem = _raster_problem(data, expected)
    if problem is not None:
        return problem, b""
    try:
        return None, _reencoded(data, expected)
    except _TooManyPixels as exc:
        return str(exc), b""
    except Exception:  # a frame past the first that does not decode (or cannot be written back): not publishable
        return f"is not a readable {expected} image (not every frame of it decodes)", b""


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
    extra = extra_content(data, expected)  # named to the issuer (what is published is encoded again)
    if extra is not None:
        return (
            f"holds more than its picture ({extra}), which the site would publish unread: export the image "
            "again with its pixels only (no metadata, nothing after its end)"
        )
    return None


class _TooManyPixels(ValueError):
    """An animation whose frames, each as large as its canvas, would take more memory and time than a still may."""


def _reencoded(data: bytes, expected: str) -> bytes:
    """The picture ``data`` decodes to (every frame, with its timing), encoded again as ``expected``: lossless for
    PNG and lossless WebP, at the file's own quantisation for JPEG, near-lossless for lossy WebP. Deterministic, so
    builds of one registry publish the same bytes. Only what describes the picture is carried over (resolution,
    transparency, frame durations and loop count); never text, metadata or a colour profile. Raises when a frame
    does not decode, or the frames hold more than :data:`MAX_IMAGE_SIDE` squared pixels in all."""
    from PIL import Image, ImageSequence

    out = io.BytesIO()
    with Image.open(io.BytesIO(data), formats=[expected]) as image:
        options: dict[str, object] = {}
        if isinstance(image.info.get("dpi"), tuple):
            options["dpi"] = image.info["dpi"]
        if expected == "JPEG":
            # The file's own tables and subsampling: the pixels come back as close as JPEG allows.
            image.save(out, "JPEG", quality="keep", subsampling="keep", progressive=False, optimize=False, **options)
            return out.getvalue()
        if expected == "WEBP":
            lossless = not _lossy_webp(data)
            # exact: the colour under fully transparent pixels is kept too, as decoded.
            options.update(lossless=lossless, quality=100 if lossless else 90, exact=True)
        frames = getattr(image, "n_frames", 1)
        width, height = image.size
        if frames * width * height > MAX_IMAGE_SIDE * MAX_IMAGE_SIDE:  # each frame decodes to the whole canvas
            raise _TooManyPixels(
                f"image is {frames:,} frames of {width}×{height} pixels; an animation may hold at most "
                f"{MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} pixels in all its frames"
            )
        if frames > 1:
            durations = []
            for frame in ImageSequence.Iterator(image):
                frame.load()  # every frame decodes, or this raises
                durations.append(int(frame.info.get("duration") or 0))
            image.seek(0)
            options.update(save_all=True, duration=durations, loop=image.info.get("loop", 0))
        image.load()
        image.save(out, expected, **options)
    return out.getvalue()


def _lossy_webp(data: bytes) -> bool:
    """Whether a WebP file holds a lossy (VP8) bitstream, found by walking its chunks (animation frames too)."""
    pos, end = 12, len(data)
    while pos + 8 <= end:
        kind, length = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if kind == b"VP8 ":
            return True
        # An animation frame holds its picture's chunks after 16 bytes of placement: walk into it.
        pos += 24 if kind == b"ANMF" else 8 + length + (length & 1)
    return False


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
