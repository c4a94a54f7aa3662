"""The feed as Mozilla Thunderbird reads it: parsed by ical.js, Thunderbird's own parser.

``parse_ical.mjs`` (beside this file) parses the bytes with ical.js from npm and reports what
the client would show; icalendar (Python) is a second, independent reader in tests/events.
"""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lifevalley.timezones import BEIJING

HERE = Path(__file__).parent
ICAL_JS = HERE / "node_modules" / "ical.js"
FEED = "/events/feed.ics"
# Longer than one 75-octet line, so the feed must fold it between characters.
LONG_CHINESE_TITLE = (
    "北京·昌平生命科学国际论坛：细胞与基因治疗、数字医疗、合成生物学与脑机接口前沿研讨会"
    "（第二场：临床转化与产业化）"
)


def thunderbird_reads(ics_bytes):
    node = shutil.which("node")
    if node is None or not ICAL_JS.exists():
        if os.environ.get("CI"):
            raise AssertionError("CI needs node and ical.js (npm ci --prefix tests/e2e)")
        pytest.skip("node or ical.js is not installed (npm ci --prefix tests/e2e)")
    result = subprocess.run(
        [node, str(HERE / "parse_ical.mjs")],
        input=ics_bytes,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def beijing(*args):
    return datetime.datetime(*args, tzinfo=BEIJING)


@pytest.fixture
def varied_events(db, make_event, make_venue):
    now = datetime.datetime.now(BEIJING)
    soon = (now + datetime.timedelta(days=20)).replace(hour=9, minute=0, second=0, microsecond=0)
    return {
        "timed": make_event(
            title="Drug Discovery and Development Forum",
            starts_at=soon, ends_at=soon + datetime.timedelta(hours=8), venue=make_venue(),
        ),
        "all_day": make_event(
            title="The Great Brain Exploration",
            starts_at=soon + datetime.timedelta(days=7),
            ends_at=soon + datetime.timedelta(days=8),
            is_all_day=True,
        ),
        "cancelled": make_event(
            title="Cancelled seminar", status="cancelled",
            starts_at=soon + datetime.timedelta(days=2),
            ends_at=soon + datetime.timedelta(days=2, hours=1),
        ),
        "chinese": make_event(
            title="Forum",
            title_zh_hans=LONG_CHINESE_TITLE,
            starts_at=soon + datetime.timedelta(days=3),
            ends_at=soon + datetime.timedelta(days=3, hours=2),
        ),
        "weekly": make_event(
            title="Weekly seminar",
            starts_at=beijing(2030, 4, 3, 15), ends_at=beijing(2030, 4, 3, 16, 30),
            recurrence_rule="FREQ=WEEKLY;BYDAY=WE,FR;UNTIL=20300601T000000Z",
            exception_dates="2030-04-10\n2030-05-03",
        ),
    }


def test_thunderbird_reads_every_event_of_the_feed(client, varied_events):
    shown = thunderbird_reads(client.get(FEED).content)
    assert shown["name"] == "Life Valley events"
    assert shown["timezones"] == ["Asia/Shanghai"]
    by_uid = {event["uid"]: event for event in shown["events"]}
    assert set(by_uid) == {event.uid for event in varied_events.values()}

    timed = by_uid[varied_events["timed"].uid]
    start = varied_events["timed"].starts_at.astimezone(BEIJING)
    assert timed["summary"] == "Drug Discovery and Development Forum"
    assert (timed["start"], timed["timezone"]) == (
        start.strftime("%Y-%m-%dT%H:%M:%S"), "Asia/Shanghai"
    )

    all_day = by_uid[varied_events["all_day"].uid]
    first_day = varied_events["all_day"].starts_at.astimezone(BEIJING).date()
    assert all_day["isDate"] is True
    assert (all_day["start"], all_day["end"]) == (
        first_day.isoformat(), (first_day + datetime.timedelta(days=2)).isoformat()
    )

    assert by_uid[varied_events["cancelled"].uid]["status"] == "CANCELLED"


def test_thunderbird_reads_long_chinese_titles_whole(client, varied_events):
    shown = thunderbird_reads(client.get("/zh-hans" + FEED).content)
    chinese = next(e for e in shown["events"] if e["uid"] == varied_events["chinese"].uid)
    assert chinese["summary"] == varied_events["chinese"].title_zh_hans


def test_thunderbird_repeats_an_event_on_the_same_dates_as_the_site(client, varied_events):
    weekly = varied_events["weekly"]
    shown = thunderbird_reads(client.get(FEED).content)
    expanded = next(e for e in shown["events"] if e["uid"] == weekly.uid)["occurrences"]
    site = [
        start.strftime("%Y-%m-%dT%H:%M:%S")
        for start, _end in weekly.occurrences(beijing(2030, 1, 1), beijing(2031, 1, 1))
    ]
    assert expanded == site
    assert [day[8:10] for day in expanded if day.startswith("2030-04")] == [
        "03", "05", "12", "17", "19", "24", "26"
    ]
