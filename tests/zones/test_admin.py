import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from lifevalley.models import KeyFigure
from tests.admin_forms import with_edit_version

pytestmark = pytest.mark.django_db


def test_admin_edit_of_key_figure_shows_on_home(admin_client, client, make_key_figure):
    figure = make_key_figure(label="pharmaceutical enterprises")
    url = reverse("admin:lifevalley_keyfigure_change", args=[figure.pk])
    response = admin_client.post(
        url,
        with_edit_version(admin_client, url, {
            "qualifier": "more_than",
            "value": "950",
            "unit_en": "",
            "unit_zh_hans": "",
            "label_en": "pharmaceutical enterprises",
            "label_zh_hans": "医药企业",
            "order": "1",
            "as_of": "2024-06-30",
            "source_en": "Park annual report",
            "source_zh_hans": "",
            "source_url": "",
            "is_published": "on",
            "publish_from_0": "",
            "publish_from_1": "",
            "publish_until_0": "",
            "publish_until_1": "",
        }),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get("/").content.decode()
    assert "<strong>950</strong>" in html
    assert "Figures as of June 2024" in html  # its date and source, said once under the grid
    assert "Park annual report" in html


def test_zone_admin_pages_render_with_projects_inline(admin_client, make_project):
    project = make_project()
    response = admin_client.get(reverse("admin:zones_zone_change", args=[project.zone.pk]))
    assert response.status_code == 200
    assert project.name in response.content.decode()
    for name in ("zones_zone", "zones_project", "lifevalley_keyfigure"):
        assert admin_client.get(reverse(f"admin:{name}_changelist") + "?q=x").status_code == 200


def test_publish_action_needs_publish_permission(client, django_user_model, make_key_figure):
    figure = make_key_figure(is_published=False)
    editor = django_user_model.objects.create_user("editor", password="x" * 12, is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(codename__in=["view_keyfigure", "change_keyfigure"])
    )
    client.force_login(editor)
    url = reverse("admin:lifevalley_keyfigure_changelist")
    client.post(url, {"action": "publish_selected", "_selected_action": [figure.pk]})
    assert KeyFigure.objects.get(pk=figure.pk).is_published is False

    editor.user_permissions.add(Permission.objects.get(codename="publish_keyfigure"))
    client.post(url, {"action": "publish_selected", "_selected_action": [figure.pk]})
    assert KeyFigure.objects.get(pk=figure.pk).is_published is True
