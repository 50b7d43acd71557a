"""The spreadsheet round trip in the admin: export, the import template, import with preview.

django-import-export supplies the pages (export form, import with a dry-run preview, then
confirm); recommendations/spreadsheets.py holds what is read and written. Here: who may
use them, the formats, and the one rule the library does not apply by itself at the
confirm step: if any row is invalid, nothing is written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV
from import_export.results import Result, RowResult

from recommendations.spreadsheets import (
    RecommendationStatusResource,
    TextSafeXLSX,
    UpdateExportResource,
    UpdateImportResource,
    can_import_updates,
    import_template_xlsx,
)

FORMATS = [TextSafeXLSX, CSV]
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dated_name(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate().isoformat()}.{extension}"


def first_errors(result: Result, limit: int = 3) -> list[str]:
    """The first problems of a failed import, as “Line 5: country: ...” (line 1 holds the
    column names, so a file's first row of data is line 2, as a spreadsheet numbers it)."""
    lines = [str(error.error) for error in result.base_errors]
    for error_row in result.error_rows:
        lines.extend(
            _("Line %(line)s: %(error)s") % {"line": error_row.number + 1, "error": error.error}
            for error in error_row.errors
        )
    for invalid in result.invalid_rows:
        lines.extend(
            _("Line %(line)s: %(column)s: %(error)s")
            % {"line": invalid.number + 1, "column": column, "error": " ".join(errors)}
            for column, errors in invalid.error_dict.items()
        )
    return lines[:limit]


class UpdateSpreadsheetAdminMixin(ImportExportMixin):
    """Updates: export (one row per update), the import template, and the import."""

    change_list_template = "admin/recommendations/update/change_list.html"
    import_template_name = "admin/recommendations/update/import.html"
    import_formats = FORMATS
    export_formats = FORMATS

    def get_import_resource_classes(self, request: HttpRequest) -> list[type]:
        return [UpdateImportResource]

    def get_export_resource_classes(self, request: HttpRequest) -> list[type]:
        return [UpdateExportResource]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return can_import_updates(request.user)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_export_filename(self, request: HttpRequest, queryset: QuerySet, file_format) -> str:
        return _dated_name("follow-up-updates", file_format.get_extension())

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = super().get_import_data_kwargs(**kwargs)
        # The preview refuses a file with an invalid row, but the confirm step re-reads the
        # file against a database that may have changed since: there too, one invalid row
        # rolls the whole import back instead of writing the valid ones.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _("Nothing was imported: the file has errors. %(errors)s")
                % {"errors": " ".join(first_errors(result))},
            )
            return HttpResponseRedirect(reverse("admin:recommendations_update_import"))
        return super().process_result(result, request)

    def add_success_message(self, result: Result, request: HttpRequest) -> None:
        created = result.totals[RowResult.IMPORT_TYPE_NEW]
        skipped = result.totals[RowResult.IMPORT_TYPE_SKIP]
        messages.success(
            request,
            ngettext(
                "Import finished: %(created)d new draft update",
                "Import finished: %(created)d new draft updates",
                created,
            )
            % {"created": created}
            + ngettext(
                ", %(skipped)d row unchanged or without an update.",
                ", %(skipped)d rows unchanged or without an update.",
                skipped,
            )
            % {"skipped": skipped}
            + (" " + _("A reviewer publishes them from this list.") if created else ""),
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import-template/",
                self.admin_site.admin_view(self.import_template_view),
                name="recommendations_update_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        response = HttpResponse(import_template_xlsx(request.user), content_type=XLSX_CONTENT_TYPE)
        filename = _dated_name("follow-up-import-template", "xlsx")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class RecommendationSpreadsheetAdminMixin(ExportMixin):
    """Recommendations: export with their current status, one row each."""

    # Kept as the base of import-export's changelist template: it holds the buttons.
    change_list_template = "admin/recommendations/recommendation/change_list.html"
    export_formats = FORMATS

    def get_export_resource_classes(self, request: HttpRequest) -> list[type]:
        return [RecommendationStatusResource]

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_export_filename(self, request: HttpRequest, queryset: QuerySet, file_format) -> str:
        return _dated_name("recommendation-statuses", file_format.get_extension())
