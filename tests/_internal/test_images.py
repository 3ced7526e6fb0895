"""Images are what their names say: decoded whole by Pillow, within bounds, before anything publishes them."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from generator._internal.images import MAX_FRAMES, MAX_IMAGE_BYTES, image_data_problem, published_image
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
    assert published_image("a.png", png) == (None, png)  # Pillow's own file comes back as it was
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


# --- a raster image may hold nothing but its picture ----------------------------------------------------------------


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


# --- and is published encoded again from its pixels: room in a codec's own data carries nothing out ---------------

SECRET = b"recipients: ada@example.org,Ada Lovelace;grace@example.org,Grace Hopper " * 8


def _chunk(kind: bytes, body: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunks.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def _png(chunks: list[tuple[bytes, bytes]]) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"".join(_chunk(kind, body) for kind, body in chunks)


def _png_slack(where: str) -> bytes:
    """A PNG Pillow decodes whole, whose container holds only picture chunks, carrying :data:`SECRET`."""
    import zlib

    chunks = _png_chunks(saved("PNG"))
    if where == "after the compressed stream in IDAT":
        return _png([(k, b + SECRET if k == b"IDAT" else b) for k, b in chunks])
    if where == "an IDAT chunk after the picture":
        return _png([*chunks[:-1], (b"IDAT", SECRET), chunks[-1]])
    # more scanlines than the picture has, compressed with it
    ihdr = chunks[0]
    rows = b"".join(b"\0" + b"\7\7\7" * 16 for _ in range(16))
    return _png([ihdr, (b"IDAT", zlib.compress(rows + SECRET, 0)), (b"IEND", b"")])  # stored: readable as it is


def _riff_slack(data: bytes) -> bytes:
    """A one-chunk WebP with :data:`SECRET` after its bitstream, inside its chunk (sizes made right)."""
    import struct

    kind, length = data[12:16], int.from_bytes(data[16:20], "little")
    body = data[20 : 20 + length] + SECRET
    pad = b"\0" * (len(body) & 1)
    chunk = kind + struct.pack("<I", len(body)) + body + pad
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def _noise(size: int = 16) -> Image.Image:
    import random

    pixels = random.Random(7).randbytes(size * size * 3)
    return Image.frombytes("RGB", (size, size), pixels)


def _saved(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.png", _png_slack("after the compressed stream in IDAT")),
        ("a.png", _png_slack("an IDAT chunk after the picture")),
        ("a.png", _png_slack("more scanlines than the picture has")),
        ("a.jpg", saved("JPEG")[:-2] + SECRET + b"\xff\xd9"),  # before the end marker, inside the scan
        ("a.webp", _riff_slack(saved("WEBP", lossless=True))),
        ("a.webp", _riff_slack(saved("WEBP"))),
    ],
    ids=["png-idat-tail", "png-extra-idat", "png-extra-rows", "jpeg-scan-tail", "webp-vp8l-tail", "webp-vp8-tail"],
)
def test_bytes_no_decoder_reads_are_never_published(name: str, data: bytes) -> None:
    """Each of these decodes whole and walks clean (only picture chunks, nothing after the end), and the build
    published it as it was: a private key or a recipients list rode out on the site inside a logo."""
    problem, published = published_image(name, data)
    assert problem is None  # a picture: the issuer may keep it
    assert SECRET[:20] not in published
    with Image.open(io.BytesIO(data)) as given, Image.open(io.BytesIO(published)) as shown:
        assert shown.format == given.format
        assert shown.size == given.size
        if given.format != "JPEG" and not (given.format == "WEBP" and b"VP8 " in data):  # lossless: same pixels
            assert shown.convert("RGBA").tobytes() == given.convert("RGBA").tobytes()


def test_an_animation_frame_that_never_decodes_is_refused() -> None:
    """An APNG whose second frame is no picture at all (Pillow decodes the first frame only when asked to load):
    its frame data went out unread."""
    import struct

    chunks = _png_chunks(saved("PNG"))
    ihdr, idat = chunks[0], [c for c in chunks if c[0] == b"IDAT"]

    def control(sequence: int) -> tuple[bytes, bytes]:
        return b"fcTL", struct.pack(">IIIIIHHBB", sequence, 16, 16, 0, 0, 1, 10, 0, 0)

    apng = _png(
        [ihdr, (b"acTL", struct.pack(">II", 2, 0)), control(0), *idat, control(1),
         (b"fdAT", struct.pack(">I", 2) + SECRET), (b"IEND", b"")]
    )  # fmt: skip
    problem, published = published_image("a.png", apng)
    assert problem == "is not a readable PNG image (not every frame of it decodes)"
    assert published == b""
    assert image_data_problem("a.png", apng) == problem


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_an_animation_keeps_its_frames_and_timing(fmt: str) -> None:
    data = frames(fmt)
    problem, published = published_image(f"a.{fmt.lower()}", data)
    assert problem is None
    with Image.open(io.BytesIO(published)) as shown:
        assert shown.n_frames == 2
        timing = []
        for n in range(2):
            shown.seek(n)
            shown.load()
            timing.append(int(shown.info["duration"]))
    assert timing == [100, 100]


def test_a_photo_comes_back_close_and_every_build_makes_the_same_bytes() -> None:
    photo = _noise(64).resize((256, 256))
    for name, fmt, options in (("a.jpg", "JPEG", {"quality": 85}), ("a.webp", "WEBP", {"quality": 80})):
        data = _saved(photo, fmt, **options)
        problem, published = published_image(name, data)
        assert problem is None
        assert published == published_image(name, data)[1]
        with Image.open(io.BytesIO(data)) as given, Image.open(io.BytesIO(published)) as shown:
            before, after = given.convert("RGB").tobytes(), shown.convert("RGB").tobytes()
        assert sum(abs(a - b) for a, b in zip(before, after, strict=True)) / len(before) < 16


def test_an_animation_of_more_pixels_than_a_still_may_have_is_refused() -> None:
    big = Image.new("L", (4096, 4096))
    data = _saved(big, "PNG", save_all=True, append_images=[Image.new("L", (4096, 4096), 1)])
    assert len(data) < MAX_IMAGE_BYTES
    assert image_data_problem("a.png", data) == (
        "image is 2 frames of 4096×4096 pixels; an animation may hold at most 4096×4096 pixels in all its frames"
    )


def test_a_png_keeps_how_its_values_are_colours() -> None:
    """gAMA, cHRM, sRGB and cICP tell a browser how to draw the pixels' values: the published PNG keeps them."""
    gamma = b"\x00\x01\x86\xa0"  # 1.0: linear values, drawn darker without it
    data = png_with(b"gAMA", gamma)
    problem, published = published_image("a.png", data)
    assert problem is None
    with Image.open(io.BytesIO(published)) as shown:
        assert shown.info["gamma"] == 1.0
    assert published.count(b"gAMA") == 1
    assert published.index(b"gAMA") < published.index(b"IDAT")


