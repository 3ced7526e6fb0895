"""Images are what their names say: decoded whole by Pillow, within bounds, before anything publishes them."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from generator._internal.images import MAX_IMAGE_BYTES, image_data_problem


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
