"""The showcase pages (the ones scripts/screenshots shoots) at a desktop's and a phone's width,
in both languages: nothing wider than the window, and nothing axe calls serious."""

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.showcase import WIDTHS, showcase_urls

pytestmark = pytest.mark.e2e

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 1 || box.left < -1)
      && !element.closest('.visually-hidden, .skip-link, .hero');
  });
  return {scroll: document.documentElement.scrollWidth, width,
          wide: wide.slice(0, 5).map((e) => e.tagName + '.' + e.className)};
}"""


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_showcase_pages_fit_the_window_and_pass_axe(new_page, demo_site, width):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for name, path in showcase_urls():
        response = page.goto(demo_site.url + path)
        assert response.status == 200, path
        layout = page.evaluate(OVERFLOW)
        if layout["scroll"] > layout["width"] or layout["wide"]:
            problems[name] = layout
        violations = axe_violations(page)
        if violations:
            problems[f"{name} (axe)"] = violations
    assert problems == {}


def test_overflow_check_can_fail(page, live_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.set_content("<body><div style='width:900px'>too wide</div></body>")
    layout = page.evaluate(OVERFLOW)
    assert layout["scroll"] > layout["width"] and layout["wide"]
