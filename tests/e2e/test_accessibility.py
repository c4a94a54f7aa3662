import datetime

import pytest
from django.utils import timezone

from lifevalley.timezones import BEIJING
from tests.e2e.conftest import axe_violations

# The demo's weekly seminar runs for twelve weeks from next Wednesday: this month is full of it.
_busy = timezone.localtime(timezone.now(), BEIJING).date() + datetime.timedelta(weeks=5)
BUSY_MONTH = f"/events/calendar/{_busy.year}/{_busy.month:02d}/"

PUBLIC_PAGES = [
    "/",
    "/zones/",
    "/zones/medical-device/",
    "/search/?q=brain",
    "/accessibility/",
    "/directory/",
    "/directory/?sector=neuroscience&sort=name",
    "/directory/chinese-institute-for-brain-research/",
    "/events/",
    "/events/past/",
    "/events/sample-cell-and-gene-therapy-symposium/",
    "/events/2023-beijing-changping-international-forum-on-life-science/",
    "/events/calendar/",
    BUSY_MONTH,
    "/zh-hans/",
    "/zh-hans/zones/frontier-technology/",
    "/zh-hans/directory/",
    "/zh-hans/directory/beigene/",
    "/zh-hans/events/",
    "/zh-hans/events/the-great-brain-exploration-2023/",
    "/zh-hans" + BUSY_MONTH,
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_accessibility_violations(page, demo_site, path):
    response = page.goto(demo_site.url + path)
    assert response.status == 200
    assert axe_violations(page) == []


def test_axe_check_reports_real_violations(page, live_server):
    """The check itself must be able to fail: a page with known problems is flagged."""
    page.set_content("<html><body><img src='x.png'><button></button></body></html>")
    problems = axe_violations(page)
    assert {problem.split(" ")[0] for problem in problems} >= {"image-alt", "button-name"}
