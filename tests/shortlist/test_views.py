"""A personal shortlist, as a visitor makes, subscribes to, changes and revokes it."""

import datetime
import re

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from shortlist.models import TOKEN_RE, Shortlist, hash_token
from shortlist.views import COOKIE

pytestmark = pytest.mark.django_db


def save(client, event, prefix=""):
    return client.post(prefix + reverse("shortlist:save", args=[event.slug]))


def token_of(response):
    match = re.search(r"/shortlist/([A-Za-z0-9_-]{43})/", response["Location"])
    return match.group(1)


def feed_uids(client, token):
    response = client.get(reverse("shortlist:feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return [str(v["UID"]) for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]


def test_event_page_offers_save_and_the_save_page_posts_with_csrf(client, published_event):
    html = client.get(published_event.get_absolute_url()).content.decode()
    assert f'action="/shortlist/save/{published_event.slug}/"' in html
    page = client.get(reverse("shortlist:save", args=[published_event.slug]))
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert "no-cache" in page["Cache-Control"] and "private" in page["Cache-Control"]


def test_save_needs_the_csrf_token(published_event):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert save(strict, published_event).status_code == 403
    assert Shortlist.objects.count() == 0


def test_saving_makes_a_private_list_and_feed_with_the_public_uids(client, make_event, settings):
    settings.SITE_URL = "https://lifevalley.example.com"
    first, second = make_event(), make_event()
    response = save(client, first)
    assert response.status_code == 302
    token = token_of(response)
    assert TOKEN_RE.match(token) and client.cookies[COOKIE].value == token
    assert save(client, second)["Location"].startswith(f"/shortlist/{token}/")  # same list
    assert Shortlist.objects.count() == 1
    # Only a hash is stored: the database does not hold the address.
    assert Shortlist.objects.get().token_hash == hash_token(token)
    assert feed_uids(client, token) == [first.uid, second.uid]
    public = icalendar.Calendar.from_ical(client.get(reverse("events:feed")).content)
    assert sorted(str(v["UID"]) for v in public.walk("VEVENT")) == sorted([first.uid, second.uid])
    html = client.get(reverse("shortlist:manage", args=[token])).content.decode()
    assert first.title in html and second.title in html
    assert f'href="webcal://lifevalley.example.com/shortlist/{token}/feed.ics"' in html


def test_saving_in_chinese(client, published_event):
    response = save(client, published_event, prefix="/zh-hans")
    assert response["Location"].startswith("/zh-hans/shortlist/")
    html = client.get(response["Location"]).content.decode()
    assert "我的收藏" in html and published_event.title in html


def test_cancelled_and_unpublished_events_behave_as_in_the_public_feed(client, make_event):
    cancelled, withdrawn, kept = make_event(), make_event(), make_event()
    token = token_of(save(client, cancelled))
    save(client, withdrawn)
    save(client, kept)
    cancelled.status = Event.Status.CANCELLED
    cancelled.save()
    withdrawn.is_published = False
    withdrawn.save()
    response = client.get(reverse("shortlist:feed", args=[token]))
    vevents = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert {str(v["UID"]): str(v["STATUS"]) for v in vevents} == {
        cancelled.uid: "CANCELLED", kept.uid: "CONFIRMED",
    }
    html = client.get(reverse("shortlist:manage", args=[token])).content.decode()
    assert withdrawn.title not in html


def test_remove_revoke_and_delete(client, make_event):
    first, second = make_event(), make_event()
    token = token_of(save(client, first))
    save(client, second)
    client.post(reverse("shortlist:remove", args=[token]), {"event": first.slug})
    assert feed_uids(client, token) == [second.uid]

    response = client.post(reverse("shortlist:revoke", args=[token]))
    new_token = token_of(response)
    assert new_token != token
    assert client.get(reverse("shortlist:feed", args=[token])).status_code == 404
    assert client.get(reverse("shortlist:manage", args=[token])).status_code == 404
    assert feed_uids(client, new_token) == [second.uid]

    assert client.post(reverse("shortlist:delete", args=[new_token])).status_code == 200
    assert client.get(reverse("shortlist:feed", args=[new_token])).status_code == 404
    assert Shortlist.objects.count() == 0


@pytest.mark.parametrize("token", ["abc", "x" * 43, "%00" * 20, "a" * 5000])
def test_unknown_or_malformed_tokens_are_404(client, token):
    assert client.get(f"/shortlist/{token}/").status_code == 404
    assert client.get(f"/shortlist/{token}/feed.ics").status_code == 404


def test_lists_are_bounded(client, make_event, settings):
    settings.SHORTLIST_MAX_EVENTS = 2
    events = [make_event() for _ in range(3)]
    save(client, events[0])
    save(client, events[1])
    response = save(client, events[2])
    assert response.status_code == 400
    assert "Your shortlist is full (2 events)" in response.content.decode()


def test_creation_is_rate_limited(make_event, settings):
    from django.test import Client

    settings.SHORTLIST_CREATIONS_PER_HOUR = 2
    event = make_event()
    statuses = [save(Client(), event).status_code for _ in range(3)]  # three fresh browsers
    assert statuses == [302, 302, 429]
    assert Shortlist.objects.count() == 2


def test_abandoned_lists_expire(client, make_event, settings):
    settings.SHORTLIST_EXPIRY_DAYS = 30
    token = token_of(save(client, make_event()))
    fresh = token_of(save(type(client)(), make_event()))
    Shortlist.objects.filter(token_hash=hash_token(token)).update(
        used_at=timezone.now() - datetime.timedelta(days=31)
    )
    call_command("expire_shortlists")
    assert client.get(reverse("shortlist:feed", args=[token])).status_code == 404
    assert client.get(reverse("shortlist:feed", args=[fresh])).status_code == 200


def test_fetching_the_feed_keeps_a_list_alive(client, make_event):
    token = token_of(save(client, make_event()))
    old = timezone.now() - datetime.timedelta(days=10)
    Shortlist.objects.update(used_at=old)
    client.get(reverse("shortlist:feed", args=[token]))
    assert Shortlist.objects.get().used_at > old


def test_shortlist_pages_are_never_page_cached(client, page_cache, make_event):
    first, second = make_event(), make_event()
    token = token_of(save(client, first))
    url = reverse("shortlist:manage", args=[token])
    anonymous = type(client)()  # no cookie: the page cache's visitor
    assert second.title not in anonymous.get(url).content.decode()
    save(client, second)
    response = anonymous.get(url)
    assert second.title in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_manage_and_feed_run_a_fixed_number_of_queries(client, make_event, make_venue,
                                                       make_organisation,
                                                       django_assert_num_queries):
    token = token_of(save(client, make_event(venue=make_venue(),
                                             organisers=[make_organisation()])))
    client.get(reverse("events:list"))  # the site-wide context (park profile) is cached
    with django_assert_num_queries(2):
        client.get(reverse("shortlist:manage", args=[token]))
    with django_assert_num_queries(4):
        client.get(reverse("shortlist:feed", args=[token]))
    for _ in range(3):
        save(client, make_event(venue=make_venue(), organisers=[make_organisation()]))
    with django_assert_num_queries(2):
        client.get(reverse("shortlist:manage", args=[token]))
    with django_assert_num_queries(4):
        assert len(feed_uids(client, token)) == 4
