import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def sitemap_locations(client):
    index = ET.fromstring(client.get("/sitemap.xml").content)
    locations = []
    for page in index.findall("s:sitemap/s:loc", NS):
        path = page.text.removeprefix(settings.SITE_URL)
        response = client.get(path)
        assert response.status_code == 200
        urlset = ET.fromstring(response.content)
        locations += [loc.text for loc in urlset.findall("s:url/s:loc", NS)]
    return locations


def test_sitemap_lists_published_zones_in_both_languages(client, make_zone):
    make_zone(slug="frontier-technology")
    make_zone(slug="secret-draft", is_published=False)
    make_zone(slug="embargoed", publish_from=timezone.now() + datetime.timedelta(days=2))
    make_zone(slug="expired", publish_until=timezone.now() - datetime.timedelta(days=2))
    locations = sitemap_locations(client)
    zone_urls = sorted(u for u in locations if "/zones/" in u and not u.endswith("/zones/"))
    assert zone_urls == [
        settings.SITE_URL + "/zh-hans/zones/frontier-technology/",
        settings.SITE_URL + "/zones/frontier-technology/",
    ]
    assert settings.SITE_URL + "/" in locations
    assert settings.SITE_URL + "/zh-hans/" in locations


def test_sitemap_lastmod_comes_from_the_object(client, make_zone):
    zone = make_zone(slug="frontier-technology")
    index = ET.fromstring(client.get("/sitemap.xml").content)
    zones_page = next(
        loc.text for loc in index.findall("s:sitemap/s:loc", NS) if "zones" in loc.text
    )
    urlset = ET.fromstring(client.get(zones_page.removeprefix(settings.SITE_URL)).content)
    lastmods = {url.find("s:lastmod", NS).text for url in urlset.findall("s:url", NS)}
    assert lastmods == {timezone.localdate(zone.updated_at).isoformat()}
