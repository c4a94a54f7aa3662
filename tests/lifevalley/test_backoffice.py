import datetime
import re
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import capfirst

from enquiries.models import Enquiry
from lifevalley.review.models import PendingChange
from opendata.models import Licence
from portal.dashboard import event_alerts
from space.models import SpaceOffer
from tests.admin_forms import EDIT_VERSION, change_form_payload, zone_form

pytestmark = pytest.mark.django_db


def test_change_page_shows_who_changed_what(publisher_client, make_zone):
    zone = make_zone(name="Medical Device Zone", slug="medical-device")
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    data = zone_form(publisher_client, zone, tagline_en="Devices and diagnostics")
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
    publisher_client.post(reverse("admin:zones_zone_add"), zone_form(publisher_client))
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


# Every registered admin model, as "app_label.model_name" (django-axes and the like included).
REGISTERED = sorted(f"{model._meta.app_label}.{model._meta.model_name}"
                    for model in admin.site._registry)

def _event_change(fixture):
    """A recorded change: a published event moved by an hour."""
    import datetime

    event = fixture("make_event")()
    event.starts_at += datetime.timedelta(hours=1)
    event.ends_at += datetime.timedelta(hours=1)
    event.save()
    return event.changes.get()


def _event_source(fixture):
    from event_sources.models import EventSource

    return EventSource.objects.create(name="Institute seminars",
                                      url="https://institute.example.com/seminars.ics",
                                      category=fixture("make_event_category")())


# For each model staff edit: how to make one, and a text field the change form edits.
EDITABLE = {
    "events.eventchange": (_event_change, "reason_en"),
    "event_sources.eventsource": (_event_source, "name"),
    "auth.group": (lambda fixture: Group.objects.create(name="Reviewers"), "name"),
    "auth.user": (lambda fixture: fixture("django_user_model").objects.create_user(
        "colleague", "colleague@example.com", "a-long-test-password"), "first_name"),
    "directory.organisation": (lambda fixture: fixture("make_organisation")(), "summary_en"),
    "lifevalley.sector": (lambda fixture: fixture("make_sector")(), "name_en"),
    "events.event": (lambda fixture: fixture("make_event")(speakers=["Junying Yuan"]),
                     "summary_en"),
    "events.eventcategory": (lambda fixture: fixture("make_event_category")(), "name_en"),
    "events.venue": (lambda fixture: fixture("make_venue")(), "address_en"),
    "lifevalley.keyfigure": (lambda fixture: fixture("make_key_figure")(), "source_en"),
    "lifevalley.parkprofile": (lambda fixture: fixture("park_profile"), "tagline_en"),
    "zones.project": (lambda fixture: fixture("make_project")(), "description_en"),
    "zones.zone": (lambda fixture: fixture("make_zone")(), "tagline_en"),
    "space.spaceoffer": (lambda fixture: SpaceOffer.objects.create(
        zone=fixture("make_zone")(), kind="office", name="Floor 2", area_m2=120), "name_en"),
    "opendata.licence": (lambda fixture: Licence.objects.create(), "attribution"),
    "enquiries.enquiry": (lambda fixture: Enquiry.objects.create(
        organisation="Helix", contact_person="Wang Fang", email="wang@helix.example",
        space_wanted="office", timeline="3m", consent=True), "notes"),
}


def model_admin_for(label):
    return next(model_admin for model, model_admin in admin.site._registry.items()
                if f"{model._meta.app_label}.{model._meta.model_name}" == label)


