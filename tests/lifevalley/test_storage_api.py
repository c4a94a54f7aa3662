"""The image pipeline and the media backup go only through Django's storage API.

With the default storage set to Django's InMemoryStorage (not the local file system), an
upload through the admin, its renditions and the URLs on the public page all live in that
storage, and nothing is written to MEDIA_ROOT: what object storage (django-storages' S3
backend, DJANGO_MEDIA_STORAGE) needs.
"""

import io
import os
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from lifevalley.backups import storage_names
from tests.admin_forms import zone_form
from zones.models import Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def memory_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media-must-stay-empty"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    yield default_storage
    assert not settings.MEDIA_ROOT.exists() or not any(os.scandir(settings.MEDIA_ROOT))


def image_bytes(fmt, size=(1000, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 60)).save(buffer, format=fmt)
    return buffer.getvalue()


def srcset_urls(html):
    """Every URL in the page's srcset and src attributes under /media/."""
    urls = set()
    for attribute in re.findall(r'(?:srcset|src)="([^"]*)"', html):
        for candidate in attribute.split(","):
            url = candidate.strip().split(" ")[0]
            if url.startswith("/media/"):
                urls.add(url)
    return urls


def test_admin_upload_renders_into_the_configured_storage(
    admin_client, memory_storage, settings
):
    assert isinstance(storages["default"], InMemoryStorage)
    upload = SimpleUploadedFile("hills.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    response = admin_client.post(
        reverse("admin:zones_zone_add"),
        zone_form(admin_client, image=upload, image_alt_en="Green hills"),
    )
    assert response.status_code == 302

    zone = Zone.objects.get(slug="frontier-technology")
    html = client_page(admin_client, zone)
    urls = srcset_urls(html)
    assert any(url.endswith(".webp") for url in urls)
    assert len(urls) >= 4  # WebP and fallback, at 320, 640, 960 and the original's 1000 px
    stored = set(storage_names(memory_storage))
    assert {url.removeprefix(settings.MEDIA_URL) for url in urls} <= stored
    assert zone.image.name in stored  # the original, kept in the same storage
    assert not settings.MEDIA_ROOT.exists()


def client_page(client, zone):
    response = client.get(zone.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_logo_saved_on_the_model_serves_renditions_from_the_storage(
    client, memory_storage, make_organisation, settings
):
    organisation = make_organisation(logo_alt="BeiGene logo")
    organisation.logo.save("beigene.png", ContentFile(image_bytes("PNG", (500, 500))), save=True)

    response = client.get(organisation.get_absolute_url())
    urls = srcset_urls(response.content.decode())
    assert urls
    for url in urls:
        name = url.removeprefix(settings.MEDIA_URL)
        with memory_storage.open(name, "rb") as file:
            assert Image.open(file).format in {"WEBP", "PNG"}
    assert not settings.MEDIA_ROOT.exists()


def test_media_backup_restores_the_same_files_into_an_empty_storage(
    memory_storage, make_organisation, tmp_path
):
    organisation = make_organisation(logo_alt="Logo")
    organisation.logo.save("logo.png", ContentFile(image_bytes("PNG", (400, 400))), save=True)
    before = {name: memory_storage.open(name).read() for name in storage_names(memory_storage)}
    archive = tmp_path / "media.tar"

    call_command("dumpmedia", str(archive))
    for name in before:
        memory_storage.delete(name)
    assert list(storage_names(memory_storage)) == []
    call_command("loadmedia", str(archive))

    after = {name: memory_storage.open(name).read() for name in storage_names(memory_storage)}
    assert after == before
    assert organisation.logo.name in after


def test_media_restore_refuses_a_storage_that_is_not_empty(memory_storage, tmp_path):
    from django.core.management.base import CommandError

    memory_storage.save("images/2026/kept.jpg", ContentFile(image_bytes("JPEG")))
    archive = tmp_path / "media.tar"
    call_command("dumpmedia", str(archive))

    with pytest.raises(CommandError, match="not empty"):
        call_command("loadmedia", str(archive))
