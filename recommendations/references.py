"""Paragraph references as the report prints them: ``17(b)``, ``35``, ``7(a)(i)``."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REFERENCE_RE = re.compile(r"^(\d{1,4})((?:\([a-z]{1,4}\))*)$")
PART_RE = re.compile(r"\(([a-z]+)\)")


def validate_reference(value: str) -> None:
    if not REFERENCE_RE.match(value or ""):
        raise ValidationError(
            _("Write the reference as the document prints it: 17(b), 35 or 7(a)(i)."),
            code="invalid_reference",
        )


def _parts(reference: str) -> tuple[int, list[str]]:
    match = REFERENCE_RE.match(reference)
    if not match:
        raise ValueError(f"not a paragraph reference: {reference!r}")
    return int(match[1]), PART_RE.findall(match[2])


def reference_sort_key(reference: str) -> str:
    """A string that sorts references in document order.

    The paragraph number is zero-padded (9 before 10) and each letter part is
    prefixed with its length, so (z) comes before (aa): 9(a) < 10 < 10(a) < 10(b).
    """
    number, parts = _parts(reference)
    return f"{number:05d}" + "".join(f".{len(part):02d}{part}" for part in parts)


def reference_slug(reference: str) -> str:
    """17(b) -> 17b, 35 -> 35, 7(a)(i) -> 7a-i: URL-safe and still readable."""
    number, parts = _parts(reference)
    if not parts:
        return str(number)
    return f"{number}{parts[0]}" + "".join(f"-{part}" for part in parts[1:])


def reference_from_slug(slug: str) -> str | None:
    """The inverse of ``reference_slug``; None when the slug is not one."""
    match = re.fullmatch(r"(\d{1,4})([a-z]{1,4})?((?:-[a-z]{1,4})*)", slug)
    if not match:
        return None
    reference = match[1]
    if match[2]:
        reference += f"({match[2]})"
    for part in filter(None, match[3].split("-")):
        reference += f"({part})"
    return reference
