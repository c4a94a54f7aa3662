"""All-day events in the admin, in Chromium: ticking "all day" hides the time boxes, and an
event given by its dates alone is saved as running from the first to the last day."""

import datetime

from playwright.sync_api import expect

from events.models import BEIJING, Event, EventCategory
from tests.e2e.test_security import watched  # noqa: F401 - the fixture

PASSWORD = "a-long-test-password"


def log_in(page, base_url):
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base_url + "/admin/")


def test_ticking_all_day_hides_the_time_boxes_and_saves_dates_only(
        watched, demo_site, django_user_model):  # noqa: F811
    django_user_model.objects.create_superuser("curator", "curator@example.com", PASSWORD)
    page = watched()
    log_in(page, demo_site.url)
    page.goto(demo_site.url + "/admin/events/event/add/")

    times = [page.locator("#id_starts_at_1"), page.locator("#id_ends_at_1")]
    dates = [page.locator("#id_starts_at_0"), page.locator("#id_ends_at_0")]
    box = page.get_by_role("checkbox", name="All day")
    for time in times:
        expect(time).to_be_visible()
    box.check()
    for time in times:
        expect(time).to_be_hidden()
    expect(page.locator(".lv-time-part").first).to_be_hidden()  # its label and "Now" too
    for date in dates:
        expect(date).to_be_visible()
    box.uncheck()
    for time in times:
        expect(time).to_be_visible()

    # Dates only, the time boxes hidden and empty: the event runs over whole days.
    page.locator("#id_title_en").fill("Life Valley Open Day")
    category = EventCategory.objects.order_by("pk").first()
    page.locator("#id_category").select_option(str(category.pk))
    dates[0].fill("2030-05-18")
    dates[1].fill("2030-05-19")
    box.check()
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    event = Event.objects.get(title_en="Life Valley Open Day")
    assert (event.is_all_day, event.starts_at, event.ends_at) == (
        True, datetime.datetime(2030, 5, 18, tzinfo=BEIJING),
        datetime.datetime(2030, 5, 19, 23, 59, 59, tzinfo=BEIJING))

    # Opened again: the form shows its dates only, until "all day" is unticked.
    page.goto(f"{demo_site.url}/admin/events/event/{event.pk}/change/")
    expect(dates[0]).to_have_value("2030-05-18")
    for time in times:
        expect(time).to_be_hidden()
    box.uncheck()
    for time in times:
        expect(time).to_be_visible()
    assert page.check() == {"violations": [], "errors": []}
