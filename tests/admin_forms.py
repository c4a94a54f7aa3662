"""POST data for admin forms, as the browser sends them (translated fields in both languages)."""

from html.parser import HTMLParser

from django.urls import reverse

EDIT_VERSION = "_edit_version"


class _FormParser(HTMLParser):
    """Collects what a browser would submit from the admin's change form."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields = []  # (name, value) in document order
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name and "disabled" not in attrs:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name and "disabled" not in attrs:
            self._textarea = [name, ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            name, text = self._textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data


def change_form_payload(client, url, **overrides):
    """GET an admin change form and return the POST data its Save button sends, with
    ``overrides`` applied (the hidden edit version included, as the browser sends it)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    parser = _FormParser(f"{response.context['opts'].model_name}_form")
    parser.feed(response.content.decode())
    data = {}
    for name, value in parser.fields:
        if "__prefix__" in name:
            continue  # the inline's empty template row, which Django ignores too
        data.setdefault(name, []).append(value)
    data = {name: values if len(values) > 1 else values[0] for name, values in data.items()}
    return data | overrides


def edit_version(client, url):
    """The version a change form was opened with (its hidden ``_edit_version`` field)."""
    return change_form_payload(client, url)[EDIT_VERSION]


def with_edit_version(client, url, data):
    return data | {EDIT_VERSION: edit_version(client, url)}


# What the tests type into a new zone's add form (the rest is what the form holds when it opens).
NEW_ZONE = {
    "name_en": "Frontier Technology Zone",
    "slug": "frontier-technology",
    "tagline_en": "Cell and gene therapy, digital medicine, synthetic biology",
    "description_en": "A new zone.",
    "status": "new",
    "order": "1",
    "is_published": "on",
}


def zone_form(client, zone=None, **overrides):
    """The zone add form (or ``zone``'s change form) as the browser sends it."""
    if zone is None:
        return change_form_payload(client, reverse("admin:zones_zone_add"),
                                   **(NEW_ZONE | overrides))
    return change_form_payload(client, reverse("admin:zones_zone_change", args=[zone.pk]),
                               **overrides)


# What the tests type into a new organisation's add form (the rest is what the form holds).
CHANGPING_LABORATORY = {
    "name_en": "Changping Laboratory", "name_zh_hans": "北京昌平实验室",
    "slug": "changping-laboratory", "kind": "research", "is_published": "on",
}


def organisation_add_form(client, **overrides):
    """The organisation add form as the browser sends it, for Changping Laboratory."""
    return change_form_payload(client, reverse("admin:directory_organisation_add"),
                               **(CHANGPING_LABORATORY | overrides))
