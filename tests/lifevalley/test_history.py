"""The history page: every route's change with who, when and which fields, and restore."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lifevalley import history
from lifevalley.review.models import PendingChange
from tests.admin_forms import change_form_payload
from tests.csv_import import import_rows

pytestmark = pytest.mark.django_db


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def entries(client, obj):
    response = client.get(history_url(obj))
    assert response.status_code == 200
    return response.context["entries"]


def diffs(entry):
    return [(str(c.label), c.before, c.after) for c in entry.changes]


def test_form_change_shows_who_and_each_field_from_what_to_what(publisher_client, make_event):
    event = make_event(title="Genome Forum", summary="A forum")
    url = reverse("admin:events_event_change", args=[event.pk])
    publisher_client.post(url, change_form_payload(publisher_client, url,
                                                   title_en="Genome Summit",
                                                   summary_en="A summit"))
    latest, baseline = entries(publisher_client, event)
    assert (latest.who, latest.what) == ("publisher", "Changed in the form")
    assert diffs(latest) == [("Title [en]", "Genome Forum", "Genome Summit"),
                             ("One-line summary [en]", "A forum", "A summit")]
    assert baseline.what == "As it was before its history began"
    html = publisher_client.get(history_url(event)).content.decode()
    assert "<del>Genome Forum</del>" in html and "<ins>Genome Summit</ins>" in html


def test_list_actions_are_recorded_with_their_route(publisher_client, make_organisation,
                                                    make_event):
    organisation = make_organisation(name="Huaxin Bio", is_published=False)
    changelist = reverse("admin:directory_organisation_changelist")
    publisher_client.post(changelist, {"action": "publish_selected",
                                       "_selected_action": [organisation.pk]})
    publisher_client.post(changelist, {"action": "feature_selected",
                                       "_selected_action": [organisation.pk]})
    featured, published, _baseline = entries(publisher_client, organisation)
    assert (published.what, diffs(published)) == (
        "Published (list action)", [("Published", "no", "yes")])
    assert (featured.what, featured.who, diffs(featured)) == (
        "Featured (list action)", "publisher", [("Featured", "no", "yes")])

    event = make_event()
    publisher_client.post(reverse("admin:events_event_changelist"),
                          {"action": "cancel_selected", "_selected_action": [event.pk]})
    cancelled = entries(publisher_client, event)[0]
    assert (cancelled.what, diffs(cancelled)) == (
        "Cancelled (list action)", [("Status", "Scheduled", "Cancelled"),
                                    ("Calendar revision (SEQUENCE)", "0", "1")])


def test_proposal_rejection_and_approval_are_in_the_history(editor_client, publisher,
                                                            make_zone):
    zone = make_zone(tagline="Original")
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    reviewer = Client()
    reviewer.force_login(publisher)
    for tagline, decision in (("First try", {"_reject": "1", "reason": "Too vague."}),
                              ("Second try", {"_publish": "1"})):
        editor_client.post(url, change_form_payload(editor_client, url, tagline_en=tagline))
        pending = PendingChange.objects.waiting().get()
        reviewer.post(reverse("admin:review_pendingchange_change", args=[pending.pk]),
                      decision)
    found = entries(reviewer, zone)
    assert [(e.what, e.who) for e in found][:4] == [
        ("Reviewed change published", "publisher"),
        ("Change proposed for review (Changed in the form)", "editor"),
        ("Proposed change rejected", "publisher"),
        ("Change proposed for review (Changed in the form)", "editor"),
    ]
    assert found[2].note == "Reason: Too vague."
    assert diffs(found[0]) == [("Tagline [en]", "Original", "Second try")]


def test_csv_import_is_recorded(publisher_client, make_organisation):
    from directory.csv_io import export_values

    organisation = make_organisation(name="Huaxin Bio", slug="huaxin-bio")
    row = export_values(organisation) | {"name": "Huaxin Pharma"}
    import_rows(publisher_client, [row])
    latest = entries(publisher_client, organisation)[0]
    assert (latest.what, latest.who) == ("CSV import", "publisher")
    assert ("Name [en]", "Huaxin Bio", "Huaxin Pharma") in diffs(latest)


def test_scheduled_publishing_shows_when_it_took_effect(publisher_client, make_zone):
    zone = make_zone(is_published=False)
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    soon = timezone.localtime() + datetime.timedelta(hours=1)
    publisher_client.post(url, change_form_payload(
        publisher_client, url, is_published="on",
        publish_from_0=soon.strftime("%Y-%m-%d"), publish_from_1=soon.strftime("%H:%M:%S")))
    assert [e.what for e in history.entries(zone)][:1] == ["Changed in the form"]
    later = history.entries(zone, now=timezone.now() + datetime.timedelta(hours=2))
    assert (later[0].what, later[0].when.replace(microsecond=0)) == (
        "Went public on schedule", soon.replace(microsecond=0))


def test_publisher_restores_an_earlier_version_and_the_restore_is_recorded(
    publisher_client, editor, make_event
):
    event = make_event(title="Genome Forum", speakers=["Wang Wei"])
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_payload(publisher_client, url, title_en="Renamed", status="postponed")
    data["speakers-0-name"] = "Li Na"
    publisher_client.post(url, data)
    event.refresh_from_db()
    assert (event.title, event.sequence) == ("Renamed", 1)
    baseline = entries(publisher_client, event)[-1]

    restore = reverse("admin:events_event_restore", args=[event.pk, baseline.version.pk])
    editor_client = Client()
    editor_client.force_login(editor)
    assert editor_client.post(restore).status_code == 403
    assert publisher_client.get(restore).status_code == 405
    assert publisher_client.post(restore).status_code == 302

    event.refresh_from_db()
    assert (event.title, event.status, event.sequence) == ("Genome Forum", "scheduled", 2)
    assert list(event.speakers.values_list("name", flat=True)) == ["Wang Wei"]
    latest = entries(publisher_client, event)[0]
    assert latest.what == "Earlier version restored"
    assert ("Title [en]", "Renamed", "Genome Forum") in diffs(latest)
