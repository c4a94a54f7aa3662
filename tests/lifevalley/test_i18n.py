"""The Chinese interface: a complete, current catalogue, Chinese pages, dates and feeds."""

import ast
import datetime
import gettext
import io
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import icalendar
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import formats, translation

from directory.models import Organisation
from events.models import Event, EventCategory
from lifevalley.models import Sector
from lifevalley.timezones import BEIJING
from zones.models import Zone

LOCALE_DIR = django_settings.BASE_DIR / "lifevalley" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

# The folders scripts/messages leaves out (keep the two lists the same).
NOT_SCANNED = [".venv", "tests", "node_modules", "staticfiles", "data"]


# The catalogue ----------------------------------------------------------------------------------

@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list = field(default_factory=list)
    flags: set = field(default_factory=set)

    @property
    def key(self):
        return (self.msgctxt, self.msgid, self.msgid_plural)


def read_po(path):
    """The entries of a .po file (header included as the entry with msgid ""; obsolete
    entries left out). Enough of the format for what makemessages writes."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, current, obsolete = Entry(), None, False
        for line in block.splitlines():
            if line.startswith("#~"):
                obsolete = True
            elif line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#") or not line.strip():
                continue
            elif line.startswith('"'):
                current.append(ast.literal_eval(line))
            else:
                keyword, _, text = line.partition(" ")
                current = [ast.literal_eval(text)]
                if keyword.startswith("msgstr"):
                    entry.msgstr.append(current)
                else:
                    setattr(entry, keyword, current)
        if obsolete or not isinstance(entry.msgid, list):
            continue
        entry.msgid = "".join(entry.msgid)
        for name in ("msgctxt", "msgid_plural"):
            if getattr(entry, name) is not None:
                setattr(entry, name, "".join(getattr(entry, name)))
        entry.msgstr = ["".join(parts) for parts in entry.msgstr]
        entries.append(entry)
    return entries


def messages():
    return [entry for entry in read_po(PO_FILE) if entry.msgid]


def require_gettext_tools(*tools):
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail(f"GNU gettext is required in CI: {', '.join(missing)} not found")
    pytest.skip(f"GNU gettext not installed ({', '.join(missing)} not found); CI runs this")


def test_po_file_holds_exactly_the_strings_marked_in_the_code(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the sources finds the same msgids as the committed file:
    nothing marked is missing, nothing gone is left. If this fails, run scripts/messages and
    translate what it adds."""
    require_gettext_tools("xgettext", "msgmerge", "msguniq")
    source = tmp_path / "source"
    shutil.copytree(
        django_settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(*NOT_SCANNED, "locale", ".*", "__pycache__", "*.egg-info"),
    )
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)

    call_command(
        "makemessages",
        locale=["zh_Hans"],
        domain="django",
        add_location="file",
        no_obsolete=True,
        ignore_patterns=NOT_SCANNED,
        verbosity=0,
    )

    fresh = {e.key for e in read_po(source / "locale/zh_Hans/LC_MESSAGES/django.po") if e.msgid}
    committed = {entry.key for entry in messages()}
    assert fresh, "makemessages found no strings at all"
    assert (sorted(fresh - committed, key=str), sorted(committed - fresh, key=str)) == ([], []), (
        "(marked but not in the .po, in the .po but no longer marked): run scripts/messages"
    )


def test_mo_file_is_compiled_from_the_po_file():
    """The committed .mo carries exactly the translations of the committed .po."""
    expected = {}
    for entry in read_po(PO_FILE):
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if not entry.msgid:
            # msgfmt leaves the creation date out of the compiled header.
            expected[""] = re.sub(r"POT-Creation-Date: .*\n", "", entry.msgstr[0])
        elif entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            expected.update({(msgid, n): text for n, text in enumerate(entry.msgstr)})
    with MO_FILE.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    assert compiled == expected, "the .mo is stale: run scripts/messages"


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = messages()
    assert len(entries) > 300
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    assert [e.msgid for e in entries if not e.msgstr or not all(s.strip() for s in e.msgstr)] == []
    # Chinese has one plural form, so every plural entry has exactly one msgstr.
    assert [e.msgid for e in entries if e.msgid_plural and len(e.msgstr) != 1] == []
    header = read_po(PO_FILE)[0]
    assert "Language: zh_Hans\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\}|</?\w+[^>]*>")


@pytest.mark.parametrize("entry", messages(), ids=lambda entry: entry.msgid[:40])
def test_translation_keeps_placeholders_and_markup(entry):
    wanted = Counter(PLACEHOLDER.findall(entry.msgid))
    if entry.msgid_plural:
        wanted |= Counter(PLACEHOLDER.findall(entry.msgid_plural))
    for text in entry.msgstr:
        assert Counter(PLACEHOLDER.findall(text)) == wanted


