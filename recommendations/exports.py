"""Exports of filtered lists: CSV, XLSX and JSON with the same documented columns.

The site's export links and the API's CSV format both use these columns, so a partner
gets the same file whichever door they come in by. CSV and JSON stream row by row
(memory stays flat whatever the number of rows); XLSX is built in openpyxl's
write-only mode into a temporary file that moves to disk past a few MB, and streamed
from it.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recommendations.models import Item, Recommendation

CHUNK_SIZE = 500
# An XLSX export smaller than this is kept in memory until sent; a larger one on disk.
XLSX_SPOOL_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    value: Callable[[Item, str], Any]
    recommendations_only: bool = False
    type: str = "string"  # Frictionless Table Schema type


def _joined(values: Iterable[Any]) -> str:
    return "; ".join(str(value) for value in values)


def permalink(item: Item, base_url: str) -> str:
    return base_url.rstrip("/") + item.get_absolute_url()


def citation(item: Item, base_url: str) -> str:
    """A ready citation: body, title, symbol, date, paragraph, permalink."""
    document = item.source_document
    return (
        f"{document.issuing_body}, “{document.title}”, {document.symbol}, "
        f"{document.date.day} {document.date:%B %Y}, para. {item.reference}. "
        f"{permalink(item, base_url)}"
    )


COLUMNS: list[Column] = [
    Column("id", _("Stable public identifier of the record."), lambda i, b: i.public_id),
    Column("reference", _("Paragraph reference as printed, e.g. 17(b)."), lambda i, b: i.reference),
    Column("text", _("The text as the document gives it."), lambda i, b: i.text),
    Column(
        "review",
        _("Slug of the regional review."),
        lambda i, b: i.source_document.review.slug,
    ),
    Column(
        "consultation",
        _("Slug of the consultation; empty for cross-cutting items."),
        lambda i, b: i.consultation.slug if i.consultation else "",
    ),
    Column(
        "consultation_title",
        _("Title of the consultation."),
        lambda i, b: i.consultation.title if i.consultation else "",
    ),
    Column(
        "consultation_date",
        _("Date of the consultation (YYYY-MM-DD)."),
        lambda i, b: i.consultation.date.isoformat() if i.consultation else "",
        type="date",
    ),
    Column(
        "source_document",
        _("Symbol of the source document."),
        lambda i, b: i.source_document.symbol,
    ),
    Column(
        "objectives",
        _("GCM objective numbers, separated by “; ”."),
        lambda i, b: _joined(o.number for o in i.objective_list),
    ),
    Column(
        "objective_labels",
        _("Short labels of the objectives, separated by “; ”."),
        lambda i, b: _joined(o.short_label for o in i.objective_list),
    ),
    Column(
        "guiding_principles",
        _("Guiding principles, separated by “; ”."),
        lambda i, b: _joined(p.name for p in i.principle_list),
    ),
    Column(
        "addressed_to",
        _("Who the recommendation is addressed to, separated by “; ”."),
        lambda i, b: _joined(a.name for a in i.addressee_list),
        recommendations_only=True,
    ),
    Column(
        "is_conclusion",
        _("true for the review's conclusions, false for consultation recommendations."),
        lambda i, b: "true" if i.is_conclusion else "false",
        recommendations_only=True,
        type="boolean",
    ),
    Column(
        "challenges",
        _("References of the challenges it answers, separated by “; ”."),
        lambda i, b: _joined(c.reference for c in i.challenge_list),
        recommendations_only=True,
    ),
    Column(
        "good_practices",
        _("References of the good practices that support it, separated by “; ”."),
        lambda i, b: _joined(p.reference for p in i.good_practice_list),
        recommendations_only=True,
    ),
    Column(
        "covid_related",
        _("true when about the COVID-19 pandemic."),
        lambda i, b: "true" if i.covid_related else "false",
        type="boolean",
    ),
    Column(
        "footnote",
        _("A footnote of the document that informs the record."),
        lambda i, b: i.footnote,
    ),
    Column(
        "data_note",
        _("Where the record departs from the printed document."),
        lambda i, b: i.data_note,
    ),
    Column("permalink", _("The record's public page."), permalink, type="string"),
    Column("citation", _("A ready citation of the record."), citation),
    Column(
        "updated_at",
        _("When the record last changed (ISO 8601)."),
        lambda i, b: i.updated_at.isoformat(),
        type="datetime",
    ),
    Column("licence", _("Licence of the data."), lambda i, b: settings.DATA_LICENCE_NAME),
]


def columns_for(model: type[Item]) -> list[Column]:
    return [c for c in COLUMNS if model is Recommendation or not c.recommendations_only]


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def iterate(queryset: QuerySet) -> Iterator[Item]:
    """Rows in chunks, prefetching per chunk, so memory does not grow with the set."""
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def rows(queryset: QuerySet, base: str) -> Iterator[list[Any]]:
    columns = columns_for(queryset.model)
    for item in iterate(queryset):
        yield [column.value(item, base) for column in columns]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text a line at a time, for a streamed response: the conventions of every CSV
    the site and the API give (UTF-8 with a byte-order mark, which lets Excel open the
    file with its accents intact)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_stream(queryset: QuerySet, base: str) -> Iterator[str]:
    return csv_lines([c.name for c in columns_for(queryset.model)], rows(queryset, base))


def json_stream(queryset: QuerySet, base: str, *, meta: dict[str, Any]) -> Iterator[str]:
    names = [c.name for c in columns_for(queryset.model)]
    yield "{" + json.dumps("meta") + ": " + json.dumps(meta, ensure_ascii=False) + ', "results": ['
    first = True
    for row in rows(queryset, base):
        yield (
            ("" if first else ",")
            + "\n"
            + json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False)
        )
        first = False
    yield "\n]}\n"


def xlsx_file(queryset: QuerySet, base: str, *, meta: dict[str, Any]) -> IO[bytes]:
    """The workbook, saved to a file that stays in memory while small and moves to disk
    past ``XLSX_SPOOL_BYTES``, rewound for reading: the response streams it from there.
    Write-only mode already keeps the rows on disk until the save."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(queryset.model._meta.verbose_name_plural)[:31])
    sheet.append([c.name for c in columns_for(queryset.model)])
    for row in rows(queryset, base):
        sheet.append([_as_text(sheet, value) for value in row])
    about = workbook.create_sheet("about")
    for key, value in meta.items():
        about.append([key, _as_text(about, str(value))])
    about.append([])
    about.append(["column", "description"])
    for column in columns_for(queryset.model):
        about.append([column.name, str(column.description)])
    # Not a context manager: the response closes the file once it is sent.
    spooled = tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES)  # noqa: SIM115
    try:
        workbook.save(spooled)
    except BaseException:
        spooled.close()
        raise
    spooled.seek(0)
    return spooled


