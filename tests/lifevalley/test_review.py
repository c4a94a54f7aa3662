"""Editors propose, Publishers publish: every route an Editor changes a published object by
keeps the public on the published version until a Publisher publishes the change."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation
from events.models import Event
from lifevalley.review.models import PendingChange
from tests.admin_forms import change_form_payload
from tests.conftest import next_week_at
from tests.csv_import import import_rows

pytestmark = pytest.mark.django_db

FEED = "/events/feed.ics"


def feed_event(client, uid):
    calendar = icalendar.Calendar.from_ical(client.get(FEED).content)
    return next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == uid)


@pytest.fixture
def publisher_browser(publisher):
    browser = Client()
    browser.force_login(publisher)
    return browser


def edit_event(client, event, **overrides):
    url = reverse("admin:events_event_change", args=[event.pk])
    return client.post(url, change_form_payload(client, url, **overrides))


def review_url(pending):
    return reverse("admin:review_pendingchange_change", args=[pending.pk])


def test_editor_form_change_to_published_event_waits_and_the_public_sees_the_old_one(
    editor_client, publisher_browser, make_event
):
    # 09:00–11:00 next week, whatever was made before it: the edit below moves it to 10:30.
    event = make_event(title="Genome Forum", slug="genome-forum", starts_at=next_week_at(9))
    # Last saved an hour ago, so publishing visibly moves LAST-MODIFIED (whole seconds).
    Event.objects.filter(pk=event.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=1))
    visitor = Client()
    before_page = visitor.get(event.get_absolute_url()).content
    before = feed_event(visitor, event.uid)

    response = edit_event(editor_client, event, title_en="Genome Summit",
                          starts_at_1="10:30:00")
    assert response.status_code == 302

    event.refresh_from_db()
    assert (event.title, event.sequence) == ("Genome Forum", 0)
    assert visitor.get(event.get_absolute_url()).content == before_page
    after = feed_event(visitor, event.uid)
    assert (str(after["SUMMARY"]), after["SEQUENCE"], after["LAST-MODIFIED"].dt) == (
        str(before["SUMMARY"]), 0, before["LAST-MODIFIED"].dt)
    pending = PendingChange.objects.get()
    assert (pending.status, pending.author.username, sorted(pending.changes["fields"])) == (
        "waiting", "editor", ["starts_at", "title_en"])

    # The Publisher sees it on the dashboard and on the event, and compares it with live.
    assert "Genome Forum" in publisher_browser.get(reverse("admin:index")).content.decode()
    change_page = publisher_browser.get(reverse("admin:events_event_change", args=[event.pk]))
    assert review_url(pending) in change_page.content.decode()
    compare = publisher_browser.get(review_url(pending))
    rows = compare.context["rows"]
    assert [(str(label), now, proposed) for label, now, proposed, _then in rows if
            "Title" in str(label)] == [("Title [en]", "Genome Forum", "Genome Summit")]

    assert publisher_browser.post(review_url(pending), {"_publish": "1"}).status_code == 302
    event.refresh_from_db()
    assert (event.title, event.sequence) == ("Genome Summit", 1)
    live = feed_event(visitor, event.uid)
    assert (str(live["SUMMARY"]), live["SEQUENCE"]) == ("Genome Summit", 1)
    assert live["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert visitor.get(event.get_absolute_url()).content != before_page
    pending.refresh_from_db()
    assert (pending.status, pending.reviewer.username) == ("published", "publisher")


def test_rejected_change_never_goes_live_and_the_editor_reads_why(
    editor_client, publisher_browser, make_organisation
):
    organisation = make_organisation(name="Huaxin Bio", slug="huaxin-bio")
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    editor_client.post(url, change_form_payload(editor_client, url, name_en="Huaxin Pharma"))
    pending = PendingChange.objects.get()

    empty = publisher_browser.post(review_url(pending), {"_reject": "1", "reason": ""})
    assert empty.status_code == 400
    publisher_browser.post(review_url(pending),
                           {"_reject": "1", "reason": "The registered name is Huaxin Bio."})

    organisation.refresh_from_db()
    assert organisation.name == "Huaxin Bio"
    page = editor_client.get(url).content.decode()
    assert "The registered name is Huaxin Bio." in page
    dashboard = editor_client.get(reverse("admin:index")).content.decode()
    assert "The registered name is Huaxin Bio." in dashboard
    # and once rejected it cannot be published any more
    publisher_browser.post(review_url(pending), {"_publish": "1"})
    organisation.refresh_from_db()
    assert organisation.name == "Huaxin Bio"


def test_editor_cannot_publish_or_reject(editor_client, make_organisation):
    organisation = make_organisation(name="Huaxin Bio", slug="huaxin-bio")
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    editor_client.post(url, change_form_payload(editor_client, url, name_en="Huaxin Pharma"))
    pending = PendingChange.objects.get()
    assert editor_client.post(review_url(pending), {"_publish": "1"}).status_code == 403
    organisation.refresh_from_db()
    assert (organisation.name, PendingChange.objects.get().status) == ("Huaxin Bio", "waiting")


def test_drafts_stay_freely_editable_and_publishers_edits_go_live(
    editor_client, publisher_browser, make_event
):
    draft = make_event(title="Draft Forum", is_published=False)
    edit_event(editor_client, draft, title_en="Draft Forum, edited")
    draft.refresh_from_db()
    assert draft.title == "Draft Forum, edited"

    live = make_event(title="Live Forum")
    edit_event(publisher_browser, live, title_en="Live Forum, edited")
    live.refresh_from_db()
    assert live.title == "Live Forum, edited"
    assert not PendingChange.objects.exists()


def test_editor_cancel_action_on_published_event_waits_for_review(
    editor_client, publisher_browser, make_event
):
    published = make_event(title="Published Forum")
    draft = make_event(title="Draft Forum", is_published=False)
    editor_client.post(reverse("admin:events_event_changelist"), {
        "action": "cancel_selected", "_selected_action": [published.pk, draft.pk]})

    visitor = Client()
    cancelled = feed_event(visitor, published.uid)
    assert (str(cancelled["STATUS"]), cancelled["SEQUENCE"]) == ("CONFIRMED", 0)
    draft.refresh_from_db()
    assert draft.status == Event.Status.CANCELLED  # a draft: no review needed

    pending = PendingChange.objects.get()
    assert (pending.route, pending.changes["fields"]) == ("cancel", {"status": "cancelled"})
    publisher_browser.post(review_url(pending), {"_publish": "1"})
    cancelled = feed_event(visitor, published.uid)
    assert (str(cancelled["STATUS"]), cancelled["SEQUENCE"]) == ("CANCELLED", 1)


def test_editor_feature_action_on_published_organisation_waits(editor_client,
                                                               make_organisation):
    published = make_organisation(name="Huaxin Bio", slug="huaxin-bio")
    draft = make_organisation(name="Draft Bio", slug="draft-bio", is_published=False)
    editor_client.post(reverse("admin:directory_organisation_changelist"), {
        "action": "feature_selected", "_selected_action": [published.pk, draft.pk]})
    assert dict(Organisation.objects.values_list("slug", "is_featured")) == {
        "huaxin-bio": False, "draft-bio": True}
    assert PendingChange.objects.get().changes["fields"] == {"is_featured": True}


def test_editor_speakers_inline_change_waits_for_review(editor_client, publisher_browser,
                                                       make_event):
    event = make_event(title="Genome Forum", speakers=["Wang Wei"])
    url = reverse("admin:events_event_change", args=[event.pk])
    data = change_form_payload(editor_client, url)
    data["speakers-0-name"] = "Li Na"
    data["speakers-1-name"] = "Zhang San"
    editor_client.post(url, data)
    assert list(event.speakers.values_list("name", flat=True)) == ["Wang Wei"]
    pending = PendingChange.objects.get()
    publisher_browser.post(review_url(pending), {"_publish": "1"})
    assert sorted(event.speakers.values_list("name", flat=True)) == ["Li Na", "Zhang San"]


def test_editor_csv_import_renaming_a_published_organisation_waits(
    editor_client, publisher_browser, make_organisation
):
    from directory.csv_io import export_values

    published = make_organisation(name="Huaxin Bio", slug="huaxin-bio")
    draft = make_organisation(name="Draft Bio", slug="draft-bio", is_published=False)
    rows = [export_values(o) for o in (published, draft)]
    rows[0]["name"], rows[1]["name"] = "Huaxin Pharma", "Draft Pharma"
    visitor = Client()
    page = visitor.get(published.get_absolute_url()).content.decode()
    assert import_rows(editor_client, rows).status_code == 302

    assert dict(Organisation.objects.values_list("slug", "name")) == {
        "huaxin-bio": "Huaxin Bio", "draft-bio": "Draft Pharma"}
    assert visitor.get(published.get_absolute_url()).content.decode() == page
    pending = PendingChange.objects.get()
    assert (pending.route, pending.changes["fields"]["name_en"]) == ("import", "Huaxin Pharma")
    publisher_browser.post(review_url(pending), {"_publish": "1"})
    assert "Huaxin Pharma" in visitor.get(published.get_absolute_url()).content.decode()


def test_editor_change_to_contact_details_waits_and_the_footer_keeps_the_old_phone(
    editor_client, publisher_browser, park_profile
):
    url = reverse("admin:lifevalley_parkprofile_change", args=[park_profile.pk])
    old_phone = park_profile.phone
    editor_client.post(url, change_form_payload(editor_client, url, phone="+86 10 0000 0000"))
    visitor = Client()
    assert old_phone in visitor.get("/").content.decode()
    assert "+86 10 0000 0000" not in visitor.get("/").content.decode()
    publisher_browser.post(review_url(PendingChange.objects.get()), {"_publish": "1"})
    assert "+86 10 0000 0000" in visitor.get("/").content.decode()


def test_editor_list_edit_of_a_published_key_figure_waits(editor_client, make_key_figure):
    figure = make_key_figure(order=1)
    changelist = reverse("admin:lifevalley_keyfigure_changelist")
    response = editor_client.get(changelist)
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "form-0-id": str(figure.pk), "form-0-order": "7",
            "_save": "Save"}
    assert response.status_code == 200
    editor_client.post(changelist, data)
    figure.refresh_from_db()
    assert figure.order == 1
    assert PendingChange.objects.get().changes["fields"] == {"order": 7}


def test_cached_pages_move_only_when_the_change_is_published(
    page_cache, editor_client, publisher_browser, make_zone
):
    from lifevalley.page_cache import current_version

    zone = make_zone(name="Medical Device Zone", slug="medical-device")
    visitor = Client()
    first = visitor.get(zone.get_absolute_url()).content
    version = current_version()
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    editor_client.post(url, change_form_payload(editor_client, url, name_en="Device Valley"))
    assert current_version() == version
    assert visitor.get(zone.get_absolute_url()).content == first

    publisher_browser.post(review_url(PendingChange.objects.get()), {"_publish": "1"})
    assert current_version() != version
    assert "Device Valley" in visitor.get(zone.get_absolute_url()).content.decode()
