import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_zone_admin_pages_render_with_projects_inline(admin_client, make_project):
    project = make_project()
    response = admin_client.get(reverse("admin:zones_zone_change", args=[project.zone.pk]))
    assert response.status_code == 200
    assert project.name in response.content.decode()
    for name in ("zones_zone", "zones_project", "lifevalley_keyfigure"):
        assert admin_client.get(reverse(f"admin:{name}_changelist") + "?q=x").status_code == 200
