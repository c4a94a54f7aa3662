import json
import re

import pytest

pytestmark = pytest.mark.django_db


def json_ld(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def meta(html, prop):
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def test_home_describes_the_park_as_an_organization(client, park_profile):
    html = client.get("/").content.decode()
    (data,) = json_ld(html)
    assert data["@type"] == "Organization"
    assert data["name"] == "Zhongguancun Life Science Park"
    assert data["telephone"] == "+86-010-61703008"
    assert data["address"]["addressCountry"] == "CN"


def test_zone_page_is_a_place_with_link_preview_tags(client, make_zone, park_profile):
    zone = make_zone(name="Medical Device Zone", slug="medical-device", tagline="Devices")
    html = client.get("/zones/medical-device/").content.decode()
    (data,) = json_ld(html)
    assert (data["@type"], data["name"], data["url"]) == (
        "Place",
        "Medical Device Zone",
        "http://127.0.0.1:8000/zones/medical-device/",
    )
    assert meta(html, "og:title") == "Medical Device Zone"
    assert meta(html, "og:description") == "Devices"
    assert meta(html, "og:image").endswith("/static/img/og-default.png")
    assert meta(html, "twitter:card") == "summary_large_image"
    assert '<link rel="canonical" href="http://127.0.0.1:8000/zones/medical-device/">' in html
    assert zone.name in html


def test_json_ld_cannot_break_out_of_its_script(client, make_zone, park_profile):
    make_zone(slug="x", tagline="</script><script>alert(1)</script>")
    html = client.get("/zones/x/").content.decode()
    assert "</script><script>alert(1)" not in html
    (data,) = json_ld(html)
    assert data["description"] == "</script><script>alert(1)</script>"


def test_every_page_links_its_other_language(client, make_zone):
    make_zone(slug="frontier-technology")
    html = client.get("/zh-hans/zones/frontier-technology/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert (
        '<link rel="alternate" hreflang="en" href="http://127.0.0.1:8000/zones/frontier-technology/">'
        in html
    )
    assert '<a href="/zones/frontier-technology/" hreflang="en" lang="en">English</a>' in html
