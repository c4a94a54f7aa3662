"""The content team in a real browser: an editor drafts an event, a publisher publishes it."""

import datetime
import zoneinfo

import icalendar
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from events.models import Event
from lifevalley.roles import EDITORS, PUBLISHERS
from lifevalley.timezones import BEIJING
from tests.e2e.conftest import PASSWORD, serve_media

TITLE = "Organoid Models of the Developing Brain Workshop"
SLUG = "organoid-models-of-the-developing-brain-workshop"
ALT = "Researchers at a microscope in a Life Valley laboratory"
SPEAKER = "Dr. Chen Jing"


def make_photo(path):
    """A real 1200 × 800 JPEG, as a camera would give."""
    image = Image.new("RGB", (1200, 800), (32, 96, 160))
    draw = ImageDraw.Draw(image)
    for step in range(0, 1200, 60):
        draw.rectangle((step, 200 + step // 6, step + 40, 760), fill=(200, 120 + step // 20, 40))
    image.save(path, "JPEG", quality=85)
    return path


def feed_summaries(page, base_url):
    response = page.request.get(base_url + "/events/feed.ics")
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.body())
    return {str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")}


def test_editor_drafts_an_event_and_a_publisher_publishes_it(
    new_page, demo_site, staff, tmp_path
):
    photo = make_photo(tmp_path / "organoid-lab.jpg")
    day = timezone.localtime(timezone.now(), BEIJING).date() + datetime.timedelta(days=20)

    # An editor writes the draft, with a speaker (inline) and an image.
    editor = staff("editor", EDITORS)
    editor.goto(demo_site.url + "/admin/events/event/add/")
    editor.get_by_label("Title [en]").press_sequentially(TITLE)  # typed: keyup fills the slug
    expect(editor.locator("#id_slug")).to_have_value(SLUG)  # the admin's prepopulated slug
    editor.get_by_label("Category").select_option(label="Seminar")
    editor.get_by_label("One-line summary [en]").fill("Brain organoids for disease modelling.")
    editor.locator("#id_starts_at_0").fill(day.isoformat())
    editor.locator("#id_starts_at_1").fill("14:00:00")
    editor.locator("#id_ends_at_0").fill(day.isoformat())
    editor.locator("#id_ends_at_1").fill("17:30:00")
    editor.locator("input[type=file]#id_image").set_input_files(photo)
    editor.get_by_label("Image description (alt text) [en]").fill(ALT)
    editor.locator("#id_speakers-0-name").fill(SPEAKER)
    editor.locator("#id_speakers-0-affiliation_en").fill("Chinese Institute for Brain Research")
    editor.locator("#id_speakers-0-talk_title_en").fill("Growing cortex in a dish")

    # No publish control: the flag is shown read-only, not as a field.
    expect(editor.locator("#id_is_published")).to_have_count(0)
    expect(editor.locator(".field-is_published .readonly")).to_be_visible()
    editor.get_by_role("button", name="Save", exact=True).last.click()  # the bottom row

    expect(editor).to_have_url(demo_site.url + "/admin/events/event/")
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    actions = editor.locator("select[name=action] option").all_inner_texts()
    assert "Cancel selected events (they stay listed, marked cancelled)" in actions
    assert "Publish selected items" not in actions
    assert "Unpublish selected items" not in actions

    event = Event.objects.get(slug=SLUG)
    assert event.is_published is False
    assert [speaker.name for speaker in event.speakers.all()] == [SPEAKER]
    assert (event.image_width, event.image_height, event.image_alt) == (1200, 800, ALT)
    assert event.starts_at == datetime.datetime.combine(day, datetime.time(14), BEIJING)

    editor.goto(demo_site.url + f"/admin/events/event/{event.pk}/change/")
    expect(editor.locator("#id_title_en")).to_have_value(TITLE)
    expect(editor.locator("#id_is_published")).to_have_count(0)

    # The public gets 404 and the feed leaves the draft out; the editor sees a marked preview.
    visitor = new_page()
    serve_media(visitor, demo_site.url)
    assert visitor.goto(demo_site.url + f"/events/{SLUG}/").status == 404
    assert TITLE not in feed_summaries(visitor, demo_site.url)
    editor.goto(demo_site.url + f"/events/{SLUG}/")
    expect(editor.locator(".preview-banner")).to_contain_text("this page is not public")

    # A publisher publishes it with the list action.
    publisher = staff("publisher", PUBLISHERS)
    publisher.goto(demo_site.url + "/admin/events/event/?is_published__exact=0")
    publisher.get_by_role("row").filter(has_text=TITLE).get_by_role("checkbox").check()
    publisher.locator("select[name=action]").select_option(label="Publish selected items")
    publisher.get_by_role("button", name="Go").click()
    expect(publisher.locator(".messagelist")).to_contain_text("1 item updated.")
    event.refresh_from_db()
    assert event.is_published is True

    # The public page shows it, with its speaker and the image as a responsive <picture>.
    response = visitor.goto(demo_site.url + f"/events/{SLUG}/")
    assert response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.locator(".preview-banner")).to_have_count(0)
    expect(visitor.locator(".speakers")).to_contain_text(SPEAKER)
    picture = visitor.locator("picture").filter(has=visitor.get_by_role("img", name=ALT))
    expect(picture).to_have_count(1)
    expect(picture.locator("source[type='image/webp']")).to_have_count(1)
    image = picture.get_by_role("img", name=ALT)
    expect(image).to_have_attribute("width", "1200")
    expect(image).to_have_attribute("height", "800")
    image.scroll_into_view_if_needed()
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") > 0
    assert image.evaluate("img => img.currentSrc").endswith(".webp")

    # And the subscription feed carries it.
    assert TITLE in feed_summaries(visitor, demo_site.url)


OVERFLOW = """() => {
    const page = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    const boxes = [...document.querySelectorAll('.inline-group .tabular, .results')]
        .map(box => box.scrollWidth - box.clientWidth);
    return Math.max(page, ...boxes, 0);
}"""


def test_event_form_fits_1366_px_with_one_time_zone_note(new_page, demo_site, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    page = new_page(timezone_id="America/New_York")  # a staff member travelling
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(demo_site.url + "/admin/login/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    event = Event.objects.filter(speakers__isnull=False).order_by("pk").first()
    page.goto(f"{demo_site.url}/admin/events/event/{event.pk}/change/")
    expect(page.locator("#speakers-group")).to_be_visible()
    assert page.evaluate(OVERFLOW) == 0
    page.goto(demo_site.url + "/admin/events/event/")
    assert page.evaluate(OVERFLOW) == 0

    page.goto(f"{demo_site.url}/admin/events/event/{event.pk}/change/")
    note = page.locator(".lv-time-zone-note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Beijing time (UTC+08:00)")
    new_york = datetime.datetime.now(zoneinfo.ZoneInfo("America/New_York")).utcoffset()
    expect(note).to_contain_text(f"UTC−0{-int(new_york.total_seconds()) // 3600}:00")
    expect(page.locator(".timezonewarning")).to_have_count(0)
