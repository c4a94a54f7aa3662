"""Real-browser tests: Playwright drives Debian's Chromium against Django's live server.

They run whenever Chromium is installed (``.ci/run`` installs it); elsewhere they are skipped,
except under CI, where a missing browser is an error rather than a silent skip.
"""

import mimetypes
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from lifevalley.roles import create_staff_groups
from tests.e2e.chromium import CHROMIUM, CHROMIUM_FLAGS

AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs Chromium for the browser tests; none at {CHROMIUM}")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install -y chromium)")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the
    # tests make around it are still synchronous, so Django's async-safety guard must not fire.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def new_page(browser):
    """Make pages in fresh browser contexts: one person each, with their own cookies."""
    contexts = []

    def make(timezone_id="Asia/Shanghai"):
        context = browser.new_context(locale="en-GB", timezone_id=timezone_id)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def demo_site(transactional_db, live_server, settings):
    """The live server with the demo content loaded, as a visitor would find it."""
    settings.SITE_URL = live_server.url
    call_command("loaddemo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return live_server


def axe_violations(page, impacts=("serious", "critical")):
    """Run axe-core (from npm, see package.json here) on the page; return serious problems."""
    if not AXE_SCRIPT.exists():
        if os.environ.get("CI"):
            raise AssertionError(f"axe-core missing: run `npm ci --prefix {AXE_SCRIPT.parents[1]}`")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/e2e)")
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a
    # <script> tag added to the page would be refused: the site allows no inline script).
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in impacts
    ]


PASSWORD = "a-long-test-password"


@pytest.fixture
def staff(new_page, demo_site, django_user_model):
    """Log a member of a staff group in through the real admin login form; return their page."""
    groups = create_staff_groups()

    def log_in(username, group_name):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.com", PASSWORD, is_staff=True
        )
        user.groups.add(groups[group_name])
        page = new_page()
        serve_media(page, demo_site.url)
        page.goto(demo_site.url + "/admin/")
        expect(page).to_have_url(demo_site.url + "/admin/login/?next=/admin/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(demo_site.url + "/admin/")
        expect(page.locator("#user-tools strong")).to_have_text(username)
        return page

    return log_in


def serve_media(page, base_url):
    """Serve uploads from MEDIA_ROOT, as the web server in front of Django does in production
    (the live server, like any DEBUG=False site, leaves /media/ to it)."""
    media_root = Path(settings.MEDIA_ROOT).resolve()

    def handle(route):
        relative = route.request.url.removeprefix(base_url + settings.MEDIA_URL).split("?")[0]
        path = (media_root / relative).resolve()
        if not path.is_relative_to(media_root) or not path.is_file():
            route.fulfill(status=404, body="not found")
            return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        route.fulfill(status=200, body=path.read_bytes(), content_type=content_type)

    page.route(base_url + settings.MEDIA_URL + "**", handle)