# --- what is published is a function of what the picture shows: nothing the file chose besides it rides along ----


def _shown_pixels(data: bytes) -> list[tuple[int, ...]]:
    """Every pixel as a browser draws it: RGBA, with any fully transparent pixel the same (it is drawn nowhere)."""
    with Image.open(io.BytesIO(data)) as image:
        return [p if p[3] else (0, 0, 0, 0) for p in image.convert("RGBA").get_flattened_data()]  # type: ignore[misc,index]


def test_a_palettes_unused_entries_and_their_transparency_are_not_published() -> None:
    """A palette PNG using two colours, whose other 254 palette entries (762 bytes) and their tRNS alpha values
    hold a file: the build wrote the palette back as it was, unused entries and all."""
    image = Image.new("P", (4, 4), 0)
    image.putpixel((0, 0), 1)
    image.putpalette([10, 20, 30, 200, 100, 0, *SECRET[: 254 * 3]])
    data = _saved(image, "PNG", transparency=bytes([255, 128, *SECRET[:200]]))
    problem, published = published_image("a.png", data)
    assert problem is None
    assert SECRET[:20] not in published
    assert SECRET[:20] not in zlib_text(published)
    assert _shown_pixels(published) == _shown_pixels(data)


def test_a_colour_key_no_pixel_has_is_not_published() -> None:
    image = Image.new("RGB", (4, 4), (1, 2, 3))
    data = _saved(image, "PNG", transparency=(0x4B, 0x45, 0x59))  # "KEY": a colour no pixel is
    problem, published = published_image("a.png", data)
    assert problem is None
    assert b"tRNS" not in published
    assert _shown_pixels(published) == _shown_pixels(data)


