"""Under the Content-Security-Policy, in Chromium: no violation on public pages or in the admin,
and the pages' own scripts (local time, the admin's widgets) still run."""

import pytest
from playwright.sync_api import expect

from directory.models import Organisation
from events.models import Event
from zones.models import Zone

PASSWORD = "a-long-test-password"
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(
    location.pathname + ": " + event.violatedDirective + " " + (event.blockedURI || "inline")
    + " " + (event.sourceFile || "") + ":" + (event.lineNumber || "")
  );
});
"""


@pytest.fixture
def watched(new_page):
    """A page that records CSP violations and console errors; ``check()`` returns them."""

    def make(**kwargs):
        page = new_page(**kwargs)
        violations, errors = [], []
        page.expose_function("reportViolation", lambda text: violations.append(text))
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))

        def check():
            return {"violations": violations, "errors": errors}

        page.check = check
        return page

    return make


def public_paths():
    """The main public pages of the demo site, one of each kind, and a 404."""
    event = Event.objects.get(title__startswith="Cell and Gene Therapy Symposium")
    zone = Zone.objects.published().order_by("order").first()
    organisation = Organisation.objects.published().order_by("name").first()
    return [
        "/", "/zh-hans/", "/zones/", zone.get_absolute_url(), "/directory/",
        organisation.get_absolute_url(), "/events/", "/events/past/", "/events/calendar/",
        event.get_absolute_url(), "/search/?q=brain", "/accessibility/", "/no-such-page/",
    ]


def test_public_pages_have_no_csp_violation(watched, demo_site):
    for path in public_paths():
        page = watched()
        response = page.goto(demo_site.url + path)
        page.wait_for_load_state("load")
        result = page.check()
        if response.status == 404:
            # Chromium logs the page's own 404 status as a console error.
            result["errors"] = [e for e in result["errors"] if "status of 404" not in e]
        assert (path, result) == (path, {"violations": [], "errors": []})


def test_local_time_script_runs_under_csp(watched, demo_site):
    event = Event.objects.get(title__startswith="Cell and Gene Therapy Symposium")
    page = watched(timezone_id="Europe/London")
    page.goto(demo_site.url + event.get_absolute_url())
    note = page.locator("[data-local-time]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Europe/London")
    assert page.check() == {"violations": [], "errors": []}


def test_admin_change_forms_work_without_csp_violation(watched, demo_site, django_user_model):
    django_user_model.objects.create_superuser("curator", "curator@example.com", PASSWORD)
    page = watched()
    page.goto(demo_site.url + "/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(demo_site.url + "/admin/")

    # The event form: the calendar and clock widgets are the admin's static JavaScript.
    event = Event.objects.get(title__startswith="Cell and Gene Therapy Symposium")
    page.goto(demo_site.url + f"/admin/events/event/{event.pk}/change/")
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()
    page.locator("#calendarbox0 .calendarnav-next").click()
    page.locator("#calendarbox0 td a").first.click()
    expect(page.locator("#calendarbox0")).to_be_hidden()

    # The add form: the slug is prepopulated from the title as it is typed.
    page.goto(demo_site.url + "/admin/zones/zone/add/")
    page.locator("#id_name_en").press_sequentially("Quiet Garden Zone")
    expect(page.locator("#id_slug")).to_have_value("quiet-garden-zone")

    # The organisation form, with its autocomplete widgets.
    organisation = Organisation.objects.order_by("pk").first()
    page.goto(demo_site.url + f"/admin/directory/organisation/{organisation.pk}/change/")
    page.goto(demo_site.url + "/admin/directory/organisation/")
    page.goto(demo_site.url + "/admin/")
    assert page.check() == {"violations": [], "errors": []}
