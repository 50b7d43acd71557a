"""Strict reading of query parameters, before any filtering.

The HTML lists forgive (a bad filter is reported and left out); the API refuses: a
partner's script that misspells a parameter must hear about it, not receive the whole
unfiltered set. Every refusal is a 400 that names the parameter and says what is accepted.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

PAGING_PARAMETERS = ("page", "page_size")
FORMAT_PARAMETER = "format"

# RFC 3339 (what OpenAPI's ``date-time`` format means) and a plain ISO date. Python reads
# far more (week dates, basic format, no offset); accepting only these keeps the API
# exactly as strict as its schema says.
DATE_TIME_PATTERN = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[Tt](?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<offset>[Zz]|[+-]\d{2}:\d{2}))?",
    re.ASCII,
)
DIGITS = re.compile(r"[0-9]+", re.ASCII)
UTC = datetime.UTC


def check_names(query: QueryDict, accepted: Iterable[str]) -> None:
    """Refuse unknown parameters and empty values, each named in the error."""
    accepted = sorted(set(accepted))
    errors: dict[str, list[str]] = {}
    for name in query:
        if name not in accepted:
            errors[name] = [
                _("Unknown parameter. Accepted: %(names)s.") % {"names": ", ".join(accepted)}
            ]
        elif any(value == "" for value in query.getlist(name)):
            errors[name] = [_("Empty value: give a value or leave the parameter out.")]
    if errors:
        raise ValidationError(errors)


def positive_integer(query: QueryDict, name: str, *, largest: int | None = None) -> int | None:
    """A whole number from 1 (to ``largest``), or None when absent.

    A page number too long to be a real page reads as a very large page (a 404 later),
    not as an error: it is well formed.
    """
    raw = query.get(name)
    if raw is None:
        return None
    problem = (
        _("Use a whole number from 1 to %(largest)s.") % {"largest": largest}
        if largest
        else _("Use a whole number from 1.")
    )
    if not DIGITS.fullmatch(raw):
        raise ValidationError({name: [problem]})
    value = int(raw) if len(raw) <= 18 else 10**18
    if value < 1 or (largest is not None and value > largest):
        raise ValidationError({name: [problem]})
    return value


def parse_date_time(raw: str) -> datetime.datetime | None:
    """An aware UTC date-time from an RFC 3339 date-time or a date, or None if malformed.

    Offsets that push a date past year 1 or 9999 are clamped to the smallest or largest
    date-time, which selects the same records the exact value would.
    """
    match = DATE_TIME_PATTERN.fullmatch(raw)
    if not match:
        return None
    try:
        day = datetime.date.fromisoformat(match["date"])
        if match["time"] is None:
            return datetime.datetime.combine(day, datetime.time(), tzinfo=UTC)
        hour, minute, second = (int(part) for part in match["time"].split(":"))
        # RFC 3339 allows a leap second; Python does not.
        second = min(second, 59)
        micro = int((match["fraction"] or "0")[:6].ljust(6, "0"))
        offset = match["offset"].upper()
        if offset == "Z":
            zone = UTC
        else:
            sign = 1 if offset[0] == "+" else -1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            if hours > 23 or minutes > 59:
                return None
            zone = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
        local = datetime.datetime.combine(
            day, datetime.time(hour, minute, second, micro), tzinfo=zone
        )
    except ValueError:
        return None
    try:
        return local.astimezone(UTC)
    except OverflowError:
        return (
            datetime.datetime.min.replace(tzinfo=UTC)
            if local.year == 1
            else datetime.datetime.max.replace(tzinfo=UTC)
        )


def normalized_date_time(query: QueryDict, name: str) -> QueryDict:
    """``query`` with ``name`` rewritten as a UTC date-time the FilterSet reads safely."""
    raw = query.get(name)
    if raw is None:
        return query
    value = parse_date_time(raw)
    if value is None:
        raise ValidationError(
            {
                name: [
                    _(
                        "Use an RFC 3339 date-time such as 2025-01-31T00:00:00Z "
                        "(with Z or an offset such as +07:00, written %2B07:00 in a URL), "
                        "or a date such as 2025-01-31."
                    )
                ]
            }
        )
    query = query.copy()
    query[name] = value.isoformat()
    return query