# Chinese pages ----------------------------------------------------------------------------------

# Interface words (never the names of things) that an English page shows and a Chinese page
# must not: the demo content falls back to English, so words that also occur in that content
# (Forum, Research, Zone, Hospital, "Part of" …) are not on the list.
INTERFACE_WORDS = [
    "Skip to main content", "Directory", "Events", "Search", "Zones", "Language",
    "Contact", "Phone", "Email", "Website", "Explore", "Accessibility",
    "The park in figures", "As of", "All zones", "All events", "Featured organisations",
    "Upcoming", "Past events", "Subscribe", "Previous", "Next", "Pages",
    "Focus areas", "Current area", "Planned area", "Development projects",
    "Organisations in this zone", "Zone facts", "Results", "Sort by", "Kind", "Sectors",
    "Any kind", "Any zone", "Either", "Show results", "Clear all filters", "Active filters",
    "Enterprise", "Public body", "Breadcrumbs", "Founded", "Listed",
    "Month calendar", "Show events", "Category", "Organiser", "Until", "This month",
    "Day by day", "exact dates not announced", "Add to your calendar", "Download",
    "Speakers", "Sub-forums", "Where", "When", "Beijing time", "Repeats weekly",
    "Not on", "Cancelled", "Page not found", "Go to the home page", "Accessibility statement",
    "result for", "results for", "Back to all kinds of results", "Feedback",
    "Google Calendar", "Apple Calendar",
]
WORD_PATTERNS = {
    word: re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])") for word in INTERFACE_WORDS
}


class VisibleText(HTMLParser):
    """Text a visitor sees or hears: text nodes and the attributes screen readers announce."""

    ANNOUNCED = {"aria-label", "title", "placeholder", "alt", "value"}

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        input_type = dict(attrs).get("type")
        for name, value in attrs:
            if value and name in self.ANNOUNCED:
                if name == "value" and input_type not in ("submit", "button"):
                    continue
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def interface_words_on(html):
    parser = VisibleText()
    parser.feed(html)
    text = "\n".join(parser.parts)
    return {word for word, pattern in WORD_PATTERNS.items() if pattern.search(text)}


@pytest.fixture
def demo_site(db, make_organisation, make_event):
    """The demo content, plus enough organisations for two directory pages, a cancelled and a
    repeating event with a skipped date."""
    call_command("loaddemo", stdout=io.StringIO())
    for n in range(25):
        make_organisation(name=f"Organisation {n:02}", slug=f"organisation-{n:02}")
    make_event(
        title="Called-off meeting",
        slug="called-off",
        status="cancelled",
        category=EventCategory.objects.get(slug="seminar"),
    )
    return {
        "zone": Zone.objects.get(slug="life-science-park"),
        "organisation": Organisation.objects.get(name="BeiGene"),
        "sector": Sector.objects.filter(organisations__isnull=False).first(),
        "events": list(Event.objects.published()),
    }


def public_pages(site):
    zone, organisation, sector = site["zone"], site["organisation"], site["sector"]
    pages = [
        "/",
        "/zones/",
        f"/zones/{zone.slug}/",
        "/directory/",
        "/directory/?page=2",
        "/directory/?kind=enterprise&sort=newest",
        f"/directory/?sector={sector.slug}&listed=no&unicorn=no",
        f"/directory/?zone={zone.slug}&q=institute",
        "/directory/?kind=no-such-kind",
        f"/directory/{organisation.slug}/",
        "/events/",
        "/events/past/",
        f"/events/?zone={zone.slug}&after=2020-01-01",
        "/events/calendar/2023/11/",
        "/events/calendar/2023/12/",
        "/search/?q=brain",
        "/search/?q=forum&kind=events",
        "/search/?q=GoBroad",
        "/search/?q=no-such-thing-anywhere",
        "/accessibility/",
        "/no-such-page/",
    ]
    return pages + [event.get_absolute_url().removeprefix("/zh-hans") for event in site["events"]]


def test_every_public_page_in_chinese_has_no_english_interface_text(client, demo_site):
    words_in_english = set()
    for path in public_pages(demo_site):
        english = client.get(path).content.decode()
        assert '<html lang="en">' in english, path
        words_in_english |= interface_words_on(english)

        chinese = client.get("/zh-hans" + path).content.decode()
        assert '<html lang="zh-hans">' in chinese, path
        assert interface_words_on(chinese) == set(), path

    # Every word on the list shows on some English page, so the check above looks for words
    # that are really there to translate.
    assert sorted(set(INTERFACE_WORDS) - words_in_english) == []


