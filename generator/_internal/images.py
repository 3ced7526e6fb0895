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

import hashlib
import io
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator._internal.files import read_inside
from generator._internal.rasters import extra_content, raster_format
from generator._internal.svg import inspect_svg, result_problem

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["MAX_FRAMES", "MAX_IMAGE_BYTES", "MAX_IMAGE_SIDE", "image_data_problem", "image_problem", "published_image"]

#: Logos and badge images are a few KiB to a few hundred KiB.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: Pixels on a side: far above what a page shows, far below what exhausts memory.
MAX_IMAGE_SIDE = 4096
#: Frames of an animation: a badge's loop is tens of them. Each frame costs the check a decode and the build an
#: encode however few its pixels (tens of thousands of 1×1 frames fit in the byte bound and took the build minutes).
MAX_FRAMES = 1000
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
    """Why ``data`` is not a publishable image of the kind ``name``'s extension says. The whole judgement (every
    frame decodes), without making the file the site would publish: that is the build's work."""
    return _judged(name, data)[0]


def published_image(name: str, data: bytes) -> tuple[str | None, bytes]:
    """(:func:`image_data_problem`, the bytes the site publishes: an SVG rebuilt from the allow-list, a raster
    image encoded again from its decoded pixels): the build publishes only what it judged."""
    problem, published = _judged(name, data)
    if problem is not None or published:
        return problem, published
    expected = RASTER_FORMATS[name.rsplit(".", 1)[-1].lower()]
    try:
        return None, _reencoded(data, expected)
    except Exception:  # not reached: every frame decoded when judged, and Pillow writes what it reads
        return f"is a {expected} image whose pixels could not be encoded again for the site", b""


#: Judgements made in this process, by extension and SHA-256 of the bytes: the full check judges every image, and
#: the build (which runs it in the same process) judges each again before it publishes it; the same bytes under
#: the same extension get the same judgement. Held to :data:`_REMEMBERED_BYTES` of rebuilt SVG (then forgotten).
_REMEMBERED: dict[tuple[str, bytes], tuple[str | None, bytes]] = {}
_REMEMBERED_BYTES = 64 * 1024 * 1024
_remembered_size = 0


def _judged(name: str, data: bytes) -> tuple[str | None, bytes]:
    """(the problem, an SVG's rebuilt bytes); a raster image that passes has no bytes yet."""
    global _remembered_size
    extension = name.rsplit(".", 1)[-1].lower()
    key = (extension, hashlib.sha256(data).digest())
    known = _REMEMBERED.get(key)
    if known is not None:
        return known
    judged = _judge(extension, data)
    if _remembered_size + len(judged[1]) + 256 > _REMEMBERED_BYTES:
        _REMEMBERED.clear()
        _remembered_size = 0
    _REMEMBERED[key] = judged
    _remembered_size += len(judged[1]) + 256  # the entry itself
    return judged


def _judge(extension: str, data: bytes) -> tuple[str | None, bytes]:
    if len(data) > MAX_IMAGE_BYTES:
        return f"image is {len(data):,} bytes; the limit is {MAX_IMAGE_BYTES:,} bytes", b""
    if extension == "svg":
        result = inspect_svg(data)
        return result_problem(result), b"" if result is None else result.data
    expected = RASTER_FORMATS.get(extension)
    if expected is None:
        return f"the site publishes no .{extension} images", b""
    return _raster_problem(data, expected), b""


def _raster_problem(data: bytes, expected: str) -> str | None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE  # Pillow's own bomb guard, at our bound
    frames = 1
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
                frames = getattr(image, "n_frames", 1)
                if frames > MAX_FRAMES:
                    return f"image is an animation of {frames:,} frames; at most {MAX_FRAMES:,}"
                if frames * width * height > MAX_IMAGE_SIDE * MAX_IMAGE_SIDE:  # each frame is the whole canvas
                    return (
                        f"image is {frames:,} frames of {width}×{height} pixels; an animation may hold at most "
                        f"{MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} pixels in all its frames"
                    )
                for n in range(1, frames):  # every frame the site publishes decodes (Pillow loads only the first)
                    image.seek(n)
                    image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return f"image is too large: at most {MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} pixels"
        except Exception:  # a hostile file may make a decoder raise anything: it is refused
            actual = raster_format(data)
            if actual is not None and actual != expected:
                return f"is not a {expected} image (it is {actual}): its name must say what it is"
            unread = " (not every frame of it decodes)" if frames > 1 else ""
            return f"is not a readable {expected} image{unread}"
    extra = extra_content(data, expected)  # named to the issuer (what is published is encoded again)
    if extra is not None:
        return (
            f"holds more than its picture ({extra}), which the site would publish unread: export the image "
            "again with its pixels only (no metadata, nothing after its end)"
        )
    return None


