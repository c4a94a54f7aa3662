"""The Atom feed for news readers: summaries are inert text, links are on SITE_URL."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> <b>bold</b> & "q"'


def atom_entries(client, path=None):
    response = client.get(path or reverse("events:atom"))
    assert response.status_code == 200
    return ET.fromstring(response.content)


def test_atom_summary_with_markup_is_plain_text(client, make_event):
    make_event(title="Forum", summary=HOSTILE)
    feed = atom_entries(client)
    [summary] = feed.findall(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "text"
    # The markup is the summary's text, as written; it holds no element a reader could run.
    assert summary.text.endswith(HOSTILE)
    assert list(summary) == []


def test_atom_summary_without_markup_keeps_its_text(client, make_event):
    make_event(title="Forum", summary="Talks on organoids")
    [summary] = atom_entries(client).findall(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text.endswith(" · Talks on organoids")


def test_atom_links_come_from_site_url_not_the_request(client, make_event, settings):
    settings.SITE_URL = "https://portal.example.org"
    event = make_event(title="Forum", slug="forum")
    feed = atom_entries(client)
    hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert sorted(hrefs) == sorted([
        "https://portal.example.org/events/",
        "https://portal.example.org/events/feed.atom",
        "https://portal.example.org" + event.get_absolute_url(),
    ])
    assert feed.find(f"{ATOM}id").text == "https://portal.example.org/events/"


def test_atom_links_in_chinese_stay_on_site_url(client, make_event, settings):
    settings.SITE_URL = "https://portal.example.org"
    make_event(title="Forum", slug="forum")
    feed = atom_entries(client, "/zh-hans/events/feed.atom")
    hrefs = sorted(link.get("href") for link in feed.iter(f"{ATOM}link"))
    assert hrefs == [
        "https://portal.example.org/zh-hans/events/",
        "https://portal.example.org/zh-hans/events/feed.atom",
        "https://portal.example.org/zh-hans/events/forum/",
    ]
