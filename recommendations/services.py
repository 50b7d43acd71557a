"""Writes that span several models: importing a summary report with its curation."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_save
from django_countries import countries
from django_countries.data import COUNTRIES
from simple_history.utils import bulk_create_with_history

from consultations.models import (
    Cluster,
    Consultation,
    CoOrganizer,
    GuidingPrinciple,
    Objective,
    Organization,
    ParticipantShare,
    Region,
    Review,
    SourceDocument,
    StakeholderGroup,
)
from consultations.publication import PublicationState
from consultations.services import publication_set_state
from recommendations.curation import Curation, CurationEntry, check_curation, load_curation
from recommendations.models import Actor, Challenge, GoodPractice, Item, Recommendation
from recommendations.report_parser import (
    CHALLENGE,
    GOOD_PRACTICE,
    RECOMMENDATION,
    ParsedConsultation,
    ParsedItem,
    ParsedReport,
    Vocabulary,
    parse_report,
)

imports_log = logging.getLogger("gcm_review.imports")
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_REPORT = DATA_DIR / "escap-gcm-2021-crp-2"
ITEM_MODELS: dict[str, type[Item]] = {
    CHALLENGE: Challenge,
    GOOD_PRACTICE: GoodPractice,
    RECOMMENDATION: Recommendation,
}
KIND_LABELS = {
    CHALLENGE: ("challenge", "challenges"),
    GOOD_PRACTICE: ("good practice", "good practices"),
    RECOMMENDATION: ("recommendation", "recommendations"),
}


class ReportImportError(ValueError):
    """The import cannot go ahead; the message says why and what to do."""


@dataclass
class RecordChange:
    label: str
    action: str  # created, updated, unchanged
    fields: list[str] = field(default_factory=list)
    details: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class ImportResult:
    dry_run: bool
    document: str
    changes: list[RecordChange] = field(default_factory=list)
    counts: list[tuple[str, Counter]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def with_action(self, action: str) -> list[RecordChange]:
        return [change for change in self.changes if change.action == action]

    def summary_lines(self) -> list[str]:
        lines = []
        for label, counts in self.counts:
            parts = [
                f"{counts[kind]} {KIND_LABELS[kind][counts[kind] != 1]}"
                for kind in (CHALLENGE, GOOD_PRACTICE, RECOMMENDATION)
                if counts[kind]
            ]
            lines.append(f"{label}: {', '.join(parts)}")
        total = Counter()
        for _label, counts in self.counts:
            total.update(counts)
        lines.append(
            "Total: "
            + ", ".join(
                f"{total[kind]} {KIND_LABELS[kind][1]}"
                for kind in (CHALLENGE, GOOD_PRACTICE, RECOMMENDATION)
            )
        )
        verb = "would be" if self.dry_run else "were"
        lines.append(
            f"Records {verb} created: {len(self.with_action('created'))}, "
            f"updated: {len(self.with_action('updated'))}, "
            f"left unchanged: {len(self.with_action('unchanged'))}."
        )
        return lines


# --- Vocabulary ---------------------------------------------------------------------------


def _country_name_variants(name: str) -> list[str]:
    """ISO's “Tanzania, the United Republic of” also reads “United Republic of Tanzania”."""
    variants = [name]
    match = re.fullmatch(r"(.+?)(?:, | \()(?:the )?(.+? of(?: the)?)\)?", name)
    if match:
        variants.append(f"{match[2]} {match[1]}")
    return variants


def report_vocabulary() -> Vocabulary:
    """What the parser may recognize, read from the database and django-countries."""
    country_names = {
        variant.lower(): code
        for code, name in [*COUNTRIES.items(), *countries]
        for variant in _country_name_variants(str(name))
    }
    clusters: dict[int, set[int]] = {}
    for number, cluster in Objective.objects.values_list("number", "cluster__number"):
        clusters.setdefault(cluster, set()).add(number)
    return Vocabulary(
        stakeholder_groups={
            name.lower(): slug
            for name, slug in StakeholderGroup.objects.values_list("name", "slug")
        },
        principles={
            name.lower(): slug
            for name, slug in GuidingPrinciple.objects.values_list("name", "slug")
        },
        countries=country_names,
        clusters={number: frozenset(members) for number, members in clusters.items()},
    )


