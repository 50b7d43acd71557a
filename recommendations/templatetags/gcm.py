"""Template helpers of the public site."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from recommendations.models import MARK_END, MARK_START, Item, search_words

register = template.Library()


def _marked(parts: list[tuple[str, bool]]) -> SafeString:
    html = "".join(f"<mark>{escape(text)}</mark>" if hit else escape(text) for text, hit in parts)
    return mark_safe(html)


@register.simple_tag
def highlight(item: Item, query: str = "") -> SafeString:
    """The item's text, escaped, with the searched words in <mark>.

    On PostgreSQL the search's headline says which (stemmed) words matched; elsewhere
    the query's words are found in the text. Stored text never reaches the page as HTML.
    """
    headline = getattr(item, "headline", "") or ""
    if query and MARK_START in headline:
        parts: list[tuple[str, bool]] = []
        for piece in re.split(f"({MARK_START}.*?{MARK_END})", headline, flags=re.DOTALL):
            if piece.startswith(MARK_START):
                parts.append((piece.strip(MARK_START + MARK_END), True))
            elif piece:
                parts.append((piece, False))
        return _marked(parts)
    words = search_words(query) if query else []
    if not words:
        return _marked([(item.text, False)])
    pattern = re.compile("(" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)
    return _marked(
        [(piece, bool(pattern.fullmatch(piece))) for piece in pattern.split(item.text) if piece]
    )


@register.filter
def shade(count: int, maximum: int) -> int:
    """0-4: the shade of a matrix cell, in proportion to the largest count."""
    if not count or not maximum:
        return 0
    return min(4, 1 + (3 * count) // maximum)


@register.filter
def nav_current(path: str, url: str) -> SafeString:
    """aria-current for a navigation link: "page" on the page itself, "true" inside its section."""
    if path == url:
        return mark_safe(' aria-current="page"')
    if url and url != "/" and str(path).startswith(url):
        return mark_safe(' aria-current="true"')
    return mark_safe("")
