import pytest
from django.urls import reverse

from tests.admin_forms import with_edit_version, zone_form

pytestmark = pytest.mark.django_db


def test_change_page_shows_who_changed_what(publisher_client, make_zone):
    zone = make_zone(name="Medical Device Zone", slug="medical-device")
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    data = zone_form(zone, tagline_en="Devices and diagnostics")
    data = with_edit_version(publisher_client, url, data)
    response = publisher_client.post(url, data)
    assert response.status_code == 302
    html = publisher_client.get(url).content.decode()
    assert "Change history" in html
    history = html[html.index("Change history"):]
    assert "publisher" in history
    assert "Changed Tagline [en]." in history or "Changed Tagline" in history


def test_admin_index_lists_drafts_waiting_and_recent_changes(publisher_client, make_zone,
                                                             make_key_figure):
    make_zone(is_published=False)
    make_zone(is_published=False)
    make_key_figure(is_published=False)
    make_zone()
    publisher_client.post(reverse("admin:zones_zone_add"), zone_form())
    html = publisher_client.get(reverse("admin:index")).content.decode()
    assert "Drafts waiting for a publisher: zones" in html
    drafts_row = html[html.index("Drafts waiting for a publisher: zones"):]
    assert "<td>2</td>" in drafts_row[:200]
    assert "Drafts waiting for a publisher: key figures" in html
    recent = html[html.index("Recent changes by the team"):]
    assert "Frontier Technology Zone" in recent and "publisher" in recent


def test_staff_preview_from_admin_view_on_site(staff_client, make_zone):
    zone = make_zone(is_published=False)
    response = staff_client.get(zone.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: this page is not public" in response.content.decode()
