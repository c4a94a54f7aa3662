import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lifevalley.images import validate_image


def image_bytes(format="PNG", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 90)).save(buffer, format=format)
    return buffer.getvalue()


@pytest.mark.parametrize("format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_real_raster_images_are_accepted(format):
    validate_image(SimpleUploadedFile(f"x.{format.lower()}", image_bytes(format)))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"this is a text file renamed", "not an image we can read"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "not an image"),
        ("cut.jpg", image_bytes("JPEG", (400, 300))[:600], "damaged or incomplete"),
        ("scan.bmp", image_bytes("BMP"), "Upload a JPEG, PNG, WebP or GIF"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile(name, content))
    assert message in " ".join(error.value.messages)


def test_huge_pixel_count_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert "40 megapixels" in " ".join(error.value.messages)
