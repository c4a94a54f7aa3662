import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.admin_forms import zone_form
from zones.models import Zone

pytestmark = pytest.mark.django_db


def jpeg_bytes(size=(1600, 900), orientation=None):
    image = Image.new("RGB", size, (200, 30, 30))
    # Paint the top-left corner so we can tell which way up the rendition is.
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"  # Make: metadata that must not survive
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def stored_files():
    root = default_storage.location
    import os

    return sorted(
        os.path.relpath(os.path.join(folder, name), root)
        for folder, _dirs, names in os.walk(root)
        for name in names
    )


def test_upload_renders_webp_and_fallback_sizes(make_zone):
    zone = make_zone(image_alt="Hills")
    zone.image.save("hills.jpg", ContentFile(jpeg_bytes()), save=True)
    zone.refresh_from_db()
    assert (zone.image_width, zone.image_height) == (1600, 900)
    stem = zone.image.name.rsplit(".", 1)[0]
    expected = {
        f"renditions/{stem}-{width}w.{ext}"
        for width in (320, 640, 960, 1280, 1600)
        for ext in ("webp", "jpg")
    }
    assert expected <= set(stored_files())
    assert zone.image.name in stored_files()  # the original is kept


def test_phone_photo_with_exif_rotation_is_shown_upright(make_zone):
    zone = make_zone(image_alt="Portrait photo")
    # Stored 1600 × 900 landscape, EXIF says "rotate 90° clockwise": upright it is portrait.
    zone.image.save("phone.jpg", ContentFile(jpeg_bytes(orientation=6)), save=True)
    zone.refresh_from_db()
    assert (zone.image_width, zone.image_height) == (900, 1600)
    stem = zone.image.name.rsplit(".", 1)[0]
    with default_storage.open(f"renditions/{stem}-640w.jpg") as file:
        rendition = Image.open(file)
        rendition.load()
    assert rendition.size == (640, 1138)
    assert not rendition.getexif()  # metadata stripped
    red, green, blue = rendition.getpixel((600, 20))  # top-right is the old top-left corner
    assert blue > 200 and red < 60


def test_zone_page_serves_responsive_picture(client, make_zone):
    zone = make_zone(image_alt="Hills at dawn")
    zone.image.save("hills.jpg", ContentFile(jpeg_bytes((800, 450))), save=True)
    html = client.get(zone.get_absolute_url()).content.decode()
    stem = zone.image.name.rsplit(".", 1)[0]
    assert f'<source type="image/webp" srcset="/media/renditions/{stem}-320w.webp 320w' in html
    assert 'width="800" height="450" alt="Hills at dawn"' in html


def huge_png():
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.png", b"just some text, renamed", "not an image we can read"),
        ("cut.jpg", jpeg_bytes()[:2000], "damaged or incomplete"),
        ("huge.png", huge_png(), "40 megapixels"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "not an image"),
    ],
)
def test_admin_refuses_bad_uploads_and_stores_nothing(admin_client, name, content, message):
    upload = SimpleUploadedFile(name, content)
    form = zone_form(image=upload, image_alt_en="A description")
    response = admin_client.post(reverse("admin:zones_zone_add"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Zone.objects.exists()
    assert stored_files() == []


def test_admin_requires_alt_text_with_an_image(admin_client):
    upload = SimpleUploadedFile("hills.jpg", jpeg_bytes((400, 300)))
    response = admin_client.post(
        reverse("admin:zones_zone_add"), zone_form(image=upload, image_alt_en="")
    )
    assert response.status_code == 200
    assert "Describe the image for screen readers." in response.content.decode()
    assert not Zone.objects.exists()


def test_admin_accepts_a_real_photo(admin_client):
    upload = SimpleUploadedFile("hills.jpg", jpeg_bytes((400, 300)))
    form = zone_form(image=upload, image_alt_en="A description")
    response = admin_client.post(reverse("admin:zones_zone_add"), form)
    assert response.status_code == 302
    zone = Zone.objects.get()
    assert (zone.image_width, zone.image_height) == (400, 300)
