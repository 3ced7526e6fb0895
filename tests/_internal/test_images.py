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
