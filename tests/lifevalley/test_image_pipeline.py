import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from PIL import Image

from directory.models import Organisation
from tests.admin_forms import organisation_add_form, zone_form
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
    form = zone_form(admin_client, image=upload, image_alt_en="A description")
    response = admin_client.post(reverse("admin:zones_zone_add"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Zone.objects.exists()
    assert stored_files() == []


def test_admin_requires_alt_text_with_an_image(admin_client):
    upload = SimpleUploadedFile("hills.jpg", jpeg_bytes((400, 300)))
    response = admin_client.post(
        reverse("admin:zones_zone_add"), zone_form(admin_client, image=upload, image_alt_en="")
    )
    assert response.status_code == 200
    assert "Describe the image for screen readers." in response.content.decode()
    assert not Zone.objects.exists()


def test_admin_accepts_a_real_photo(admin_client):
    upload = SimpleUploadedFile("hills.jpg", jpeg_bytes((400, 300)))
    form = zone_form(admin_client, image=upload, image_alt_en="A description")
    response = admin_client.post(reverse("admin:zones_zone_add"), form)
    assert response.status_code == 302
    zone = Zone.objects.get()
    assert (zone.image_width, zone.image_height) == (400, 300)


# Uploads that must not collide, leak metadata or outlive their object.

GPS_IFD = 0x8825


def image_bytes(format, colour, size=(400, 300)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=format)
    return buffer.getvalue()


def gps_jpeg_bytes():
    """A 1600 × 900 phone photo, turned by EXIF, with GPS position, maker, XMP and a comment."""
    image = Image.new("RGB", (1600, 900), (200, 30, 30))
    image.paste((0, 0, 255), (0, 0, 400, 225))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise
    exif[0x010F] = "PhoneMaker"
    exif[GPS_IFD] = {1: "N", 2: (40.0, 5.0, 30.0), 3: "E", 4: (116.0, 17.0, 45.0)}
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    image.save(buffer, format="JPEG", exif=exif, xmp=xmp, comment=b"Home, 5th floor")
    return buffer.getvalue()


def srcset_names(html):
    """Storage names of every URL in the page's <picture> srcsets and src."""
    urls = re.findall(r'(?:srcset|src)="(/media/[^"]+)"', html)
    return {
        url.removeprefix("/media/").rsplit(" ", 1)[0]
        for attribute in urls
        for url in attribute.split(", ")
    }


def opened(name):
    with default_storage.open(name) as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


def upload_zone_image(admin_client, name, content, zone=None):
    form = zone_form(admin_client, zone, image=SimpleUploadedFile(name, content),
                     image_alt_en="Hills")
    if zone:
        url = reverse("admin:zones_zone_change", args=[zone.pk])
    else:
        url = reverse("admin:zones_zone_add")
    response = admin_client.post(url, form)
    assert response.status_code == 302
    return Zone.objects.get(slug=form["slug"])


def test_logos_with_one_file_stem_keep_their_own_renditions(
    client, editor_client, make_organisation
):
    published = make_organisation(name="BeiGene", slug="beigene", logo_alt="BeiGene logo")
    published.logo.save("beigene.png", ContentFile(image_bytes("PNG", (0, 160, 80))))
    published.save()
    # An Editor's draft with a logo of the same name, uploaded through the admin.
    editor_client.post(
        reverse("admin:directory_organisation_add"),
        organisation_add_form(
            editor_client,
            logo=SimpleUploadedFile("beigene.gif", image_bytes("GIF", (220, 0, 0))),
            logo_alt_en="Someone else's logo",
        ),
    )
    draft = Organisation.objects.get(slug="changping-laboratory")
    assert draft.is_published is False and draft.logo

    public_names = srcset_names(client.get(published.get_absolute_url()).content.decode())
    draft_names = srcset_names(editor_client.get(draft.get_absolute_url()).content.decode())
    assert public_names and draft_names
    assert not public_names & draft_names
    public_bytes = {default_storage.open(name).read() for name in public_names}
    draft_bytes = {default_storage.open(name).read() for name in draft_names}
    assert not public_bytes & draft_bytes
    for name in public_names:  # the public page still shows BeiGene's green logo
        red, green, _blue = opened(name).convert("RGB").getpixel((10, 10))
        assert green > 120 and red < 40


def test_photo_jpg_and_photo_png_in_one_month_do_not_share_renditions(client, make_zone):
    first, second = make_zone(image_alt="One"), make_zone(image_alt="Two")
    first.image.save("photo.jpg", ContentFile(image_bytes("JPEG", (0, 0, 200))), save=True)
    second.image.save("photo.png", ContentFile(image_bytes("PNG", (200, 200, 0))), save=True)
    first_names = srcset_names(client.get(first.get_absolute_url()).content.decode())
    second_names = srcset_names(client.get(second.get_absolute_url()).content.decode())
    assert first_names and second_names
    assert not first_names & second_names
    assert opened(first_names.pop()).convert("RGB").getpixel((5, 5))[2] > 150


def test_gps_exif_is_stripped_from_the_original_and_every_rendition(admin_client, client):
    source = Image.open(io.BytesIO(gps_jpeg_bytes()))
    assert source.getexif().get_ifd(GPS_IFD) and "xmp" in source.info  # the upload carries them
    zone = upload_zone_image(admin_client, "phone.jpg", gps_jpeg_bytes())
    original = opened(zone.image.name)
    assert original.format == "JPEG"
    assert not original.getexif() and not original.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "comment"} & set(original.info)
    assert original.size == (900, 1600)  # upright: the orientation was applied, not dropped
    red, _green, blue = original.getpixel((880, 20))  # top-right is the old top-left corner
    assert blue > 200 and red < 60
    renditions = srcset_names(client.get(zone.get_absolute_url()).content.decode())
    assert len(renditions) == 6  # 320, 640 and 900 px wide, WebP and JPEG
    for name in renditions:
        rendition = opened(name)
        assert not rendition.getexif() and "exif" not in rendition.info
        assert rendition.height > rendition.width


@pytest.mark.parametrize("uploaded_name", ["photo.jpg", "photo.pdf"])
def test_png_with_another_extension_is_stored_as_png(admin_client, client, uploaded_name):
    zone = upload_zone_image(admin_client, uploaded_name, image_bytes("PNG", (0, 90, 60)))
    assert zone.image.name.endswith(".png")
    assert opened(zone.image.name).format == "PNG"
    html = client.get(zone.get_absolute_url()).content.decode()
    assert re.search(r'<img src="/media/renditions/[^"]+\.png"', html)


def test_animated_gif_is_stored_as_its_first_frame(make_zone):
    frames = [Image.new("P", (120, 80), colour) for colour in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], comment=b"x")
    zone = make_zone(image_alt="Animation")
    zone.image.save("spinner.gif", ContentFile(buffer.getvalue()), save=True)
    stored = opened(zone.image.name)
    assert zone.image.name.endswith(".gif")
    assert stored.format == "GIF" and getattr(stored, "n_frames", 1) == 1
    assert "comment" not in stored.info


