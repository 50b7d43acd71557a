"""Every kind of public page, in Chromium at 1280 and 375 px: no axe violations, one h1,
no horizontal scrolling of the page, a screenshot for review; and the print layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DETAIL = "/recommendations/escap-gcm-2021-crp-2/17b/"
PAGES = {
    "home": "/",
    "recommendation-list": "/recommendations/",
    "challenge-list": "/challenges/",
    "good-practice-list": "/good-practices/",
    "recommendation-detail": DETAIL,
    "challenge-detail": "/challenges/escap-gcm-2021-crp-2/15b/",
    "good-practice-detail": "/good-practices/escap-gcm-2021-crp-2/16b/",
    "objective-list": "/objectives/",
    "objective-detail": "/objectives/20/",
    "consultation-list": "/consultations/",
    "consultation-detail": "/consultations/asia-pacific-2020-21-1/",
    "search": "/search/?q=remittances",
    "data": "/data/",
}
WIDTHS = (1280, 375)
AXE = Axe()


def describe(violations: list[dict[str, Any]]) -> str:
    """axe's violations, one line each, with the elements to look at."""
    return "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']}; "
        f"{[node['target'] for node in violation['nodes']]}"
        for violation in violations
    )


@pytest.mark.parametrize("name", PAGES)
def test_page_is_accessible_and_fits(site: str, page: Page, screenshots: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(site + PAGES[name])
        assert response is not None
        assert response.status == 200

        page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
        results = AXE.run(page)
        violations = results.response["violations"]
        assert results.violations_count == 0, f"{name} at {width} px:\n{describe(violations)}"
        assert page.locator("h1").count() == 1
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} scrolls sideways at {width} px ({scroll_width})"


@pytest.mark.parametrize("name", ["recommendation-detail", "recommendation-list"])
def test_print_leaves_out_navigation(site: str, page: Page, screenshots: Path, name: str) -> None:
    page.goto(site + PAGES[name])
    page.emulate_media(media="print")

    for chrome in [".skip-link", ".site-header", ".site-nav", ".site-footer", "#filters"]:
        for element in page.locator(chrome).all():
            assert element.evaluate("e => getComputedStyle(e).display") == "none", chrome
    assert page.locator("main h1").is_visible()
    assert page.locator("main .item-text, main .result").first.is_visible()
    page.screenshot(path=screenshots / f"{name}-print.png", full_page=True)
