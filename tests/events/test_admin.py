import pytest
from django.urls import reverse

from events.models import Event, Speaker
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:events_event_changelist")


def post_change(client, event, **changes):
    """The event's change form sent with ``changes``, as the browser sends it."""
    url = reverse("admin:events_event_change", args=[event.pk])
    return client.post(url, change_form_payload(client, url, **changes))


def test_admin_pages_render(admin_client, make_event):
    event = make_event(speakers=["Junying Yuan"])
    for query in ["", "?when=upcoming", "?when=past", "?status__exact=cancelled",
                  "?q=forum", f"?starts_at__year={event.local_start.year}"]:
        assert admin_client.get(CHANGELIST + query).status_code == 200
    change = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    html = change.content.decode()
    assert "Junying Yuan" in html
    assert event.uid in html
    for name in ("add", "changelist"):
        for model in ("eventcategory", "venue"):
            assert admin_client.get(reverse(f"admin:events_{model}_{name}")).status_code == 200


def test_admin_refuses_an_end_before_the_start_with_a_clear_message(admin_client, make_event):
    event = make_event()
    response = post_change(
        admin_client, event, ends_at_0=(event.local_start.date().replace(year=2000)).isoformat()
    )
    assert response.status_code == 200
    assert "The event cannot end before it starts." in response.content.decode()


def test_admin_refuses_a_repeating_month_only_event(admin_client, make_event):
    event = make_event()
    response = post_change(admin_client, event, date_precision="month", repeat="WEEKLY")
    assert response.status_code == 200
    assert "A repeating event needs exact dates." in response.content.decode()


def test_admin_edit_moves_event_and_bumps_sequence(admin_client, make_event):
    event = make_event()
    response = post_change(admin_client, event, starts_at_1="10:00:00", ends_at_1="12:00:00")
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert (event.local_start.hour, event.sequence) == (10, 1)


def test_cancel_action_keeps_the_event_and_bumps_sequence(publisher_client, make_event):
    event = make_event()
    publisher_client.post(CHANGELIST, {"action": "cancel_selected",
                                       "_selected_action": [event.pk]})
    event = Event.objects.get(pk=event.pk)
    assert (event.status, event.sequence, event.is_published) == ("cancelled", 1, True)


def test_duplicate_action_makes_a_draft_with_new_identity(publisher_client, make_event,
                                                          make_organisation):
    organiser = make_organisation()
    event = make_event(title="Forum 2023", slug="forum-2023", organisers=[organiser],
                       speakers=["Zhi Xianwei", "Qiang Liu"], status="cancelled")
    publisher_client.post(CHANGELIST, {"action": "duplicate_selected",
                                       "_selected_action": [event.pk]})
    copy = Event.objects.exclude(pk=event.pk).get()
    assert copy.slug == "forum-2023-copy"
    assert copy.title == "Forum 2023 (copy)"
    assert copy.uid != event.uid
    assert (copy.is_published, copy.published_at, copy.sequence, copy.status) == (
        False, None, 0, "scheduled"
    )
    assert list(copy.organisers.all()) == [organiser]
    assert list(Speaker.objects.filter(event=copy).values_list("name", flat=True)) == [
        "Zhi Xianwei", "Qiang Liu"
    ]
    publisher_client.post(CHANGELIST, {"action": "duplicate_selected",
                                       "_selected_action": [event.pk]})
    assert Event.objects.filter(slug="forum-2023-copy-3").exists()


def test_editors_cannot_publish_but_publishers_can(editor_client, make_event):
    event = make_event(is_published=False)
    editor_client.post(CHANGELIST, {"action": "publish_selected",
                                    "_selected_action": [event.pk]})
    assert Event.objects.get(pk=event.pk).is_published is False


def test_publish_action_publishes_through_save(publisher_client, make_event):
    event = make_event(is_published=False)
    publisher_client.post(CHANGELIST, {"action": "publish_selected",
                                       "_selected_action": [event.pk]})
    event = Event.objects.get(pk=event.pk)
    assert event.is_published is True
    assert event.published_at is not None


def test_autocomplete_for_parent_event_and_organisers(admin_client, make_event,
                                                      make_organisation):
    make_event(title="International Forum on Life Science")
    make_organisation(name="Changping Laboratory")
    url = reverse("admin:autocomplete")
    parent = admin_client.get(url, {"app_label": "events", "model_name": "event",
                                    "field_name": "parent", "term": "International"})
    assert [r["text"] for r in parent.json()["results"]] == [
        "International Forum on Life Science"
    ]
    organisers = admin_client.get(url, {"app_label": "events", "model_name": "event",
                                        "field_name": "organisers", "term": "Changping"})
    assert [r["text"] for r in organisers.json()["results"]] == ["Changping Laboratory"]
