"""Every absolute URL the site prints is on SITE_URL, whatever host the request came to."""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.org"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
              "x": "http://www.w3.org/1999/xhtml"}
ATOM = "{http://www.w3.org/2005/Atom}"
# What the pages print on purpose that is not the site: the park's own official website in the
# footer and its JSON-LD ``sameAs``, and schema.org's vocabulary names.
PARK_WEBSITE = "https://www.lifesciencepark.com.cn"
# Calendar apps' subscribe pages, handed the feed's address (which must be on the site).
CALENDAR_APPS = {"calendar.google.com": "cid", "outlook.live.com": "url"}


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = []
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = ("href", "src", "content", "action")
        self.values += [attrs[name] for name in names if name in attrs]
        self._in_json_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))
            self._in_json_ld = False


def strings(value):
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return [value] if isinstance(value, str) else []


def is_absolute(url):
    return url.startswith("//") or re.match(r"^[a-z][a-z0-9+.-]*://", url) is not None


def printed_urls(html):
    parser = _Attributes()
    parser.feed(html)
    urls = parser.values + [s for data in parser.json_ld for s in strings(data)]
    return [u for u in urls if is_absolute(u) and not u.startswith("https://schema.org")]


def on_site(url):
    parts = urlsplit(url)
    if parts.scheme == "webcal":  # the feed for Apple Calendar: the site's host, another scheme
        return parts.netloc == urlsplit(SITE).netloc and parts.path.startswith("/")
    if parts.netloc in CALENDAR_APPS:
        [feed] = parse_qs(parts.query)[CALENDAR_APPS[parts.netloc]]
        return on_site(feed)
    return url.startswith(SITE + "/")


def off_site(urls):
    return sorted({u for u in urls if not on_site(u) and u != PARK_WEBSITE})


@pytest.fixture
def portal(settings, park_profile, make_zone, make_organisation, make_event):
    settings.SITE_URL = SITE
    zone = make_zone(slug="frontier-technology")
    organisation = make_organisation(slug="beigene", zone=zone)
    event = make_event(slug="forum", zone=zone, organisers=[organisation])
    return {"zone": zone, "organisation": organisation, "event": event}


def test_sitemap_index_and_sitemaps_are_on_site_url(client, portal):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    pages = [loc.text for loc in index.findall("s:sitemap/s:loc", SITEMAP_NS)]
    assert sorted(pages) == [
        f"{SITE}/sitemap-{section}.xml" for section in ("events", "organisations", "pages", "zones")
    ]
    urls = []
    for page in pages:
        urlset = ET.fromstring(client.get(page.removeprefix(SITE)).content)
        urls += [loc.text for loc in urlset.findall("s:url/s:loc", SITEMAP_NS)]
        urls += [link.get("href") for link in urlset.findall("s:url/x:link", SITEMAP_NS)]
    assert f"{SITE}/directory/beigene/" in urls
    assert f"{SITE}/zh-hans/events/forum/" in urls
    assert [u for u in urls if not u.startswith(SITE + "/")] == []


def test_robots_txt_sitemap_line_is_on_site_url(client, portal):
    lines = client.get("/robots.txt").content.decode().splitlines()
    assert [line for line in lines if line.startswith("Sitemap:")] == [
        f"Sitemap: {SITE}/sitemap.xml"
    ]


def test_atom_feed_urls_are_on_site_url(client, portal):
    feed = ET.fromstring(client.get("/events/feed.atom").content)
    hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    ids = [node.text for node in feed.iter(f"{ATOM}id") if not node.text.startswith("urn:")]
    assert f"{SITE}/events/forum/" in hrefs
    assert [u for u in hrefs + ids if not u.startswith(SITE + "/")] == []


@pytest.mark.parametrize(
    "path",
    ["/", "/zh-hans/", "/zones/frontier-technology/", "/directory/beigene/",
     "/zh-hans/directory/beigene/", "/events/forum/", "/events/", "/directory/"],
)
def test_page_absolute_urls_are_on_site_url(client, portal, path):
    response = client.get(path)
    assert response.status_code == 200
    urls = printed_urls(response.content.decode())
    assert f"{SITE}{path}" in urls  # canonical and og:url at least
    assert off_site(urls) == []


def test_organisation_json_ld_is_on_site_url(client, portal):
    parser = _Attributes()
    parser.feed(client.get("/directory/beigene/").content.decode())
    [data] = parser.json_ld
    assert (data["@id"], data["mainEntityOfPage"], data["location"]["url"]) == (
        f"{SITE}/directory/beigene/",
        f"{SITE}/directory/beigene/",
        f"{SITE}/zones/frontier-technology/",
    )
