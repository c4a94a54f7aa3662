import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from tests.admin_forms import zone_form
from zones.models import Zone

pytestmark = pytest.mark.django_db


def test_setup_roles_is_idempotent_and_separates_publishing():
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    assert {"add_zone", "change_zone", "view_zone", "change_keyfigure"} <= editors
    assert not {c for c in editors if c.startswith(("publish_", "delete_"))}
    assert {"publish_zone", "delete_zone", "publish_keyfigure", "delete_organisation"} <= publishers
    assert editors < publishers
    # The calendars events are imported from are staff content too (lifevalley/content_apps.py).
    assert {"add_eventsource", "change_eventsource", "view_sourcerun"} <= editors
    assert {"delete_eventsource"} <= publishers
    assert Group.objects.filter(name__in=["Editors", "Publishers"]).count() == 2


def test_editor_creates_zone_as_draft_even_when_posting_published(editor_client):
    response = editor_client.post(reverse("admin:zones_zone_add"), zone_form(editor_client))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Zone.objects.get(slug="frontier-technology").is_published is False


def test_editor_cannot_publish_through_the_change_form(editor_client, make_zone):
    zone = make_zone(is_published=False)
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    response = editor_client.post(
        url, zone_form(editor_client, zone, tagline_en="Edited", is_published="on")
    )
    assert response.status_code == 302
    zone.refresh_from_db()
    assert (zone.tagline, zone.is_published) == ("Edited", False)


def test_editor_cannot_publish_through_the_list_action(editor_client, make_zone):
    zone = make_zone(is_published=False)
    changelist = reverse("admin:zones_zone_changelist")
    assert "publish_selected" not in editor_client.get(changelist).content.decode()
    editor_client.post(changelist, {"action": "publish_selected", "_selected_action": [zone.pk]})
    assert Zone.objects.get(pk=zone.pk).is_published is False


def test_editor_cannot_delete(editor_client, make_zone):
    zone = make_zone()
    response = editor_client.post(
        reverse("admin:zones_zone_delete", args=[zone.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Zone.objects.filter(pk=zone.pk).exists()


def test_publisher_publishes_and_deletes(publisher_client, make_zone):
    zone = make_zone(is_published=False)
    changelist = reverse("admin:zones_zone_changelist")
    publisher_client.post(
        changelist, {"action": "publish_selected", "_selected_action": [zone.pk]}
    )
    assert Zone.objects.get(pk=zone.pk).is_published is True
    response = publisher_client.post(
        reverse("admin:zones_zone_delete", args=[zone.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Zone.objects.filter(pk=zone.pk).exists()


def test_publisher_publishes_through_the_change_form(publisher_client):
    response = publisher_client.post(reverse("admin:zones_zone_add"), zone_form(publisher_client))
    assert response.status_code == 302
    assert Zone.objects.get(slug="frontier-technology").is_published is True
