"""Keyboard only: from the top of a list, with Tab and Enter, to a result's page, the focus
visible at every stop."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FOCUS = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    description: element.outerHTML.slice(0, 120),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    boxed: box.width > 0 && box.height > 0,
  };
}"""


def tab_to(page: Page, selector: str, limit: int) -> int:
    """Press Tab until the focus is on ``selector``; every stop on the way must show where
    the focus is. Returns the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["outline"], f"no visible focus on {focus['description']}"
        assert focus["boxed"], f"focus on an element that is not shown: {focus['description']}"
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


@pytest.mark.parametrize("width", [1280, 375])
def test_keyboard_reaches_and_opens_a_result(site: str, page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{site}/recommendations/")

    assert tab_to(page, ".skip-link", limit=1) == 1
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    if width < 960:
        # On a phone the filters come first; a link skips them.
        assert tab_to(page, ".jump-to-results", limit=1) == 1
        page.keyboard.press("Enter")
        expect(page.locator("#results-heading")).to_be_focused()
        limit = 10
    else:
        limit = 80
    tab_to(page, ".result h3 a", limit=limit)
    target = page.evaluate("document.activeElement.getAttribute('href')")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(target) + "$"))
    expect(page.locator("h1")).to_contain_text("Recommendation")
