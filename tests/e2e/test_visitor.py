"""A public visitor's path through the site, in Chromium, against the live server."""

import re
import zoneinfo
from pathlib import Path

import icalendar
from playwright.sync_api import expect

from directory.models import Organisation
from events.models import Event
from lifevalley.timezones import BEIJING

LONDON = zoneinfo.ZoneInfo("Europe/London")


def card_titles(page):
    return set(page.locator(".results .cards h3").all_inner_texts())


def published_names(**filters):
    return set(
        Organisation.objects.published().filter(**filters).distinct().values_list("name", flat=True)
    )


def test_visitor_goes_from_home_to_an_event_calendar_file(page, demo_site, tmp_path):
    page.goto(demo_site.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zhongguancun Life Science Park")

    # Directory, through the main navigation: every published organisation.
    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_role("link", name="Directory").click()
    expect(page).to_have_url(demo_site.url + "/directory/")
    everyone = published_names()
    expect(page.locator(".result-count")).to_have_text(f"{len(everyone)} organisations")
    assert card_titles(page) == everyone

    # Tick a sector in the filter form and submit it.
    sectors = page.get_by_role("group", name="Sectors")
    sectors.get_by_label("Life sciences research").check()
    page.get_by_role("button", name="Show results").click()
    expect(page).to_have_url(re.compile(r"/directory/\?(.*&)?sector=life-sciences-research(&|$)"))
    researchers = published_names(sectors__slug="life-sciences-research")
    assert 1 < len(researchers) < len(everyone)
    expect(page.locator(".result-count")).to_have_text(f"{len(researchers)} organisations")
    assert card_titles(page) == researchers
    expect(sectors.get_by_label("Life sciences research")).to_be_checked()

    # An organisation, then one of its sectors: the directory filtered on it.
    brain = "Chinese Institute for Brain Research"
    page.locator(".results .cards").get_by_role("link", name=brain).click()
    expect(page).to_have_url(demo_site.url + "/directory/chinese-institute-for-brain-research/")
    expect(page.get_by_role("heading", level=1)).to_have_text(brain)
    page.locator(".sidebar .tags").get_by_role("link", name="Neuroscience").click()
    expect(page).to_have_url(demo_site.url + "/directory/?sector=neuroscience")
    neuroscience = published_names(sectors__slug="neuroscience")
    assert neuroscience == {"Chinese Institute for Brain Research"}
    expect(page.locator(".result-count")).to_have_text("1 organisation")
    assert card_titles(page) == neuroscience

    # Events, through the main navigation, then one event.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    expect(page).to_have_url(demo_site.url + "/events/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upcoming events")
    event = Event.objects.get(slug="sample-cell-and-gene-therapy-symposium")
    page.get_by_role("link", name=event.title).click()
    expect(page).to_have_url(demo_site.url + event.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)

    # "Add to calendar": the one-time download.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this event (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"{event.slug}.ics"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    calendar = icalendar.Calendar.from_ical(Path(saved).read_bytes())

    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == event.uid
    assert str(vevent["SUMMARY"]) == event.title
    dtstart = vevent.decoded("DTSTART")
    assert dtstart == event.starts_at
    assert dtstart.astimezone(BEIJING).hour == 9
    assert vevent["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert "X-WR-CALNAME" not in calendar


def test_language_switch_opens_the_chinese_version_of_the_same_page(page, demo_site):
    organisation = Organisation.objects.get(slug="chinese-institute-for-brain-research")
    page.goto(demo_site.url + organisation.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_title(f"{organisation.name} · Zhongguancun Life Science Park")

    page.locator(".language-switch").get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(demo_site.url + "/zh-hans" + organisation.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_title(f"{organisation.name_zh_hans} · 中关村生命科学园")
    expect(page.get_by_role("heading", level=1)).to_have_text("北京脑科学与类脑研究所")
    expect(page.locator(".language-switch [aria-current]")).to_have_text("简体中文")

    # A filtered list keeps its filters in the other language, and English has no prefix.
    page.goto(demo_site.url + "/directory/?sector=neuroscience")
    page.locator(".language-switch").get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(demo_site.url + "/zh-hans/directory/?sector=neuroscience")
    expect(page.locator(".results .cards h3")).to_have_text([organisation.name_zh_hans])
    page.locator(".language-switch").get_by_role("link", name="English").click()
    expect(page).to_have_url(demo_site.url + "/directory/?sector=neuroscience")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_header_search_finds_brain(page, demo_site):
    page.goto(demo_site.url + "/zones/")
    search = page.get_by_role("search").first
    search.get_by_role("searchbox").fill("brain")
    search.get_by_role("button", name="Search").click()

    expect(page).to_have_url(demo_site.url + "/search/?q=brain")
    expect(page.locator(".result-count")).to_have_text("3 results for “brain”")
    titles = page.locator(".search-results h3 a").all_inner_texts()
    assert sorted(titles) == sorted(
        [
            "Chinese Institute for Brain Research",
            Event.objects.get(slug="the-great-brain-exploration-2023").title,
            "Medical Device Zone",
        ]
    )


def test_event_page_adds_the_visitors_own_time_only_when_it_differs(new_page, demo_site):
    event = Event.objects.get(title__startswith="Cell and Gene Therapy Symposium")
    in_london = new_page(timezone_id="Europe/London")
    in_london.goto(demo_site.url + event.get_absolute_url())
    note = in_london.locator("[data-local-time]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("In your time zone:")
    # The demo dates its sample events from today: derive London's wall time from the event.
    start, end = (moment.astimezone(LONDON) for moment in (event.starts_at, event.ends_at))
    expect(note).to_contain_text(
        f"{start.day} {start:%B %Y} at {start:%H:%M} – {end:%H:%M}"
    )
    expect(note).to_contain_text("Europe/London")

    in_beijing = new_page(timezone_id="Asia/Shanghai")
    in_beijing.goto(demo_site.url + event.get_absolute_url())
    expect(in_beijing.locator("[data-local-time]")).to_be_hidden()
