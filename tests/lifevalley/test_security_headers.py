"""Content-Security-Policy and the other security headers, on pages, the admin and the feeds."""

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PUBLIC_PATHS = [
    "/", "/zh-hans/", "/zones/frontier-technology/", "/directory/", "/directory/beigene/",
    "/events/", "/events/forum/", "/search/?q=forum", "/accessibility/", "/no-such-page/",
]
OTHER_PATHS = [
    "/events/feed.ics", "/events/feed.atom", "/events/forum.ics", "/sitemap.xml",
    "/robots.txt", "/admin/login/",
]


def policy(response):
    header = response["Content-Security-Policy"]
    directives = [part.strip().split() for part in header.split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.fixture
def site(park_profile, make_zone, make_organisation, make_event):
    zone = make_zone(slug="frontier-technology")
    organisation = make_organisation(slug="beigene", zone=zone)
    return make_event(slug="forum", title="Forum", zone=zone, organisers=[organisation])


def assert_security_headers(response):
    assert policy(response) == EXPECTED_CSP
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    permissions = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()"


@pytest.mark.parametrize("path", PUBLIC_PATHS + OTHER_PATHS)
def test_security_headers_on_every_response(client, site, path):
    response = client.get(path)
    assert response.status_code in {200, 404}
    assert_security_headers(response)


def test_security_headers_on_admin_change_form(publisher_client, site):
    response = publisher_client.get(f"/admin/events/event/{site.pk}/change/")
    assert response.status_code == 200
    assert_security_headers(response)


class _InlineCode(HTMLParser):
    """Everything a CSP without 'unsafe-inline' would block."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/ld+json":
            self.found.append("inline <script>")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}={value!r}")
            url = value.strip().lower() if name in {"href", "src", "action"} else ""
            if url.startswith("javascript:"):
                self.found.append(f"{tag} {name}={value!r}")


def inline_code(html):
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("path", PUBLIC_PATHS + ["/admin/login/"])
def test_pages_have_no_inline_script_or_style(client, site, path):
    assert inline_code(client.get(path).content.decode()) == []


def test_admin_change_form_has_no_inline_script_or_style(publisher_client, site):
    html = publisher_client.get(f"/admin/events/event/{site.pk}/change/").content.decode()
    assert inline_code(html) == []


def test_error_pages_have_no_inline_script_or_style():
    from django.template.loader import render_to_string

    for name in ("500.html", "503.html"):
        assert inline_code(render_to_string(name)) == []
