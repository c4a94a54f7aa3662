"""What a first-time visitor relies on (issue 14): phone links, the favicon, dates written as
people write them, events that say they are over, and subscribe boxes only with events."""

import datetime
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from lifevalley.timezones import BEIJING

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def render(source, **context):
    return Template("{% load lifevalley %}" + source).render(Context(context))


@pytest.mark.parametrize(("written", "dialled"), [
    ("+86-010-61703008", "+861061703008"),
    ("+86 10 6170 3008", "+861061703008"),
    ("+39 06 1234 5678", "+390612345678"),  # Italy keeps its 0
    ("010 6170 3008", "01061703008"),
])
def test_phone_links_dial_the_e164_number(written, dialled):
    assert render("{{ phone|tel_href }}", phone=written) == dialled


def test_footer_phone_link_is_e164(client, park_profile):
    html = client.get(reverse("home")).content.decode()
    assert 'href="tel:+861061703008"' in html
    assert "+86-010" not in re.findall(r'href="tel:([^"]+)"', html)[0]


def test_favicon_ico_answers_with_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICO header


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "7–8 December 2023"),
    ("zh-hans", "2023年12月7日至8日"),
])
def test_a_two_day_event_reads_as_one_range(client, make_event, language, expected):
    start = datetime.datetime(2023, 12, 7, tzinfo=BEIJING)
    event = make_event(title="The Great Brain Exploration", slug="great-brain",
                       starts_at=start, ends_at=start + datetime.timedelta(days=1, hours=23),
                       is_all_day=True)
    prefix = "" if language == "en" else "/zh-hans"
    html = client.get(prefix + event.get_absolute_url().removeprefix("/zh-hans")).content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert expected in text


@pytest.mark.parametrize(("start", "end", "english", "chinese"), [
    ((2023, 11, 30), (2023, 12, 2), "30 November – 2 December 2023", "2023年11月30日至12月2日"),
    ((2023, 12, 30), (2024, 1, 2), "30 December 2023 – 2 January 2024",
     "2023年12月30日至2024年1月2日"),
])
def test_ranges_across_months_and_years(start, end, english, chinese):
    start, end = datetime.date(*start), datetime.date(*end)
    for language, expected in (("en", english), ("zh-hans", chinese)):
        with translation.override(language):
            html = render("{% date_range start end %}", start=start, end=end)
        assert re.sub(r"<[^>]+>", "", html) == expected


def test_a_past_event_says_it_has_ended_and_offers_no_download(client, make_event):
    start = datetime.datetime(2023, 11, 20, 9, tzinfo=BEIJING)
    event = make_event(title="2023 Forum", starts_at=start,
                       ends_at=start + datetime.timedelta(hours=8))
    html = client.get(event.get_absolute_url()).content.decode()
    assert "This event has ended." in html
    assert "Download this event (.ics)" not in html
    assert "Subscribe in your calendar" not in html


def test_an_upcoming_event_leads_with_when_and_where(client, make_event):
    html = client.get(make_event(title="Next Forum").get_absolute_url()).content.decode()
    assert "This event has ended." not in html
    assert "Download this event (.ics)" in html
    # the essentials come before the description and the calendar instructions in the page
    assert html.index('class="sidebar event-essentials"') < html.index("Add to your calendar")


def test_no_subscribe_box_for_an_organisation_without_events(client, make_organisation,
                                                             make_event):
    quiet = make_organisation(name="Novo Nordisk", slug="novo-nordisk")
    busy = make_organisation(name="Changping People's Government", slug="changping")
    make_event(title="Forum", organisers=[busy])
    assert "Subscribe in your calendar" not in client.get(quiet.get_absolute_url()).content.decode()
    assert "Subscribe in your calendar" in client.get(busy.get_absolute_url()).content.decode()


def test_serve_takes_port_for_its_banner_and_links(tmp_path):
    """scripts/serve with PORT=8123: the banner and DJANGO_SITE_URL (every subscribe link) say
    8123. runserver is replaced by a stand-in that prints what it was given."""
    fake_python = tmp_path / "python"
    fake_python.write_text(
        "#!/bin/sh\n"
        'if [ "$2" = runserver ]; then echo "runserver $* site=$DJANGO_SITE_URL"; fi\n'
        'if [ "$2" = shell ]; then exit 0; fi\n'
    )
    fake_python.chmod(0o755)
    script = (ROOT / "scripts" / "serve").read_text()
    script = script.replace('source "$(dirname "$0")/bootstrap.sh"', f'cd "{ROOT}"')
    script = script.replace(".venv/bin/python", str(fake_python))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SITE_URL"} | {"PORT": "8123"}
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                            timeout=30)
    assert result.returncode == 0, result.stderr
    assert "Serving Life Valley at http://127.0.0.1:8123/" in result.stdout
    assert "runserver --verbosity 0 127.0.0.1:8123 site=http://127.0.0.1:8123" in result.stdout
    assert "8000" not in result.stdout
    bad = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                         env=env | {"PORT": "80a"}, timeout=30)
    assert bad.returncode == 2 and "PORT must be a port number" in bad.stderr


def test_subscribe_links_follow_the_site_url(client, settings, make_event):
    settings.SITE_URL = "http://127.0.0.1:8123"
    html = client.get(make_event().get_absolute_url()).content.decode()
    assert "webcal://127.0.0.1:8123/events/feed.ics" in html
    assert ":8000" not in html


def test_english_fallback_text_is_marked_as_english(client, make_zone, make_organisation):
    zone = make_zone(name="Frontier Technology Zone", slug="frontier-technology",
                     tagline="Cell and gene therapy", tagline_zh_hans="细胞与基因治疗")
    make_organisation(name="Beijing GoBroad Hospital", zone=zone)
    make_organisation(name="BeiGene", name_zh_hans="百济神州", zone=zone)
    html = client.get("/zh-hans/zones/frontier-technology/").content.decode()
    assert '<h1 lang="en">Frontier Technology Zone</h1>' in html
    assert '<p class="lead">细胞与基因治疗</p>' in html  # Chinese text: no mark
    directory = client.get("/zh-hans/directory/").content.decode()
    assert 'lang="en">Beijing GoBroad Hospital</a>' in directory
    assert '">百济神州</a>' in directory and 'lang="en">百济神州' not in directory
    english = client.get("/zones/frontier-technology/").content.decode()
    assert 'lang="en">Frontier' not in english  # the whole page is English already


def test_dashboard_lists_what_still_lacks_a_chinese_text(admin_client, make_zone,
                                                         make_organisation):
    make_zone(name="Frontier Technology Zone", name_zh_hans="", tagline="New zone",
              tagline_zh_hans="新区")
    make_zone(name="ZGC Life Science Park", name_zh_hans="中关村生命科学园", tagline="Core",
              tagline_zh_hans="核心区", description="", slug="core")
    make_organisation(name="BeiGene", name_zh_hans="百济神州", summary="")
    html = admin_client.get(reverse("admin:index")).content.decode()
    section = html.split('id="chinese-title"', 1)[1].split("</table>", 1)[0]
    rows = dict(re.findall(r">([^<>]+)</a></th><td>(\d+)</td>", section))
    assert rows.get("Zones") == "1"
    assert "Organisations" not in rows
