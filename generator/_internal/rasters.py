"""What a PNG, JPEG, WebP or GIF file holds besides its picture: the one rule that such an image holds nothing else.

Pillow decodes a file happily whatever its text chunks, metadata segments or trailing bytes hold: a logo could
carry a list of recipients, a page of HTML or an archive that no check reads and no reviewer sees. The site
publishes the picture encoded again from its pixels (:mod:`generator._internal.images`), so none of it goes out;
this rule tells the issuer, by name, what their file carries. The file's container is walked chunk by chunk
(segment by segment for a JPEG), and only what describes pixels passes: no text, no EXIF, XMP or ICC profile, no
unknown or private chunk, nothing after the image's end. The pixels themselves are Pillow's to judge
(:mod:`generator._internal.images`). A container too damaged to walk is left to Pillow, which refuses it.
"""

from __future__ import annotations

__all__ = ["extra_content", "raster_format", "unwalked_format"]

#: PNG chunks that describe the picture (and APNG's frames), with the most bytes each may hold (``None``: the
#: compressed pixels). No free text, no embedded file; and a bound, as Pillow reads what it needs of a chunk and
#: skips the rest: an oversized gAMA chunk would carry anything.
_PNG_CHUNKS: dict[bytes, int | None] = {
    b"IHDR": 13, b"PLTE": 768, b"IDAT": None, b"IEND": 0, b"tRNS": 256, b"gAMA": 4, b"cHRM": 32, b"sRGB": 1,
    b"sBIT": 4, b"bKGD": 6, b"pHYs": 9, b"hIST": 512, b"tIME": 7, b"cICP": 4, b"acTL": 8, b"fcTL": 26,
    b"fdAT": None,
}  # fmt: skip
#: JPEG markers with a length of the picture: SOF0-15 (but 0xC8, reserved; 0xC4 is DHT), DQT, DNL, DRI, SOS, and
#: APP0 (JFIF) and APP14 (Adobe), whose contents are checked. The rest (APP1-13 and 15: EXIF, XMP, ICC, IPTC;
#: COM; reserved markers) carries metadata or nothing a decoder needs.
_JPEG_MARKERS = frozenset({*range(0xC0, 0xD0), 0xDA, 0xDB, 0xDC, 0xDD, 0xE0, 0xEE} - {0xC8})
#: WebP chunks of the picture, its alpha and its animation, with the most bytes each may hold (as for PNG).
_WEBP_CHUNKS: dict[bytes, int | None] = {
    b"VP8 ": None, b"VP8L": None, b"VP8X": 10, b"ALPH": None, b"ANIM": 6, b"ANMF": None
}  # fmt: skip
_WEBP_FRAME_CHUNKS = {kind: _WEBP_CHUNKS[kind] for kind in (b"VP8 ", b"VP8L", b"ALPH")}
_AFTER_END = "bytes after the end of the image"
_METADATA = "metadata (EXIF, XMP, an ICC profile or a comment)"


