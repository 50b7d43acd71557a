"""The filter flow of a list, with JavaScript (htmx swaps the results and pushes the URL)
and without (the form submits): choose an objective, then a principle, then go back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from recommendations.models import Recommendation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OBJECTIVE = 20
PRINCIPLE = "whole-of-government-approach"


def expected_counts() -> tuple[int, int, int]:
    """All public recommendations, those on the objective, those also on the principle;
    the flow means something only if each step narrows the list without emptying it."""
    public = Recommendation.objects.public()
    on_objective = public.filter(objectives__number=OBJECTIVE).distinct()
    both = on_objective.filter(guiding_principles__slug=PRINCIPLE).distinct()
    counts = (public.count(), on_objective.count(), both.count())
    assert counts[0] > counts[1] > counts[2] > 0, counts
    return counts


def count_text(count: int) -> re.Pattern[str]:
    return re.compile(rf"^{count} recommendations?$")


def test_filters_with_javascript(site: str, page: Page) -> None:
    everything, on_objective, both = expected_counts()
    page.goto(f"{site}/recommendations/")
    result_count = page.locator(".result-count")
    expect(result_count).to_have_text(count_text(everything))
    # Survives only as long as the document does: proves htmx swapped the results in.
    page.evaluate("window.sameDocument = true")

    page.locator(f"#objective-{OBJECTIVE}").check()
    expect(page).to_have_url(re.compile(rf"[?&]objective={OBJECTIVE}(&|$)"))
    expect(result_count).to_have_text(count_text(on_objective))
    expect(page.locator(".result")).to_have_count(on_objective)
    for result in page.locator(".result").all():
        expect(result.locator(".chips")).to_contain_text(f"Objective {OBJECTIVE}:")
    # The control the keyboard user was on keeps the focus through the swap.
    expect(page.locator(f"#objective-{OBJECTIVE}")).to_be_focused()
    objective_url = page.url

    # The live region screen readers announce is updated in place, not replaced.
    status = page.locator("#result-status")
    expect(status).to_have_count(1)
    expect(status).to_have_text(count_text(on_objective))
    expect(status).to_have_attribute("role", "status")

    page.locator(f"#principle-{PRINCIPLE}").check()
    expect(page).to_have_url(re.compile(rf"[?&]principle={PRINCIPLE}(&|$)"))
    assert f"objective={OBJECTIVE}" in page.url
    expect(result_count).to_have_text(count_text(both))
    expect(status).to_have_text(count_text(both))
    expect(page.locator(".result")).to_have_count(both)
    assert page.evaluate("window.sameDocument") is True

    page.go_back()
    expect(page).to_have_url(objective_url)
    expect(result_count).to_have_text(count_text(on_objective))
    expect(page.locator(f"#objective-{OBJECTIVE}")).to_be_checked()
    expect(page.locator("#principle-any")).to_be_checked()
    expect(page.locator(f"#principle-{PRINCIPLE}")).not_to_be_checked()

    page.go_back()
    expect(page).to_have_url(f"{site}/recommendations/")
    expect(result_count).to_have_text(count_text(everything))
    expect(page.locator(f"#objective-{OBJECTIVE}")).not_to_be_checked()
    assert page.evaluate("window.sameDocument") is True


def test_filters_without_javascript(site: str, new_context: Any) -> None:
    everything, on_objective, both = expected_counts()
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{site}/recommendations/")
    result_count = page.locator(".result-count")
    apply = page.get_by_role("button", name="Apply filters")
    expect(result_count).to_have_text(count_text(everything))

    page.locator(f"#objective-{OBJECTIVE}").check()
    expect(result_count).to_have_text(count_text(everything))
    apply.click()
    expect(page).to_have_url(re.compile(rf"[?&]objective={OBJECTIVE}(&|$)"))
    expect(result_count).to_have_text(count_text(on_objective))
    expect(page.locator(".result")).to_have_count(on_objective)
    objective_url = page.url

    page.locator(f"#principle-{PRINCIPLE}").check()
    apply.click()
    expect(page).to_have_url(re.compile(rf"[?&]principle={PRINCIPLE}(&|$)"))
    assert f"objective={OBJECTIVE}" in page.url
    expect(result_count).to_have_text(count_text(both))

    page.go_back()
    expect(page).to_have_url(objective_url)
    expect(result_count).to_have_text(count_text(on_objective))
    # The controls show what the results are, not what was clicked before leaving.
    expect(page.locator(f"#objective-{OBJECTIVE}")).to_be_checked()
    expect(page.locator("#principle-any")).to_be_checked()

    page.go_back()
    expect(page).to_have_url(f"{site}/recommendations/")
    expect(result_count).to_have_text(count_text(everything))
    expect(page.locator(f"#objective-{OBJECTIVE}")).not_to_be_checked()


def test_back_from_a_result_shows_the_whole_list(site: str, page: Page) -> None:
    page.goto(f"{site}/recommendations/")
    page.locator(f"#objective-{OBJECTIVE}").check()
    expect(page).to_have_url(re.compile(rf"[?&]objective={OBJECTIVE}(&|$)"))
    page.locator(".result h3 a").first.click()
    expect(page.locator("h1")).to_contain_text("Recommendation")

    # The page and its htmx region share the address: Back must not show the region alone
    # from the browser's cache.
    page.go_back()
    expect(page).to_have_url(re.compile(rf"[?&]objective={OBJECTIVE}(&|$)"))
    assert page.locator(".site-header").count() == 1
    assert "Recommendations" in page.title()
    expect(page.locator(f"#objective-{OBJECTIVE}")).to_be_checked()