def read_report(source: str) -> ParsedReport:
    """Parse a report against the database's vocabularies (ReportFormatError if malformed)."""
    return parse_report(source, report_vocabulary())


# --- Import -------------------------------------------------------------------------------


def report_import(
    *,
    source: str,
    curation: Curation | None = None,
    symbol: str | None = None,
    url: str | None = None,
    review: Review | None = None,
    region: str | None = None,
    cycle: str | None = None,
    publish: bool = True,
    keep_tags: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import a summary report (and its curation) in one transaction.

    Records are matched by source document and reference, so running it again changes
    nothing, and a corrected source updates records in place. With ``dry_run`` every
    write happens and is rolled back, so the preview is exactly what an import would do.
    Raises ReportFormatError, CurationError or ReportImportError before anything is kept.
    """
    report = read_report(source)
    if curation is not None:
        check_curation(
            curation,
            report,
            principles=set(GuidingPrinciple.objects.values_list("slug", flat=True)),
            actors=set(Actor.objects.values_list("slug", flat=True)),
            stakeholder_groups=set(StakeholderGroup.objects.values_list("slug", flat=True)),
        )
    meta = curation.meta if curation is not None else {}
    symbol = symbol or meta.get("source_document")
    if not symbol:
        raise ReportImportError(
            "The report does not print its document symbol: give it (e.g. --symbol "
            "ESCAP/GCM/2021/CRP.2), or set source_document in the curation file's [meta]."
        )
    with transaction.atomic():
        importer = _ReportImporter(
            report=report,
            curation=curation,
            publish=publish,
            keep_tags=keep_tags,
            result=ImportResult(dry_run=dry_run, document=symbol),
        )
        importer.run(
            symbol=symbol,
            url=url if url is not None else meta.get("url", ""),
            review=review,
            region=region or meta.get("region") or report.region,
            cycle=cycle or meta.get("cycle") or report.cycle,
        )
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        result = importer.result
        imports_log.info(
            "report imported",
            extra={
                "event": "report_import",
                "document": symbol,
                "records_created": len(result.with_action("created")),
                "records_updated": len(result.with_action("updated")),
                "records_unchanged": len(result.with_action("unchanged")),
            },
        )
    return importer.result


def report_import_directory(directory: Path, **options: Any) -> ImportResult:
    """Import ``report.md`` with the ``curation.toml`` beside it, if there is one."""
    source = (directory / "report.md").read_text(encoding="utf-8")
    curation_path = directory / "curation.toml"
    curation = (
        load_curation(curation_path.read_text(encoding="utf-8"), path=str(curation_path.name))
        if curation_path.exists()
        else None
    )
    return report_import(source=source, curation=curation, **options)


def _display(value: Any) -> str:
    if isinstance(value, models.Model):
        return str(value)
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "..."


class _ReportImporter:
    def __init__(
        self,
        *,
        report: ParsedReport,
        curation: Curation | None,
        publish: bool,
        keep_tags: bool,
        result: ImportResult,
    ) -> None:
        self.report = report
        self.curation = curation
        self.publish = publish
        self.created_publishables: list[models.Model] = []
        self.pending_history: list[models.Model] = []
        self.items: dict[tuple[str, str], Item] = {}
        self.keep_tags = keep_tags
        self.result = result
        self.objectives = {o.number: o for o in Objective.objects.all()}
        self.principles = {p.slug: p for p in GuidingPrinciple.objects.all()}
        self.actors = {a.slug: a for a in Actor.objects.all()}
        self.groups = {g.slug: g for g in StakeholderGroup.objects.all()}
        self.clusters = {c.number: c for c in Cluster.objects.all()}

    # Generic save-if-changed ----------------------------------------------------------

    def _save(self, instance: models.Model, label: str, values: dict[str, Any]) -> RecordChange:
        creating = instance.pk is None
        change = RecordChange(label=label, action="created" if creating else "unchanged")
        for name, value in values.items():
            if creating:
                setattr(instance, name, value)
                continue
            current = getattr(instance, name)
            if current != value:
                change.fields.append(name)
                change.details[name] = (_display(current), _display(value))
                setattr(instance, name, value)
        if creating and hasattr(instance, "publication_state"):
            # Created as drafts, tagged and linked, then published together at the end:
            # the public history of a record starts with its finished first version.
            instance.publication_state = PublicationState.DRAFT
        if creating or change.fields:
            instance._change_reason = "Imported from the report"
            if creating and hasattr(instance, "history"):
                # One history entry for the finished record (fields, tags and links), not
                # one per step of its assembly: see _record_creations().
                instance.skip_history_when_saving = True
                self.pending_history.append(instance)
            instance.save()
            if creating and hasattr(instance, "publication_state"):
                self.created_publishables.append(instance)
            if not creating:
                change.action = "updated"
        self.result.changes.append(change)
        return change

    def _set_m2m(
        self, instance: models.Model, name: str, targets: list[models.Model], change: RecordChange
    ) -> None:
        manager = getattr(instance, name)
        wanted = {target.pk for target in targets}
        current = set(manager.values_list("pk", flat=True))
        if wanted == current:
            return
        manager.set(targets)
        if change.action == "created":
            return
        change.fields.append(name)
        change.details[name] = (
            ", ".join(sorted(str(pk) for pk in current)),
            ", ".join(sorted(str(pk) for pk in wanted)),
        )
        if change.action == "unchanged":
            change.action = "updated"
            if hasattr(instance, "updated_at"):
                instance.save(update_fields=["updated_at"])

    # Steps ----------------------------------------------------------------------------

    def run(
        self,
        *,
        symbol: str,
        url: str,
        review: Review | None,
        region: str | None,
        cycle: str | None,
    ) -> None:
        review = review or self._review(region, cycle)
        document = self._document(symbol, url, review)
        for parsed in self.report.consultations:
            consultation = self._consultation(parsed, review, document)
            for item in parsed.items:
                self._item(item, document, consultation)
            self.result.counts.append(
                (
                    f"Consultation {parsed.sequence} ({parsed.title})",
                    Counter(item.kind for item in parsed.items),
                )
            )
        for item in self.report.cross_cutting:
            self._item(item, document, None)
        if self.report.cross_cutting:
            self.result.counts.append(
                ("Cross-cutting (COVID-19)", Counter(i.kind for i in self.report.cross_cutting))
            )
        for item in self.report.conclusions:
            self._item(item, document, None)
        if self.report.conclusions:
            self.result.counts.append(
                ("Conclusions of the review", Counter(i.kind for i in self.report.conclusions))
            )
        self._links(document)
        self._missing(document)
        self._record_creations()
        if self.publish:
            publication_set_state(
                records=self.created_publishables, state=PublicationState.PUBLISHED
            )

    def _review(self, region: str | None, cycle: str | None) -> Review:
        if region not in Region.values:
            raise ReportImportError(
                f"Cannot tell which region's review this report belongs to (found {region!r}); "
                f"give --region, one of: {', '.join(Region.values)}."
            )
        if not cycle:
            raise ReportImportError("Cannot tell the review cycle; give --cycle, e.g. 2020-21.")
        review = Review.objects.filter(region=region, cycle=cycle).first()
        if review is not None:
            self.result.changes.append(RecordChange(label=f"review {review}", action="unchanged"))
            return review
        review = Review(region=region, cycle=cycle)
        self._save(
            review,
            f"review {Region(region).label} {cycle}",
            {
                "title": self.report.meeting_title or f"{Region(region).label} regional review",
                "venue": self.report.venue,
                "meeting_start": self.report.meeting_start,
                "meeting_end": self.report.meeting_end,
            },
        )
        return review

    def _document(self, symbol: str, url: str, review: Review) -> SourceDocument:
        document = SourceDocument.objects.filter(symbol=symbol).first() or SourceDocument(
            symbol=symbol
        )
        values = {
            "review": review,
            "title": self.report.title,
            "issuing_body": self.report.issuing_body,
            "date": self.report.date,
        }
        if url or document.pk is None:
            values["url"] = url
        self._save(document, f"source document {symbol}", values)
        return document

    def _organizations(
        self, printed: str, *, un_entity: bool, countries_: list[str]
    ) -> list[Organization]:
        entry = self.curation.organizations.get(printed) if self.curation else None
        if entry is not None and entry.split:
            return [
                organization
                for part in entry.split
                for organization in self._organizations(
                    part, un_entity=un_entity, countries_=countries_
                )
            ]
        acronym = entry.acronym if entry and entry.acronym else ""
        name = entry.name if entry and entry.name else printed
        if un_entity and not acronym and printed in self.report.acronyms:
            acronym, name = printed, self.report.acronyms[printed]
        if un_entity and not acronym and " " not in printed:
            acronym = printed
        organization = (
            Organization.objects.filter(name__iexact=name).first()
            or (Organization.objects.filter(acronym=acronym).first() if acronym else None)
            or Organization(name=name)
        )
        values: dict[str, Any] = {}
        kind = (entry.kind if entry and entry.kind else "") or (
            Organization.Kind.UN_ENTITY if un_entity else Organization.Kind.STAKEHOLDER
        )
        if organization.pk is None:
            values = {"kind": kind, "acronym": acronym, "countries": countries_}
        if entry is not None:
            if entry.acronym:
                values["acronym"] = entry.acronym
            if entry.website:
                values["website"] = entry.website
            if entry.group:
                values["stakeholder_group"] = self.groups[entry.group]
        if organization.pk is None or values:
            self._save(organization, f"organization {name}", values)
        return [organization]

    def _consultation(
        self, parsed: ParsedConsultation, review: Review, document: SourceDocument
    ) -> Consultation:
        consultation = Consultation.objects.filter(
            review=review, sequence=parsed.sequence
        ).first() or Consultation(review=review, sequence=parsed.sequence)
        change = self._save(
            consultation,
            f"consultation {parsed.sequence} ({parsed.title})",
            {
                "title": parsed.title,
                "date": parsed.date,
                "cluster": self.clusters[parsed.cluster],
                "participants": parsed.participants,
                "countries_represented": parsed.countries_represented,
                "gender_balance_note": parsed.gender_balance_note,
                "source_document": document,
                "paragraphs": parsed.paragraphs,
            },
        )
        self._set_m2m(
            consultation,
            "objectives",
            [self.objectives[n] for n in parsed.objectives],
            change,
        )
        self._set_m2m(
            consultation, "sectors", [self.groups[slug] for slug in parsed.sectors], change
        )
        supporting = [
            organization
            for printed in parsed.supporting
            for organization in self._organizations(printed, un_entity=True, countries_=[])
        ]
        self._set_m2m(consultation, "supporting_entities", supporting, change)
        self._co_organizers(consultation, parsed, change)
        self._shares(consultation, parsed, change)
        return consultation

    def _co_organizers(
        self, consultation: Consultation, parsed: ParsedConsultation, change: RecordChange
    ) -> None:
        wanted = []
        for organizer in parsed.co_organizers:
            for organization in self._organizations(
                organizer.name, un_entity=False, countries_=organizer.countries
            ):
                wanted.append((organization.pk, tuple(organizer.countries)))
        current = [
            (link.organization_id, tuple(country.code for country in link.countries))
            for link in consultation.co_organizer_links.order_by("position")
        ]
        if current == wanted:
            return
        for link in consultation.co_organizer_links.all():
            link.delete()  # one by one, so the history records each removal
        bulk_create_with_history(
            [
                CoOrganizer(
                    consultation=consultation,
                    organization_id=pk,
                    countries=list(codes),
                    position=position,
                )
                for position, (pk, codes) in enumerate(wanted, start=1)
            ],
            CoOrganizer,
        )
        if change.action != "created":
            change.fields.append("co-organizers")
            change.action = "updated"

    def _shares(
        self, consultation: Consultation, parsed: ParsedConsultation, change: RecordChange
    ) -> None:
        wanted = [(s.percent, s.approximate, tuple(s.groups)) for s in parsed.shares]
        current = [
            (
                share.percent,
                share.approximate,
                tuple(g.slug for g in share.stakeholder_groups.order_by("position")),
            )
            for share in consultation.participant_shares.order_by("position")
        ]
        if sorted(current) == sorted(wanted):
            return
        for share in consultation.participant_shares.all():
            share.delete()
        for position, (percent, approximate, groups) in enumerate(wanted, start=1):
            share = ParticipantShare.objects.create(
                consultation=consultation,
                percent=percent,
                approximate=approximate,
                position=position,
            )
            share.stakeholder_groups.set([self.groups[slug] for slug in groups])
        if change.action != "created":
            change.fields.append("participant shares")
            change.action = "updated"

    def _item(
        self, parsed: ParsedItem, document: SourceDocument, consultation: Consultation | None
    ) -> None:
        model = ITEM_MODELS[parsed.kind]
        entry = self.curation.entry(parsed.kind, parsed.reference) if self.curation else None
        instance = model.objects.filter(
            source_document=document, reference=parsed.reference
        ).first() or model(source_document=document, reference=parsed.reference)
        existed = instance.pk is not None
        data_notes = [*parsed.data_notes, *([entry.data_note] if entry and entry.data_note else [])]
        values: dict[str, Any] = {
            "text": parsed.text,
            "footnote": "\n".join(parsed.footnotes),
            "data_note": "\n".join(data_notes),
            "covid_related": (
                entry.covid_related
                if entry is not None and entry.covid_related is not None
                else parsed.covid_related
            ),
            "consultation": consultation,
        }
        if parsed.kind == RECOMMENDATION:
            values["is_conclusion"] = parsed.is_conclusion
        label = f"{KIND_LABELS[parsed.kind][0]} {parsed.reference}"
        change = self._save(instance, label, values)
        self.items[(parsed.kind, parsed.reference)] = instance
        if existed and self.keep_tags:
            return
        if entry is None and not parsed.principle:
            return
        self._tags(instance, parsed, entry, change)

    def _tags(
        self,
        instance: Item,
        parsed: ParsedItem,
        entry: CurationEntry | None,
        change: RecordChange,
    ) -> None:
        principle_slugs = list(entry.principles) if entry else []
        if parsed.principle and parsed.principle not in principle_slugs:
            principle_slugs.insert(0, parsed.principle)
        if entry is not None:
            self._set_m2m(
                instance,
                "objectives",
                [self.objectives[n] for n in sorted(entry.objectives)],
                change,
            )
        self._set_m2m(
            instance,
            "guiding_principles",
            [self.principles[slug] for slug in principle_slugs],
            change,
        )
        if isinstance(instance, Recommendation) and entry is not None:
            self._set_m2m(
                instance, "addressed_to", [self.actors[slug] for slug in entry.addressed_to], change
            )

    def _links(self, document: SourceDocument) -> None:
        if self.curation is None:
            return
        changes = {change.label: change for change in self.result.changes}
        challenges = {ref: item for (kind, ref), item in self.items.items() if kind == CHALLENGE}
        practices = {ref: item for (kind, ref), item in self.items.items() if kind == GOOD_PRACTICE}
        recommendations = [
            item for (kind, _ref), item in self.items.items() if kind == RECOMMENDATION
        ]
        for recommendation in recommendations:
            entry = self.curation.entry(RECOMMENDATION, recommendation.reference)
            change = changes.get(f"recommendation {recommendation.reference}")
            if entry is None or change is None:
                continue
            if self.keep_tags and change.action != "created":
                continue
            self._set_m2m(
                recommendation, "challenges", [challenges[r] for r in entry.answers], change
            )
            self._set_m2m(
                recommendation,
                "good_practices",
                [practices[r] for r in entry.supported_by],
                change,
            )

    def _record_creations(self) -> None:
        """The history entry (“created”) of each new record, now that it is complete."""
        for instance in self.pending_history:
            del instance.skip_history_when_saving
            post_save.send(
                sender=type(instance),
                instance=instance,
                created=True,
                update_fields=None,
                raw=False,
            )

    def _missing(self, document: SourceDocument) -> None:
        in_file = {(item.kind, item.reference) for item in self.report.all_items()}
        for kind, model in ITEM_MODELS.items():
            for reference in model.objects.filter(source_document=document).values_list(
                "reference", flat=True
            ):
                if (kind, reference) not in in_file:
                    self.result.missing.append(f"{KIND_LABELS[kind][0]} {reference}")