#: A GIF's application extensions of its picture: an animation's loop count (Netscape's, and its old spelling).
_GIF_APPLICATIONS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def raster_format(data: bytes) -> str | None:
    """The raster format ``data`` starts like, by its first bytes (a file's name is chosen freely), if any:
    ``PNG``, ``JPEG``, ``WEBP`` or ``GIF``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data[:4] in (b"\0\0\1\0", b"\0\0\2\0") and len(data) > 6 and data[4:6] != b"\0\0":
        return "ICO"
    return None


#: ISO-BMFF brands of HEIF images (HEIC, AVIF and their sequences): an ``ftyp`` box's major brand.
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
#: A BMP's DIB header sizes (core, info, v2-v5): with its reserved zeros, what tells ``BM`` from text.
_BMP_HEADERS = (12, 40, 52, 56, 64, 108, 124)


def unwalked_format(data: bytes) -> str | None:
    """The image format ``data`` starts like, by its first bytes, when it is one whose metadata no walker here
    reads and the registry has no use for: TIFF (its tags are EXIF's: an artist, a description, XMP, IPTC), BMP
    (a V5 header embeds a colour profile, and bytes may sit between its header and pixels), HEIF and AVIF (Exif
    and XMP items in a ``meta`` box), JPEG XL (Exif and XMP boxes). Issuer images are PNG, JPEG, WebP, GIF or
    SVG, and a page or a document shows those everywhere: such a file is converted rather than walked."""
    if data[:4] in (b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"):
        return "TIFF"
    if (
        data.startswith(b"BM")
        and len(data) >= 18
        and data[6:10] == b"\0\0\0\0"
        and int.from_bytes(data[14:18], "little") in _BMP_HEADERS
    ):
        return "BMP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "AVIF" if data[8:12] in (b"avif", b"avis") else "HEIF (HEIC)"
    if data.startswith((b"\xff\x0a", b"\0\0\0\x0cJXL \r\n\x87\n")):
        return "JPEG XL"
    return None


def extra_content(data: bytes, fmt: str) -> str | None:
    """What ``data`` (a file Pillow read as ``fmt``: ``PNG``, ``JPEG``, ``WEBP`` or ``GIF``) holds besides its
    picture, in words, or ``None`` when it holds nothing else (or its container cannot be walked: Pillow's to
    refuse)."""
    if fmt == "PNG":
        return _png(data)
    if fmt == "JPEG":
        return _jpeg(data)
    if fmt == "WEBP":
        return _webp(data)
    if fmt == "GIF":
        return _gif(data)
    if fmt == "ICO":
        return _ico(data)
    return None


def _ico(data: bytes) -> str | None:
    """An icon (a favicon) entry by entry: each a PNG, walked as one, or a bitmap (no metadata of its own); its
    entries one after the other from the end of its directory, with nothing between them or after them."""
    count = int.from_bytes(data[4:6], "little")
    pos = 6 + 16 * count
    if pos > len(data):
        return None  # truncated: not an icon any reader shows
    spans = sorted(
        (int.from_bytes(data[at + 12 : at + 16], "little"), int.from_bytes(data[at + 8 : at + 12], "little"))
        for at in range(6, pos, 16)
    )
    for offset, size in spans:
        if offset != pos:
            return "bytes between its images"
        entry = data[offset : offset + size]
        found = _png(entry) if entry.startswith(b"\x89PNG\r\n\x1a\n") else _icon_bitmap(entry)
        if found is not None:
            return found
        pos = offset + size
    return _AFTER_END if pos < len(data) else None


def _icon_bitmap(entry: bytes) -> str | None:
    """An icon's bitmap entry: a BITMAPINFOHEADER, its palette, its pixels and its mask (twice the picture's
    height between them), and nothing after them but zeros: an entry whose size holds more carries it unseen."""
    if len(entry) < 40 or int.from_bytes(entry[:4], "little") != 40:
        return "a bitmap with a header other than an icon's"
    width = int.from_bytes(entry[4:8], "little", signed=True)
    height = abs(int.from_bytes(entry[8:12], "little", signed=True)) // 2
    bits, compression = int.from_bytes(entry[14:16], "little"), int.from_bytes(entry[16:20], "little")
    colours = int.from_bytes(entry[32:36], "little") or (1 << bits if bits <= 8 else 0)
    if width <= 0 or compression not in (0, 3):
        return None  # no bitmap a reader shows; its bytes are searched as any file's
    expected = (
        40
        + (12 if compression == 3 else 0)
        + 4 * colours
        + ((width * bits + 31) // 32) * 4 * height
        + ((width + 31) // 32) * 4 * height
    )
    # Writers differ on the mask's length (Pillow writes a fixed one, zeros past a small icon's mask): past it,
    # zeros are padding, anything else is carried.
    return "bytes after its bitmap's pixels" if entry[expected:].strip(b"\0") else None


def _name(kind: bytes) -> str:
    """A chunk's type for a message: its four letters, or nothing of the file's bytes when they are not letters."""
    return f"its {kind.decode('ascii')} chunk" if kind.isalpha() else "a chunk of an unknown type"


def _png(data: bytes) -> str | None:
    pos = 8  # the signature
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind not in _PNG_CHUNKS:
            return f"text in its {kind.decode()} chunk" if kind in (b"tEXt", b"zTXt", b"iTXt") else _name(kind)
        bound = _PNG_CHUNKS[kind]
        if bound is not None and length > bound:
            return f"{_name(kind)}, longer than such a chunk is"
        pos += 12 + length
        if kind == b"IEND":
            return _AFTER_END if pos < len(data) else None
    return None


def _jpeg(data: bytes) -> str | None:
    pos = 2  # SOI
    while pos + 1 < len(data):
        if data[pos] != 0xFF:
            return "bytes between its segments"
        marker = data[pos + 1]
        if marker == 0xFF:  # fill
            pos += 1
            continue
        if marker == 0xD9:  # EOI
            return _AFTER_END if pos + 2 < len(data) else None
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # restart markers, TEM: no length
            pos += 2
            continue
        if pos + 4 > len(data):
            return None
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        body = data[pos + 4 : end]
        if marker not in _JPEG_MARKERS:
            return _METADATA if 0xE1 <= marker <= 0xEF or marker == 0xFE else "a segment of an unknown kind"
        if marker == 0xE0 and not _jfif(body):
            return _METADATA
        if marker == 0xEE and not (body.startswith(b"Adobe") and len(body) == 12):  # Adobe's colour transform
            return _METADATA
        pos = end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker (FF00 is a stuffed FF)
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= len(data):
                    return None  # no end of image: truncated, Pillow's to refuse
                follower = data[pos + 1]
                if follower == 0x00 or 0xD0 <= follower <= 0xD7:
                    pos += 2
                    continue
                break
    return None


def _jfif(body: bytes) -> bool:
    """Whether an APP0 segment is JFIF's, holding its fields only (no thumbnail: pixels nobody sees)."""
    return body.startswith(b"JFIF\0") and len(body) == 14 and body[12:14] == b"\0\0"