def superuser_may_change(model_admin, user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return model_admin.has_change_permission(request)


def make_editable(label, request, admin_user):
    """An object of the model and the field to edit; skips models nobody edits in the admin."""
    if label not in EDITABLE:
        assert not superuser_may_change(model_admin_for(label), admin_user), (
            f"{label} can be edited in the admin: add it to EDITABLE"
        )
        pytest.skip(f"{label} is read-only in the admin")
    make, field = EDITABLE[label]
    return make(request.getfixturevalue), field


def stored(obj, field):
    return getattr(type(obj)._base_manager.get(pk=obj.pk), field)


@pytest.mark.parametrize("label", REGISTERED)
def test_stale_change_form_is_refused_and_the_first_edit_survives(label, admin_client,
                                                                  admin_user, request):
    obj, field = make_editable(label, request, admin_user)
    url = reverse(f"admin:{label.replace('.', '_')}_change", args=[obj.pk])
    first = change_form_payload(admin_client, url, **{field: "First edit"})
    stale = change_form_payload(admin_client, url, **{field: "Second edit"})
    assert first[EDIT_VERSION] == stale[EDIT_VERSION]

    response = admin_client.post(url, first)
    assert response.status_code == 302, response.content.decode()[:3000]
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert stored(obj, field) == "First edit"
    label_text = capfirst(response.context["adminform"].form.fields[field].label)
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert "Someone else saved this" in errors[0]
    assert f"<li>{escape(label_text)}: <q>First edit</q></li>" in errors[0]
    assert errors[0] in response.content.decode()  # shown as markup, not escaped

    fresh = change_form_payload(admin_client, url, **{field: "Second edit"})
    assert admin_client.post(url, fresh).status_code == 302
    assert stored(obj, field) == "Second edit"


def test_stale_event_form_refuses_to_undo_a_speaker_edit(admin_client, make_event):
    event = make_event(speakers=["Junying Yuan"])
    url = reverse("admin:events_event_change", args=[event.pk])
    first = change_form_payload(admin_client, url, **{"speakers-0-name": "Yuan Junying"})
    stale = change_form_payload(admin_client, url, summary_en="A new summary")
    assert admin_client.post(url, first).status_code == 302
    response = admin_client.post(url, stale)
    assert response.status_code == 200
    assert "<li>Speakers: changed</li>" in response.content.decode()
    assert list(event.speakers.values_list("name", flat=True)) == ["Yuan Junying"]
    assert stored(event, "summary_en") == "A forum in the park"


def test_change_form_without_its_version_is_refused(admin_client, make_zone):
    zone = make_zone(tagline="Original")
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    data = zone_form(admin_client, zone, tagline_en="Edited")
    del data[EDIT_VERSION]
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "does not say which version" in response.content.decode()
    assert stored(zone, "tagline") == "Original"


def test_editor_saves_after_a_publisher_published_meanwhile(editor_client, publisher,
                                                            make_zone):
    zone = make_zone(is_published=False, tagline="Original")
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    opened = change_form_payload(editor_client, url, tagline_en="Edited by the editor")
    publisher_client = Client()
    publisher_client.force_login(publisher)
    publisher_client.post(reverse("admin:zones_zone_changelist"),
                          {"action": "publish_selected", "_selected_action": [zone.pk]})
    # The publication fields are not in the Editor's form, so nothing of theirs is lost; the
    # zone is public now, so the Editor's change waits for review instead of going live.
    assert editor_client.post(url, opened).status_code == 302
    assert (stored(zone, "tagline"), stored(zone, "is_published")) == ("Original", True)
    pending = PendingChange.objects.get()
    assert pending.changes["fields"] == {"tagline_en": "Edited by the editor"}


def recent_changes(client):
    html = client.get(reverse("admin:index")).content.decode()
    recent = html[html.index('id="recent-actions-module"'):]
    recent = recent[:recent.index("</ul>")] if "</ul>" in recent else ""
    return re.findall(r'<li class="[^"]*">\s*(?:<a href="[^"]*">)?([^<]+?)\s*<', recent)


def test_dashboard_shows_each_person_only_changes_they_may_view(admin_client, editor_client,
                                                                editor, make_event):
    colleague = get_user_model().objects.create_user("colleague", "c@example.com",
                                                     "a-long-test-password")
    reviewers = Group.objects.create(name="Reviewers")
    event = make_event(title="Genome Forum")
    for obj, field, value in [(colleague, "first_name", "Wei"), (reviewers, "name", "Auditors"),
                              (event, "summary_en", "Edited")]:
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        data = change_form_payload(admin_client, url, **{field: value})
        assert admin_client.post(url, data).status_code == 302
    assert recent_changes(editor_client) == ["Genome Forum"]
    assert recent_changes(admin_client) == ["Genome Forum", "Auditors", "colleague"]
    assert editor.has_perm("events.view_event") and not editor.has_perm("auth.view_user")


# Hostile query strings, the same kinds the public lists are tested with.
GENERIC_HOSTILE = [
    "q=%00", "q=" + "x" * 10_000, "q=%F0%9F%A7%AC+%E8%84%91&q=brain", "q=%25_%5C", "%00=%00",
    "p=abc", "p=999999", "p=" + "9" * 10_000, "page=abc", "page=999999", "o=%00", "o=99",
    "o=abc", "e=1", "all=", "_facets=1", "_to_field=%00", "_popup=%00", "unknown=1",
    "no_such_field__icontains=x", "id__exact=abc", "pk=%00", "id__exact=" + "9" * 30,
    "id__in=1,abc", "updated_at__gte=2024-13-01", "created_at__gte=yesterday",
]


def filter_parameters(model_admin, request):
    """The query parameters of each list filter and of the date hierarchy, with bad values."""
    queries = []
    for entry in model_admin.get_list_filter(request):
        if isinstance(entry, type):
            name = entry.parameter_name
            queries += [f"{name}=%00", f"{name}=x&{name}=y", f"{name}=" + "x" * 10_000]
            continue
        name = entry[0] if isinstance(entry, tuple) else entry
        queries += [
            f"{name}=%00", f"{name}__exact=%00", f"{name}__id__exact=%00",
            f"{name}__id__exact=abc", f"{name}__exact=" + "9" * 30, f"{name}__isnull=%00",
            f"{name}__gte=2024-13-01", f"{name}__regex=%28", f"{name}__exact=a&{name}__exact=b",
        ]
    hierarchy = model_admin.date_hierarchy
    if hierarchy:
        queries += [
            f"{hierarchy}__year=9999", f"{hierarchy}__year=abc", f"{hierarchy}__year=%00",
            f"{hierarchy}__year=9999&{hierarchy}__month=12&{hierarchy}__day=31",
            f"{hierarchy}__year=2024&{hierarchy}__month=13",
            f"{hierarchy}__year=2024&{hierarchy}__month=2&{hierarchy}__day=30",
        ]
    return queries


@pytest.mark.parametrize("label", REGISTERED)
def test_admin_list_never_answers_hostile_parameters_with_a_server_error(label, admin_client,
                                                                         admin_user, request):
    if label in EDITABLE:
        EDITABLE[label][0](request.getfixturevalue)
    model_admin = model_admin_for(label)
    fake = RequestFactory().get("/admin/")
    fake.user = admin_user
    changelist = reverse(f"admin:{label.replace('.', '_')}_changelist")
    admin_client.raise_request_exception = False
    failures = []
    for query in GENERIC_HOSTILE + filter_parameters(model_admin, fake):
        status = admin_client.get(f"{changelist}?{query}").status_code
        if status >= 500:
            failures.append((query[:80], status))
    for view in ("add", "history"):
        for query in ("%00=%00", "_changelist_filters=" + "x" * 10_000, "zone=%00", "venue=%00",
                      "category=%00"):
            model = model_admin.model
            args = [] if view == "add" else [model._base_manager.values_list("pk", flat=True)
                                             .first() or 1]
            url = reverse(f"admin:{label.replace('.', '_')}_{view}", args=args)
            status = admin_client.get(f"{url}?{query}").status_code
            if status >= 500:
                failures.append((f"{view}?{query[:60]}", status))
    assert failures == []


def test_admin_list_answers_a_nul_byte_filter_with_a_400_that_says_why(admin_client,
                                                                       make_organisation):
    make_organisation()
    response = admin_client.get("/admin/directory/organisation/?kind=%00")
    assert response.status_code == 400
    html = response.content.decode()
    assert "The address contains a NUL character." in html
    assert 'href="/admin/directory/organisation/"' in html


@pytest.mark.parametrize(
    "query", ["term=%00", "term=" + "x" * 10_000, "term=brain&term=%00"],
)
def test_admin_autocomplete_refuses_hostile_search_text(admin_client, make_zone, query):
    make_zone()
    admin_client.raise_request_exception = False
    response = admin_client.get(
        "/admin/autocomplete/?app_label=directory&model_name=organisation&field_name=zone&"
        + query
    )
    assert response.status_code == 400


def test_change_form_keeps_a_long_chinese_search_of_the_list(admin_client, make_zone):
    zone = make_zone()
    search = urlencode({"q": "脑科学" * 100})  # 300 characters, 2,700 once percent-encoded
    url = reverse("admin:zones_zone_change", args=[zone.pk])
    response = admin_client.get(f"{url}?{urlencode({'_changelist_filters': search})}")
    assert response.status_code == 200
    assert admin_client.get(f"{reverse('admin:zones_zone_changelist')}?{search}").status_code == 200


def test_dashboard_alerts_count_a_running_series_as_upcoming(admin_user, make_event):
    """The dashboard's "upcoming" is EventQuerySet.upcoming(): a weekly series whose first
    date is past but whose next dates are still to come is listed, an event over is not."""
    now = timezone.now()
    running = make_event(starts_at=now - datetime.timedelta(days=14),
                         recurrence_rule="FREQ=WEEKLY;COUNT=10", title="Running series")
    make_event(starts_at=now - datetime.timedelta(days=3), title="Over")
    soon = event_alerts(admin_user, now)[0]
    assert [event.title for event in soon["items"]] == [running.title]
