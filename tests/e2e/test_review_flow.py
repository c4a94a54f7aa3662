"""An Editor changes a published event in a real browser; the public keeps the published one
until a Publisher, comparing the change with what is live, publishes it."""

import os
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from events.models import Event

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "")) if os.environ.get("SCREENSHOT_DIR") else None


def shoot(page, name):
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_editor_change_waits_for_the_publisher_then_goes_live(staff, demo_site):
    event = Event.objects.published().order_by("pk").first()
    old_title = event.title
    visitor = Client()
    assert old_title in visitor.get(event.get_absolute_url()).content.decode()

    editor = staff("wang.editor", "Editors")
    editor.goto(f"{demo_site.url}/admin/events/event/{event.pk}/change/")
    editor.locator("#id_title_en").fill("Renamed by the editor")
    editor.get_by_role("button", name="Save", exact=True).last.click()  # the bottom row
    expect(editor.locator(".messagelist")).to_contain_text("waits for a Publisher's review")
    expect(editor.locator(".lv-pending")).to_contain_text("waiting for a Publisher's review")
    shoot(editor, "editor-change-page")

    page = visitor.get(event.get_absolute_url()).content.decode()
    assert old_title in page and "Renamed by the editor" not in page

    publisher = staff("li.publisher", "Publishers")
    publisher.goto(f"{demo_site.url}/admin/")
    publisher.locator(".lv-review-dashboard").get_by_role("link", name=old_title).click()
    compare = publisher.locator("#review-compare")
    expect(compare).to_contain_text("Renamed by the editor")
    expect(compare).to_contain_text(old_title)
    shoot(publisher, "publisher-review")
    publisher.get_by_role("button", name="Publish this change").click()
    expect(publisher.locator(".messagelist")).to_contain_text("The change is published.")

    assert "Renamed by the editor" in visitor.get(event.get_absolute_url()).content.decode()
    publisher.goto(f"{demo_site.url}/admin/events/event/{event.pk}/history/")
    history = publisher.locator("#change-history")
    expect(history).to_contain_text("Reviewed change published")
    expect(history.locator("ins").first).to_have_text("Renamed by the editor")
    shoot(publisher, "history")
