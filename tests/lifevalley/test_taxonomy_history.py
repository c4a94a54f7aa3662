"""The taxonomy and the places have a history too: sectors, event categories and venues."""

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from lifevalley.review.workflow import HistoryMixin
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db


def admin_url(obj, view, *args):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk, *args])


def edit(client, obj, **changes):
    url = admin_url(obj, "change")
    response = client.post(url, change_form_payload(client, url, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]


def history_entries(client, obj):
    response = client.get(admin_url(obj, "history"))
    assert response.status_code == 200
    return response.context["entries"], response.content.decode()


def diffs(entry):
    return [(str(c.label), c.before, c.after) for c in entry.changes]


@pytest.mark.parametrize("factory, changes, expected", [
    ("make_sector", {"name_en": "Synthetic biology"}, ("Name [en]", "Gene editing",
                                                         "Synthetic biology")),
    ("make_event_category", {"name_en": "Lecture"}, ("Name [en]", "Gene editing", "Lecture")),
    ("make_venue", {"address_en": "8 Shengmingyuan Road"},
     ("Address [en]", "Building 3", "8 Shengmingyuan Road")),
])
def test_an_edit_shows_in_the_history_with_who_and_the_changed_field(
        request, editor_client, factory, changes, expected):
    before = {"name": "Gene editing"} if factory != "make_venue" else {"address": "Building 3"}
    obj = request.getfixturevalue(factory)(**before)
    edit(editor_client, obj, **changes)

    (latest, baseline), html = history_entries(editor_client, obj)
    assert (latest.who, latest.what, diffs(latest)) == ("editor", "Changed in the form",
                                                       [expected])
    assert baseline.what == "As it was before its history began"
    assert f"<del>{expected[1]}</del>" in html and f"<ins>{expected[2]}</ins>" in html
    # The change form lists it too, with a link to the whole history.
    form = editor_client.get(admin_url(obj, "change")).content.decode()
    assert f"Changed {expected[0]}." in form and admin_url(obj, "history") in form


def test_a_restored_venue_is_back_and_its_events_move_with_it(
        publisher_client, django_user_model, make_venue, make_event):
    venue = make_venue(name="Innovation Hall", address="Building 3")
    event = make_event(venue=venue)
    edit(publisher_client, venue, name_en="Innovation Centre", address_en="Building 9")
    event.refresh_from_db()
    assert event.sequence == 1  # calendars learnt of the move
    entries, _html = history_entries(publisher_client, venue)
    baseline = entries[-1]

    restore = admin_url(venue, "restore", baseline.version.pk)
    viewer = Client()
    viewer.force_login(django_user_model.objects.create_user("viewer", is_staff=True))
    assert viewer.post(restore).status_code == 403  # may not change venues
    assert publisher_client.get(restore).status_code == 405
    assert publisher_client.post(restore).status_code == 302

    venue.refresh_from_db()
    event.refresh_from_db()
    assert (venue.name, venue.address, event.sequence) == ("Innovation Hall", "Building 3", 2)
    latest = history_entries(publisher_client, venue)[0][0]
    assert latest.what == "Earlier version restored"
    assert diffs(latest) == [("Name [en]", "Innovation Centre", "Innovation Hall"),
                             ("Address [en]", "Building 9", "Building 3")]


def test_every_admin_with_a_history_page_has_its_model_versioned():
    """Each app registers its own models (register_versioned in its AppConfig.ready())."""
    with_history = {model._meta.label for model, model_admin in admin.site._registry.items()
                    if isinstance(model_admin, HistoryMixin)}
    assert {"lifevalley.Sector", "events.Venue", "events.EventCategory", "events.Event",
            "zones.Zone", "directory.Organisation", "space.SpaceOffer"} <= with_history
    unversioned = {label for label in with_history
                   if not reversion.is_registered(apps.get_model(label))}
    assert unversioned == set()
