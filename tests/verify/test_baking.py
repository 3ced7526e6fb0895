"""Reading a credential baked into a badge image (OB 3.0 baking), and `credreg verify` on images (issue 15)."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from generator.baking import BakingError, baked_credential

CREDENTIAL = '{"type": ["VerifiableCredential", "OpenBadgeCredential"], "name": "Ünïcode ]] badge"}'


def _chunk(kind: bytes, body: bytes, *, crc: int | None = None) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) if crc is None else crc)
    )


def _png(*extra: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + b"".join(extra) + _chunk(b"IEND", b"")
    )  # fmt: skip


def _itxt(text: str, *, compressed: int = 0, keyword: bytes = b"openbadgecredential") -> bytes:
    return _chunk(b"iTXt", keyword + b"\0" + bytes([compressed, 0]) + b"\0\0" + text.encode())


def _svg(inner: str, ns: str = "https://purl.imsglobal.org/ob/v3p0") -> bytes:
    return (
        f'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{ns}" viewBox="0 0 1 1">'
        f"{inner}<rect width='1' height='1'/></svg>"
    ).encode()


def test_a_png_s_credential_is_read_exactly() -> None:
    assert baked_credential(_png(_itxt(CREDENTIAL))) == CREDENTIAL


def test_an_svg_s_credential_is_read_exactly() -> None:
    svg = _svg(f"<openbadges:credential><![CDATA[{CREDENTIAL}]]></openbadges:credential>")
    assert baked_credential(svg) == CREDENTIAL


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (_png(), "no baked credential"),
        (_png(_itxt(CREDENTIAL, keyword=b"openbadges")), "no baked credential"),
        (_png(_itxt(CREDENTIAL, compressed=1)), "compressed"),
        (_png(_itxt(CREDENTIAL), _itxt(CREDENTIAL)), "more than one"),
        (_png(_chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0{}", crc=1)), "CRC fails"),
        (_png()[:-6], "cut short"),
        (
            _svg(f"<openbadges:credential><![CDATA[{CREDENTIAL}]]></openbadges:credential>", "https://x.test/"),
            "no baked credential",
        ),
        (_svg(""), "no baked credential"),
        (b"GIF89a", "not a PNG or SVG"),
    ],
)
def test_what_is_not_a_baked_badge_is_refused_with_a_reason(image: bytes, message: str) -> None:
    with pytest.raises(BakingError, match=message):
        baked_credential(image)


def test_credreg_verify_says_why_an_image_has_no_award(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    path.write_bytes(_png())
    done = subprocess.run(
        [sys.executable, "-m", "generator", "verify", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "no baked credential" in done.stderr
