"""POST data for admin forms, as the browser sends them (translated fields in both languages)."""

from html.parser import HTMLParser


def zone_form(zone=None, **overrides):
    data = {
        "name_en": zone.name if zone else "Frontier Technology Zone",
        "name_zh_hans": "",
        "slug": zone.slug if zone else "frontier-technology",
        "tagline_en": "Cell and gene therapy, digital medicine, synthetic biology",
        "tagline_zh_hans": "",
        "description_en": "A new zone.",
        "description_zh_hans": "",
        "status": "new",
        "order": "1",
        "area_km2": "",
        "planned_area_km2": "",
        "image_alt_en": "",
        "image_alt_zh_hans": "",
        "is_published": "on",
        "publish_from_0": "",
        "publish_from_1": "",
        "publish_until_0": "",
        "publish_until_1": "",
        "projects-TOTAL_FORMS": "0",
        "projects-INITIAL_FORMS": "0",
        "projects-MIN_NUM_FORMS": "0",
        "projects-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


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