@pytest.mark.parametrize(("fmt", "options"), [("PNG", {}), ("WEBP", {"lossless": True, "exact": True})])
def test_the_colour_of_fully_transparent_pixels_is_not_published(fmt: str, options: dict[str, object]) -> None:
    """A fully transparent pixel is drawn nowhere, so its colour is three bytes of the file's choosing (exact=True
    kept them in the WebP the build wrote): a transparent margin carried a file. They are published black."""
    image = Image.frombytes("RGBA", (len(SECRET) // 3, 1), bytes(b for i in range(0, len(SECRET) // 3 * 3, 3)
                                                                for b in (*SECRET[i : i + 3], 0)))  # fmt: skip
    image.putpixel((0, 0), (9, 9, 9, 255))
    data = _saved(image, fmt, **options)
    problem, published = published_image(f"a.{fmt.lower()}", data)
    assert problem is None
    with Image.open(io.BytesIO(published)) as shown:
        pixels = list(shown.convert("RGBA").get_flattened_data())
    assert pixels[0] == (9, 9, 9, 255)
    assert set(pixels[1:]) == {(0, 0, 0, 0)}


def test_a_jpegs_quantisation_tables_and_resolution_are_not_published() -> None:
    """quality="keep" wrote the file's own tables back: 128 values of its choosing (up to 256 with four tables),
    and its resolution fields four bytes more. The published JPEG has standard tables at about its quality."""
    photo = _noise(32)
    chosen = [list(range(1, 65)), list(SECRET[:64])]
    data = _saved(photo, "JPEG", qtables=chosen, dpi=(4919, 21317))
    problem, published = published_image("a.jpg", data)
    assert problem is None
    assert SECRET[:16] not in published
    with Image.open(io.BytesIO(published)) as shown:
        assert sorted(shown.quantization[1]) != sorted(SECRET[:64])  # type: ignore[attr-defined]
        assert "dpi" not in shown.info
    for quality in (30, 75, 95):  # a standard file comes back at its own quality
        plain = _saved(photo, "JPEG", quality=quality)
        with (
            Image.open(io.BytesIO(plain)) as given,
            Image.open(io.BytesIO(published_image("a.jpg", plain)[1])) as shown,
        ):
            assert shown.quantization == given.quantization  # type: ignore[attr-defined]


def test_an_animation_of_more_frames_than_a_badge_needs_is_refused() -> None:
    """Thousands of 1×1 frames fit in the byte bound and the pixel bound, and each cost the check a decode and the
    build an encode: 20,000 took the build a quarter of a minute per file."""
    tiny = [Image.new("RGB", (1, 1), (n % 256, n // 256, 0)) for n in range(MAX_FRAMES + 1)]
    data = _saved(tiny[0], "PNG", save_all=True, append_images=tiny[1:], duration=10)
    assert image_data_problem("a.png", data) == f"image is an animation of {MAX_FRAMES + 1:,} frames; at most 1,000"
    assert published_image("a.png", data) == (image_data_problem("a.png", data), b"")


def zlib_text(png: bytes) -> bytes:
    """The decompressed image data of a PNG (where a palette's bytes would be if they were pixels)."""
    import zlib

    return zlib.decompress(b"".join(body for kind, body in _png_chunks(png) if kind == b"IDAT"))


def test_a_remembered_judgement_is_the_judgement() -> None:
    """The build judges again, in the check's process, every image the check judged: the same bytes under the same
    extension are answered from memory, and the answer is what judging them again gives; the same bytes under
    another extension, or one byte changed, are judged for themselves."""
    from generator._internal import images

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>'
    scripted = svg.replace(b"<rect", b"<script>alert(1)</script><rect")
    samples = [
        ("a.svg", svg),
        ("a.svg", scripted),
        ("a.png", svg),
        ("a.png", encoded("PNG")),
        ("a.png", encoded("GIF")),
    ]
    samples += [("a.SVG", svg), ("a.svg", svg + b" "), ("a.webp", encoded("WEBP"))]
    images._REMEMBERED.clear()
    first = [images._judged(name, data) for name, data in samples]
    assert len(images._REMEMBERED) == len(samples) - 1  # a.svg and a.SVG: one extension, the same bytes
    again = [images._judged(name, data) for name, data in samples]
    fresh = [images._judge(name.rsplit(".", 1)[-1].lower(), data) for name, data in samples]
    assert first == again == fresh
    assert first[0][0] is None
    assert b"<svg" in first[0][1]
    assert [problem is None for problem, _ in first[2:5]] == [False, True, False]


def test_remembered_judgements_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator._internal import images

    monkeypatch.setattr(images, "_REMEMBERED_BYTES", 1024)
    images._REMEMBERED.clear()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="%d" height="8"/></svg>'
    for n in range(20):
        assert images._judged("a.svg", svg % n)[0] is None
        assert images._remembered_size <= 1024
    assert 0 < len(images._REMEMBERED) < 20
