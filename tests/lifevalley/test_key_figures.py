"""The park in figures (lifevalley.models.KeyFigure): edited in the admin, shown at home."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from lifevalley.models import KeyFigure
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db


def test_admin_edit_of_key_figure_shows_on_home(admin_client, client, make_key_figure):
    figure = make_key_figure(label="pharmaceutical enterprises")
    url = reverse("admin:lifevalley_keyfigure_change", args=[figure.pk])
    data = change_form_payload(
        admin_client, url, qualifier="more_than", value="950",
        label_en="pharmaceutical enterprises",
        label_zh_hans="医药企业", as_of="2024-06-30", source_en="Park annual report",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    html = client.get("/").content.decode()
    assert "<strong>950</strong>" in html
    assert "Figures as of June 2024" in html  # its date and source, said once under the grid
    assert "Park annual report" in html


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