def files_of(zone):
    return {zone.image.name, *(name for name in stored_files() if "renditions/" in name)}


@pytest.mark.parametrize("change", ["replace", "clear"])
def test_replacing_or_clearing_an_image_deletes_its_old_files(
    admin_client, django_capture_on_commit_callbacks, change
):
    zone = upload_zone_image(admin_client, "hills.jpg", image_bytes("JPEG", (10, 10, 10)))
    old_files = files_of(zone)
    assert len(old_files) == 5  # the original; WebP and JPEG, 320 and 400 px wide
    if change == "replace":
        new = SimpleUploadedFile("hills.jpg", image_bytes("JPEG", (1, 1, 1)))
        form = zone_form(admin_client, zone, image=new, image_alt_en="Hills")
    else:
        form = zone_form(admin_client, zone, **{"image-clear": "on"})
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)
    assert response.status_code == 302
    zone.refresh_from_db()
    assert not old_files & set(stored_files())
    if change == "replace":
        assert files_of(zone) == set(stored_files()) and len(stored_files()) == 5
    else:
        assert stored_files() == []


@pytest.mark.parametrize("how", ["delete page", "bulk action"])
def test_deleting_the_object_deletes_its_images(
    admin_client, django_capture_on_commit_callbacks, how
):
    zone = upload_zone_image(admin_client, "hills.jpg", image_bytes("JPEG", (10, 10, 10)))
    assert len(stored_files()) == 5
    if how == "delete page":
        url, data = reverse("admin:zones_zone_delete", args=[zone.pk]), {"post": "yes"}
    else:
        url = reverse("admin:zones_zone_changelist")
        data = {"action": "delete_selected", "_selected_action": [zone.pk], "post": "yes"}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)
    assert response.status_code == 302
    assert not Zone.objects.exists()
    assert stored_files() == []


def test_rolled_back_replacement_keeps_the_image_in_use(
    client, make_zone, django_capture_on_commit_callbacks
):
    zone = make_zone(image_alt="Hills")
    zone.image.save("hills.jpg", ContentFile(image_bytes("JPEG", (10, 10, 10))), save=True)
    zone = Zone.objects.get(pk=zone.pk)
    shown = srcset_names(client.get(zone.get_absolute_url()).content.decode())
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        zone.image.save("new.jpg", ContentFile(image_bytes("JPEG", (9, 9, 9))), save=True)
        raise RuntimeError("the save fails later in the request")
    assert shown <= set(stored_files())
    assert srcset_names(client.get(zone.get_absolute_url()).content.decode()) == shown


def test_a_copy_sharing_the_file_keeps_it_when_the_first_is_deleted(
    client, make_zone, django_capture_on_commit_callbacks
):
    zone = make_zone(image_alt="Hills")
    zone.image.save("hills.jpg", ContentFile(image_bytes("JPEG", (10, 10, 10))), save=True)
    copy = make_zone(image=zone.image.name, image_alt="The same hills")
    with django_capture_on_commit_callbacks(execute=True):
        zone.delete()
    shown = srcset_names(client.get(copy.get_absolute_url()).content.decode())
    assert shown and shown | {copy.image.name} <= set(stored_files())


def test_clean_images_restores_old_uploads_without_metadata(
    client, make_zone, django_capture_on_commit_callbacks
):
    legacy_name = default_storage.save("images/2026/11/phone.jpg", ContentFile(gps_jpeg_bytes()))
    zone = make_zone(image=legacy_name, image_alt="Hills")
    old_files = set(stored_files())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("clean_images", stdout=io.StringIO())
    zone.refresh_from_db()
    assert zone.image.name != legacy_name and zone.image.name.endswith(".jpg")
    assert not opened(zone.image.name).getexif()
    assert not old_files & set(stored_files())
    shown = srcset_names(client.get(zone.get_absolute_url()).content.decode())
    assert shown and shown <= set(stored_files())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("clean_images", stdout=io.StringIO())
    assert Zone.objects.get(pk=zone.pk).image.name == zone.image.name  # run again: no change