def _webp_chunks(data: bytes, pos: int, end: int, allowed: dict[bytes, int | None]) -> str | None:
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        length = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if kind not in allowed:
            return _METADATA if kind in (b"ICCP", b"EXIF", b"XMP ") else _name(kind)
        bound = allowed[kind]
        if bound is not None and length > bound:
            return f"{_name(kind)}, longer than such a chunk is"
        if kind == b"ANMF":  # a frame: 16 bytes of placement, then its own chunks
            inner = _webp_chunks(data, pos + 24, min(pos + 8 + length, end), _WEBP_FRAME_CHUNKS)
            if inner is not None:
                return inner
        pos += 8 + length + (length & 1)
    return _AFTER_END if pos < end else None


def _webp(data: bytes) -> str | None:
    if len(data) < 12:
        return None
    end = 8 + int.from_bytes(data[4:8], "little")  # the RIFF header's size: the file ends there
    if end < len(data):
        return _AFTER_END
    return _webp_chunks(data, 12, min(end, len(data)), _WEBP_CHUNKS)


def _gif(data: bytes) -> str | None:
    """A GIF block by block: a comment or plain text extension, an application's other than an animation's loop
    (XMP is one), bytes between its blocks or after its trailer (None when it ends early: nothing more is in it)."""

    def sub_blocks(pos: int) -> int:  # the position after a run of sub-blocks
        while pos < len(data) and data[pos]:
            pos += 1 + data[pos]
        return pos + 1

    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0) if len(data) > 10 else len(data)
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer
            return _AFTER_END if pos + 1 < len(data) else None
        if block == 0x2C:  # an image: its descriptor, its local colour table, its LZW code size and data
            packed = data[pos + 9] if pos + 9 < len(data) else 0
            pos = sub_blocks(pos + 10 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0) + 1)
        elif block == 0x21 and pos + 1 < len(data):
            label = data[pos + 1]
            if label in (0xFE, 0x01):
                return "text in its comment extension" if label == 0xFE else "text in its plain text extension"
            if label == 0xFF and data[pos + 3 : pos + 14] not in _GIF_APPLICATIONS:
                return "an application's extension (metadata such as XMP)"
            pos = sub_blocks(pos + 2)
        else:
            return "bytes between its blocks"
    return None