def _as_text(sheet: Any, value: Any) -> Any:
    """Text stays text: openpyxl would store a string starting with “=” as a formula,
    which Excel would run (formula injection) and which has no value to read back."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def export_meta(request: HttpRequest, model: type[Item]) -> dict[str, Any]:
    return {
        "title": str(model._meta.verbose_name_plural),
        "licence": settings.DATA_LICENCE_NAME,
        "licence_url": settings.DATA_LICENCE_URL,
        "source": request.build_absolute_uri(),
        "exported_at": timezone.now().replace(microsecond=0).isoformat(),
    }


def _filename(model: type[Item], extension: str) -> str:
    return f"{model._meta.verbose_name_plural}".replace(" ", "-") + f".{extension}"


def export_response(request: HttpRequest, queryset: QuerySet, fmt: str) -> StreamingHttpResponse:
    """The filtered set as a download in ``fmt`` (csv, json or xlsx)."""
    model = queryset.model
    base = base_url(request)
    meta = export_meta(request, model)
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(queryset, base), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        response = StreamingHttpResponse(
            json_stream(queryset, base, meta=meta), content_type="application/json; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = FileResponse(
            xlsx_file(queryset, base, meta=meta),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{_filename(model, fmt)}"'
    response["Link"] = f'<{settings.DATA_LICENCE_URL}>; rel="license"'
    return response