# Dates ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "english", "chinese"),
    [
        ("LONG_DATE_FORMAT", "7 December 2023", "2023年12月7日"),
        ("LONG_DATETIME_FORMAT", "7 December 2023, 10:00", "2023年12月7日 10:00"),
        ("WEEKDAY_DATE_FORMAT", "Thursday 7 December 2023", "2023年12月7日 星期四"),
        (
            "WEEKDAY_DATETIME_FORMAT",
            "Thursday 7 December 2023, 10:00",
            "2023年12月7日 星期四 10:00",
        ),
        ("YEAR_MONTH_FORMAT", "December 2023", "2023年12月"),
    ],
)
def test_project_date_formats_exist_in_both_languages(name, english, chinese):
    moment = datetime.datetime(2023, 12, 7, 10, 0, tzinfo=BEIJING)
    assert formats.date_format(moment, name) == english
    with translation.override("zh-hans"):
        assert formats.date_format(moment, name) == chinese


@pytest.fixture
def symposium(make_event):
    starts_at = datetime.datetime(2023, 12, 7, 9, 0, tzinfo=BEIJING)
    return make_event(
        title="The Great Brain Exploration",
        title_zh_hans="脑探索大会",
        slug="brain-exploration",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=8),
    )


def test_event_page_shows_the_date_in_the_language_of_the_page(client, symposium):
    chinese = client.get("/zh-hans/events/brain-exploration/").content.decode()
    english = client.get("/events/brain-exploration/").content.decode()

    assert "2023年12月7日 星期四 09:00</time> – " in chinese
    assert "December" not in chinese
    assert "Thursday 7 December 2023, 09:00</time> – " in english
    assert "2023年" not in english


def test_month_only_event_names_the_month_in_chinese(client, make_event):
    starts_at = datetime.datetime(2023, 11, 1, tzinfo=BEIJING)
    make_event(
        title="International Forum",
        slug="international-forum",
        starts_at=starts_at,
        ends_at=datetime.datetime(2023, 11, 30, 23, 59, tzinfo=BEIJING),
        is_all_day=True,
        date_precision="month",
    )
    chinese = client.get("/zh-hans/events/international-forum/").content.decode()
    assert (
        '<time datetime="2023-11">2023年11月</time> <span class="muted">（具体日期未公布）'
    ) in chinese

    # The feed keeps only 90 days of the past, so read the event's own file.
    event_file = client.get("/zh-hans/events/international-forum.ics")
    (vevent,) = icalendar.Calendar.from_ical(event_file.content).walk("VEVENT")
    assert str(vevent["DESCRIPTION"]).startswith("于2023年11月举行，具体日期尚未公布。")


def test_home_page_dates_key_figures_in_chinese(client, make_key_figure, park_profile):
    make_key_figure(as_of=datetime.date(2023, 12, 31))
    assert "数据截至2023年12月" in client.get("/zh-hans/").content.decode()
    assert "Figures as of December 2023" in client.get("/").content.decode()


def test_atom_feed_dates_events_in_the_language_of_the_feed(client, symposium):
    assert "2023年12月7日" in client.get("/zh-hans/events/feed.atom").content.decode()
    assert "7 December 2023" in client.get("/events/feed.atom").content.decode()


# Calendar feeds ---------------------------------------------------------------------------------

def calendar(response):
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content)


def test_chinese_feed_has_a_chinese_name_and_chinese_titles(client, make_event):
    event = make_event(title="Drug Discovery Forum", title_zh_hans="药物研发论坛")
    untranslated = make_event(title="Open Lab Day")

    english = calendar(client.get("/events/feed.ics"))
    chinese = calendar(client.get("/zh-hans/events/feed.ics"))

    assert str(english["X-WR-CALNAME"]) == "Life Valley events"
    assert str(chinese["X-WR-CALNAME"]) == "生命谷活动"
    summaries = {
        language: {str(e["UID"]): str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
        for language, cal in (("en", english), ("zh-hans", chinese))
    }
    assert summaries["en"] == {event.uid: "Drug Discovery Forum", untranslated.uid: "Open Lab Day"}
    assert summaries["zh-hans"] == {event.uid: "药物研发论坛", untranslated.uid: "Open Lab Day"}


def test_chinese_filtered_feed_and_event_file_speak_chinese(client, make_event, make_zone):
    zone = make_zone(name="Frontier Technology Zone", name_zh_hans="前沿技术区")
    event = make_event(title="Cancelled Forum", title_zh_hans="取消的论坛", zone=zone,
                       status="cancelled")

    filtered = calendar(client.get(f"/zh-hans/events/feed.ics?zone={zone.slug}"))
    assert str(filtered["X-WR-CALNAME"]) == "生命谷活动 · 前沿技术区"
    (vevent,) = filtered.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "已取消：取消的论坛"

    (single,) = calendar(client.get(f"/zh-hans/events/{event.slug}.ics")).walk("VEVENT")
    assert str(single["SUMMARY"]) == "已取消：取消的论坛"
    assert str(single["UID"]) == event.uid
    assert "详情：" in str(single["DESCRIPTION"])