def _reencoded(data: bytes, expected: str) -> bytes:
    """The picture ``data`` decodes to (every frame, with its timing), encoded again as ``expected``: lossless for
    PNG and lossless WebP, near-lossless for lossy WebP, at a standard quality near the file's own for JPEG.
    Deterministic, so builds of one registry publish the same bytes. What is written is a function of what the
    picture looks like (:func:`_shown`), plus the colour chunks browsers draw by and an animation's timing; never
    text, metadata, a colour profile, a resolution, a palette or quantisation tables as the file had them. Only for
    a file :func:`_raster_problem` accepted."""
    from PIL import Image, ImageSequence
    from PIL.PngImagePlugin import PngInfo

    out = io.BytesIO()
    with Image.open(io.BytesIO(data), formats=[expected]) as image:
        options: dict[str, object] = {}
        if expected == "JPEG":
            # Standard tables at the quality nearest the file's own: its tables, copied, were 64 to 256 values
            # of its choosing. The chroma subsampling it had (one of a few) is kept.
            from PIL.JpegImagePlugin import get_sampling

            sampling = get_sampling(image)
            quality = _jpeg_quality(getattr(image, "quantization", None) or {})
            image.load()
            options.update(quality=quality, progressive=False, optimize=False)
            if sampling in (0, 1, 2):
                options["subsampling"] = sampling
            _shown(image).save(out, "JPEG", **options)
            return out.getvalue()
        if expected == "PNG":
            # How the pixels' values map to colour (gamma, primaries, sRGB intent): browsers draw by them. Small
            # and bounded by the container rule; the rest of the file is left behind.
            colour = PngInfo()
            for kind, body in _png_colour_chunks(data):
                colour.add(kind, body)
            options["pnginfo"] = colour
        if expected == "WEBP":
            lossless = not _lossy_webp(data)
            # exact: the colour under fully transparent pixels is kept as _shown made it (none), not altered again.
            options.update(lossless=lossless, quality=100 if lossless else 90, exact=True)
        pictures, durations = [], []
        for frame in ImageSequence.Iterator(image):
            frame.load()
            pictures.append(_shown(frame))
            durations.append(int(frame.info.get("duration") or 0))
        if len(pictures) > 1:
            image.seek(0)
            options.update(
                save_all=True, append_images=pictures[1:], duration=durations, loop=image.info.get("loop", 0)
            )
        pictures[0].save(out, expected, **options)
    return out.getvalue()


def _shown(frame: Image.Image) -> Image.Image:
    """A copy of ``frame`` holding what a browser shows of it and nothing else: a palette image as the colours it
    uses (the palette's unused entries, its order and their transparency were the file's to fill), a transparent
    colour key as an alpha channel, and every fully transparent pixel black (its colour is drawn nowhere), with
    no ``info`` (transparency, resolution, text) for the encoder to write back."""
    from PIL import Image

    transparent = "transparency" in frame.info or frame.mode in ("PA", "LA", "RGBA", "La", "RGBa")
    if frame.mode in ("P", "PA") or (transparent and frame.mode not in ("LA", "RGBA")):
        frame = frame.convert("RGBA" if transparent else "RGB")
    else:
        frame = frame.copy()
    frame.info = {}
    if frame.mode in ("LA", "RGBA"):
        alpha = frame.getchannel("A")
        if alpha.getextrema()[0] == 0:  # some pixel is fully transparent
            blank = Image.new(frame.mode, frame.size, 0)
            frame = Image.composite(frame, blank, alpha.point(lambda a: 255 if a else 0))
            frame.info = {}
    return frame


#: The luminance table of the JPEG standard (Annex K), which encoders scale by a quality from 1 to 100.
_JPEG_LUMINANCE = (
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
)  # fmt: skip


def _jpeg_quality(tables: Mapping[int, Sequence[int]]) -> int:
    """The standard quality whose luminance table is nearest (in total) the file's first table: the file says how
    finely it was quantised, in about seven bits, and nothing more."""
    first = tables.get(0)
    if not first:
        return 90
    total = sum(first)

    def scaled(quality: int) -> int:
        factor = 5000 // quality if quality < 50 else 200 - 2 * quality
        return sum(min(max((v * factor + 50) // 100, 1), 255) for v in _JPEG_LUMINANCE)

    return min(range(1, 101), key=lambda quality: (abs(scaled(quality) - total), -quality))


#: PNG chunks that say how the pixels' values are colours, carried into the published file.
_PNG_COLOUR = (b"gAMA", b"cHRM", b"sRGB", b"cICP")


def _png_colour_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The colour chunks of a PNG, in its order (before its image data, where they belong)."""
    found, pos = [], 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            break
        if kind in _PNG_COLOUR:
            found.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return found


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
