"""The admin's language switch in Chromium: the same page in Chinese, lists that still read
at 1,366 px, and back to English."""

from playwright.sync_api import expect

from events.models import Event
from tests.e2e.conftest import axe_violations
from tests.e2e.test_back_office import OVERFLOW
from tests.e2e.test_security import watched  # noqa: F401 - the fixture

PASSWORD = "a-long-test-password"

# How many lines the text of each cell of a column takes.
LINES = """(selector) => [...document.querySelectorAll(selector)].map(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
    return lines.size;
})"""


def test_staff_switch_the_admin_to_chinese_and_back(watched, demo_site,  # noqa: F811
                                                    django_user_model):
    django_user_model.objects.create_superuser("curator", "curator@example.com", PASSWORD)
    page = watched()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(demo_site.url + "/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    event = Event.objects.order_by("pk").first()
    change = f"{demo_site.url}/admin/events/event/{event.pk}/change/"
    page.goto(change)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator("#user-tools").get_by_role("button", name="简体中文").click()
    expect(page).to_have_url(change)  # the same page
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="保存", exact=True).first).to_be_visible()
    expect(page.locator("label[for=id_is_all_day]")).to_have_text("全天")

    # The list in Chinese fits the window, and a status or category keeps to one line.
    page.goto(demo_site.url + "/admin/events/event/")
    expect(page.locator("#result_list")).to_contain_text("如期举行")
    assert page.evaluate(OVERFLOW) == 0
    assert set(page.evaluate(LINES, "#result_list td.field-status")) == {1}
    assert set(page.evaluate(LINES, "#result_list td.field-category")) == {1}
    assert axe_violations(page) == []

    # The CSV import page, whose column list is one long line of code.
    page.goto(demo_site.url + "/admin/directory/organisation/import/")
    expect(page.locator("h1")).to_contain_text("导入")
    assert page.evaluate(OVERFLOW) == 0

    page.locator("#user-tools").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Import organisations")
    assert page.check() == {"violations": [], "errors": []}
