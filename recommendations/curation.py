"""The curation file: hand-made tags, links and notes for one report, keyed by reference.

It lives beside the report (``recommendations/data/<document>/curation.toml``) so that a
reviewer can read and correct every tagging decision in one place. ``load_curation``
reads it; ``check_curation`` checks it against the parsed report and the database's
vocabularies, and every problem names the entry it is in and that entry's line.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field

from recommendations.report_parser import (
    CHALLENGE,
    GOOD_PRACTICE,
    RECOMMENDATION,
    ParsedReport,
)

SECTIONS = {
    "challenges": CHALLENGE,
    "good_practices": GOOD_PRACTICE,
    "recommendations": RECOMMENDATION,
}
SECTION_OF_KIND = {kind: section for section, kind in SECTIONS.items()}
ENTRY_KEYS = {
    "objectives",
    "principles",
    "addressed_to",
    "answers",
    "supported_by",
    "note",
    "data_note",
    "covid_related",
}


class CurationError(ValueError):
    """The curation file is malformed or disagrees with the report."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class CurationEntry:
    kind: str
    reference: str
    line: int
    objectives: dict[int, str] = field(default_factory=dict)
    principles: dict[str, str] = field(default_factory=dict)
    addressed_to: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    supported_by: list[str] = field(default_factory=list)
    note: str = ""
    data_note: str = ""
    covid_related: bool | None = None


@dataclass
class OrganizationEntry:
    printed_name: str
    line: int
    name: str = ""
    acronym: str = ""
    kind: str = ""
    group: str = ""
    website: str = ""
    split: list[str] = field(default_factory=list)


@dataclass
class Curation:
    path: str
    meta: dict[str, str]
    entries: dict[tuple[str, str], CurationEntry]
    organizations: dict[str, OrganizationEntry]

    def entry(self, kind: str, reference: str) -> CurationEntry | None:
        return self.entries.get((kind, reference))


def _line_of(text: str, header: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == header:
            return number
    return 0


def load_curation(text: str, path: str = "curation.toml") -> Curation:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CurationError([f"{path}: not valid TOML ({error})"]) from None
    problems: list[str] = []
    entries: dict[tuple[str, str], CurationEntry] = {}
    for section, kind in SECTIONS.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            problems.append(f"{path}: [{section}] must be a table of entries")
            continue
        for reference, values in table.items():
            header = f'[{section}."{reference}"]'
            line = _line_of(text, header)
            where = f"{path}:{line} {header}"
            unknown = set(values) - ENTRY_KEYS
            if unknown:
                problems.append(f"{where}: unknown keys {sorted(unknown)}")
            try:
                objectives = {
                    int(number): str(quote)
                    for number, quote in values.get("objectives", {}).items()
                }
            except (TypeError, ValueError, AttributeError):
                problems.append(f"{where}: objectives must map objective numbers to quotes")
                objectives = {}
            entries[(kind, reference)] = CurationEntry(
                kind=kind,
                reference=reference,
                line=line,
                objectives=objectives,
                principles={str(k): str(v) for k, v in values.get("principles", {}).items()},
                addressed_to=list(values.get("addressed_to", [])),
                answers=list(values.get("answers", [])),
                supported_by=list(values.get("supported_by", [])),
                note=str(values.get("note", "")),
                data_note=str(values.get("data_note", "")),
                covid_related=values.get("covid_related"),
            )
    organizations = {}
    for printed, values in data.get("organizations", {}).items():
        header = f'[organizations."{printed}"]'
        organizations[printed] = OrganizationEntry(
            printed_name=printed,
            line=_line_of(text, header),
            name=str(values.get("name", "")),
            acronym=str(values.get("acronym", "")),
            kind=str(values.get("kind", "")),
            group=str(values.get("group", "")),
            website=str(values.get("website", "")),
            split=list(values.get("split", [])),
        )
    if problems:
        raise CurationError(problems)
    return Curation(
        path=path, meta=dict(data.get("meta", {})), entries=entries, organizations=organizations
    )


def check_curation(
    curation: Curation,
    report: ParsedReport,
    *,
    principles: set[str],
    actors: set[str],
    stakeholder_groups: set[str],
) -> None:
    """Raise CurationError listing every disagreement between the file and the report."""
    problems: list[str] = []
    items = {(item.kind, item.reference): item for item in report.all_items()}
    consultation_of = {
        (item.kind, item.reference): consultation.sequence
        for consultation in report.consultations
        for item in consultation.items
    }
    for key, entry in curation.entries.items():
        kind, reference = key
        where = f'{curation.path}:{entry.line} [{SECTION_OF_KIND[kind]}."{reference}"]'
        item = items.get(key)
        if item is None:
            problems.append(f"{where}: the report has no {kind.replace('_', ' ')} {reference}")
            continue
        text = item.text
        for number, quote in entry.objectives.items():
            if not 1 <= number <= 23:
                problems.append(f"{where}: objective {number} does not exist (1 to 23)")
            if not quote.strip():
                problems.append(f"{where}: objective {number} needs a quote that justifies it")
            elif quote not in text:
                problems.append(
                    f"{where}: the quote for objective {number} is not in the text: “{quote}”"
                )
        for slug, quote in entry.principles.items():
            if slug not in principles:
                problems.append(f"{where}: unknown guiding principle “{slug}”")
            if quote and quote not in text:
                problems.append(
                    f"{where}: the quote for principle {slug} is not in the text: “{quote}”"
                )
        for slug in entry.addressed_to:
            if slug not in actors:
                problems.append(f"{where}: unknown addressee “{slug}”")
        if kind != RECOMMENDATION and (entry.addressed_to or entry.answers or entry.supported_by):
            problems.append(f"{where}: only recommendations have addressees and links")
        if not entry.objectives and not item.is_conclusion:
            problems.append(f"{where}: needs at least one objective")
        for field_name, target_kind in (("answers", CHALLENGE), ("supported_by", GOOD_PRACTICE)):
            for target in getattr(entry, field_name):
                if (target_kind, target) not in items:
                    problems.append(
                        f"{where}: {field_name} names {target}, which is not a "
                        f"{target_kind.replace('_', ' ')} of the report"
                    )
                elif consultation_of.get((target_kind, target)) != consultation_of.get(key):
                    problems.append(
                        f"{where}: {field_name} names {target}, of another consultation"
                    )
    for printed, organization in curation.organizations.items():
        where = f'{curation.path}:{organization.line} [organizations."{printed}"]'
        if organization.group and organization.group not in stakeholder_groups:
            problems.append(f"{where}: unknown stakeholder group “{organization.group}”")
        if organization.kind and organization.kind not in ("un_entity", "stakeholder"):
            problems.append(f"{where}: kind is un_entity or stakeholder")
    if problems:
        raise CurationError(problems)
