"""A 404 under a path that looks like another host keeps every link on the site."""

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.org"
PARK_WEBSITE = "https://www.lifesciencepark.com.cn"

# PATH_INFO as a WSGI server hands it over (percent-escapes already decoded).
HOSTILE_PATHS = [
    "//evil.example/x",
    "///evil.example/x",  # /%2F%2Fevil.example/x
    "/\\evil.example",
    "/\\/evil.example/x",
    "//\\evil.example",
    "/\t/evil.example/x",
    "//evil.example/zh-hans/",
]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "action", "src"):
            if name in attrs:
                self.links.append((tag, attrs.get("hreflang") or attrs.get("rel"), attrs[name]))
        if tag == "meta" and attrs.get("property") == "og:url":
            self.links.append((tag, "og:url", attrs["content"]))


def links(html):
    parser = _Links()
    parser.feed(html)
    return parser.links


def stays_on_site(url):
    if url.startswith((SITE + "/", "#", "mailto:", "tel:")) or url == PARK_WEBSITE:
        return True
    return url.startswith("/") and url[1:2] not in {"/", "\\"} and "\t" not in url


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_404_under_hostile_path_links_only_to_the_site(client, settings, park_profile, path):
    settings.SITE_URL = SITE
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    found = links(response.content.decode())
    assert [link for link in found if not stays_on_site(link[2])] == []
    # The language switch, hreflang and canonical links are still there, on the site.
    switch = [url for tag, lang, url in found if tag == "a" and lang == "zh-hans"]
    assert len(switch) == 1
    hreflang = [url for tag, lang, url in found if tag == "link" and lang in {"en", "zh-hans"}]
    assert len(hreflang) == 2
    assert all(url.startswith(SITE + "/") for url in hreflang)


def test_404_under_hostile_path_with_query_keeps_it_local(client, settings):
    settings.SITE_URL = SITE
    response = client.get("/", {"q": "x"}, PATH_INFO="//evil.example/x")
    assert response.status_code == 404
    [switch] = [url for tag, lang, url in links(response.content.decode())
                if tag == "a" and lang == "zh-hans"]
    assert switch == "/evil.example/x?q=x"


def test_ordinary_page_language_switch_is_unchanged(client):
    response = client.get("/zones/?page=1")
    [switch] = [url for tag, lang, url in links(response.content.decode())
                if tag == "a" and lang == "zh-hans"]
    assert switch == "/zh-hans/zones/?page=1"
