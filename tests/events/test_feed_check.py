"""The admin's feed check: each feed's events, bytes against the cap, parse, last change."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from events import ical, limits

pytestmark = pytest.mark.django_db

URL = "/admin/events/feedcheck/"


def rows(html):
    """{feed label: [cells]} of the check's table."""
    table = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S):
        label = re.sub(r"<[^>]+>", "", row.split("</th>")[0]).strip()
        table[label] = [re.sub(r"<[^>]+>", "", cell).strip()
                        for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
    return table


def test_feed_check_counts_each_feed(editor_client, make_event, make_zone, make_event_category):
    zone = make_zone(slug="frontier-technology", name="Frontier Technology Zone")
    make_zone(slug="hidden", name="Hidden Zone", is_published=False)
    forum = make_event_category(slug="forum", name="Forum")
    make_event(zone=zone, category=forum)
    make_event(zone=zone)
    make_event(category=forum, is_published=False)  # a draft counts nowhere
    response = editor_client.get(URL)
    assert response.status_code == 200
    table = rows(response.content.decode())
    whole = editor_client.get(reverse("events:feed")).content
    assert table["All events"][:2] == ["2", f"{len(whole) / 1024:.1f}\xa0KB"]
    assert table["Frontier Technology Zone"][0] == "2"
    assert table["Forum"][0] == "1"
    assert "Hidden Zone" not in table
    assert {cells[3] for cells in table.values()} == {"yes"}


def test_feed_check_warns_near_the_cap(editor_client, make_event, monkeypatch):
    make_event()
    whole = editor_client.get(reverse("events:feed")).content
    monkeypatch.setattr(limits, "FEED_MAX_BYTES", int(len(whole) / 0.9))
    cache.clear()  # the whole feed was cached under the old cap
    html = editor_client.get(URL).content.decode()
    assert "nearly full" in rows(html)["All events"][2]


def test_feed_check_needs_staff(client, make_event):
    assert client.get(URL).status_code == 302  # to the login page


def test_feed_check_says_when_a_feed_does_not_parse(editor_client, make_event, monkeypatch):
    make_event()
    monkeypatch.setattr(ical, "assemble", lambda parts, **kwargs: b"BEGIN:VCALENDAR\r\nnot ical")
    cells = rows(editor_client.get(URL).content.decode())["All events"]
    assert cells[0] == "0" and cells[3].startswith("no: ")
