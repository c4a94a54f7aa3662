import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from directory.models import Organisation
from tests.admin_forms import organisation_add_form

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/directory/organisation/"


ADD = reverse("admin:directory_organisation_add")
@pytest.mark.parametrize(
    "query",
    ["", "?q=beigene", "?is_published__exact=1", "?kind__exact=enterprise", "?listed=yes",
     "?listed=no", "?is_unicorn__exact=1", "?is_featured__exact=0", "?zone__id__exact=1",
     "?has_production_plant__exact=1", "?sectors__id__exact=1", "?o=4"],
)
def test_organisation_change_list_renders_with_each_filter(admin_client, make_organisation,
                                                           query):
    make_organisation(name="BeiGene", stock_exchange="HKEX", stock_ticker="06160")
    assert admin_client.get(CHANGELIST + query).status_code == 200


def test_organisation_change_list_filters_listed(admin_client, make_organisation):
    make_organisation(name="BeiGene", stock_exchange="HKEX", stock_ticker="06160")
    make_organisation(name="Changping Laboratory")
    response = admin_client.get(CHANGELIST + "?listed=yes")
    assert [o.name for o in response.context["cl"].result_list] == ["BeiGene"]


def test_feature_action_features_selected_organisations(admin_client, make_organisation):
    chosen = make_organisation(name="BeiGene")
    other = make_organisation(name="SINOVAC")
    admin_client.post(CHANGELIST, {"action": "feature_selected", "_selected_action": [chosen.pk]})
    assert list(Organisation.objects.featured()) == [chosen]
    admin_client.post(CHANGELIST, {"action": "unfeature_selected",
                                   "_selected_action": [chosen.pk, other.pk]})
    assert list(Organisation.objects.featured()) == []


def test_editor_cannot_publish_organisations(editor_client, make_organisation):
    draft = make_organisation(is_published=False)
    editor_client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [draft.pk]})
    assert Organisation.objects.get(pk=draft.pk).is_published is False
    editor_client.post(ADD, organisation_add_form(editor_client))
    assert Organisation.objects.get(slug="changping-laboratory").is_published is False


def test_publisher_can_publish_organisations(publisher_client, make_organisation):
    draft = make_organisation(is_published=False)
    publisher_client.post(CHANGELIST, {"action": "publish_selected",
                                       "_selected_action": [draft.pk]})
    assert Organisation.objects.get(pk=draft.pk).is_published is True


def test_logo_upload_refuses_a_non_image_with_a_clear_message(admin_client):
    fake = SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                              "image/png")
    response = admin_client.post(
        ADD, organisation_add_form(admin_client, logo=fake, logo_alt_en="Logo"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"] == [
        "This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."
    ]
    assert Organisation.objects.count() == 0


def test_logo_upload_accepts_a_real_image_and_stores_its_size(admin_client):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (10, 120, 90)).save(buffer, format="PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")
    data = organisation_add_form(admin_client, logo=logo, logo_alt_en="Changping Laboratory logo")
    response = admin_client.post(ADD, data)
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.logo_width, organisation.logo_height) == (120, 80)


def test_admin_add_refuses_a_duplicate_name_in_other_case(admin_client, make_organisation):
    make_organisation(name="Changping Laboratory")
    data = organisation_add_form(admin_client, name_en="CHANGPING LABORATORY", slug="other")
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    assert "An organisation with this name already exists." in response.content.decode()


def test_sector_and_zone_autocomplete_answer(admin_client, make_sector, make_zone):
    make_sector(name="Neuroscience")
    url = reverse("admin:autocomplete") + (
        "?app_label=directory&model_name=organisation&field_name=sectors&term=neuro"
    )
    response = admin_client.get(url)
    assert [r["text"] for r in response.json()["results"]] == ["Neuroscience"]


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("kind=%00", "The address contains a NUL character."),
        ("q=%00", "The address contains a NUL character."),
        ("%00=%00", "The address contains a NUL character."),
        ("q=" + "x" * 10_000, "A value in the address is longer than 1000 characters."),
        ("zone__id__exact=abc", "Field &#x27;id&#x27; expected a number but got &#x27;abc&#x27;."),
        ("is_published__exact=maybe", "“maybe” value must be either True or False."),
    ],
)
def test_organisation_export_answers_hostile_parameters_with_a_400_that_says_why(
        admin_client, make_organisation, make_zone, query, reason):
    # Two zones, so that the zone filter is offered (Django ignores a filter it does not show).
    make_organisation(zone=make_zone())
    make_organisation(zone=make_zone())
    response = admin_client.get(f"{CHANGELIST}export/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert reason in response.content.decode()


def test_organisation_export_still_follows_filters_after_the_guard(admin_client,
                                                                   make_organisation):
    make_organisation(name="BeiGene", kind="enterprise")
    make_organisation(name="Changping Laboratory", kind="research")
    response = admin_client.get(f"{CHANGELIST}export/?kind__exact=research&q=changping")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").count("\n") == 2  # header and one row
