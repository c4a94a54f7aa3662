import pytest

from tests.e2e.conftest import axe_violations

PUBLIC_PAGES = [
    "/",
    "/zones/",
    "/zones/medical-device/",
    "/search/?q=brain",
    "/accessibility/",
    "/zh-hans/",
    "/zh-hans/zones/frontier-technology/",
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
