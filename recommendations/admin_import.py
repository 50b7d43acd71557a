"""The admin page where staff import a report: upload, see the dry-run preview, confirm."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from consultations.models import Review
from recommendations.curation import CurationError, load_curation
from recommendations.forms import ReportImportForm
from recommendations.report_parser import ReportFormatError
from recommendations.services import ImportResult, ReportImportError, report_import

SESSION_KEY = "recommendations.report_import"
REQUIRED_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, model in [
        ("recommendations", "challenge"),
        ("recommendations", "goodpractice"),
        ("recommendations", "recommendation"),
        ("consultations", "consultation"),
        ("consultations", "sourcedocument"),
    ]
    for action in ("add", "change")
]


def _run(payload: dict[str, Any], *, dry_run: bool) -> ImportResult:
    curation = (
        load_curation(payload["curation"], path="curation.toml") if payload["curation"] else None
    )
    review = Review.objects.filter(pk=payload["review"]).first() if payload["review"] else None
    return report_import(
        source=payload["report"],
        curation=curation,
        symbol=payload["symbol"] or None,
        review=review,
        publish=not payload["draft"],
        keep_tags=payload["keep_tags"],
        dry_run=dry_run,
    )


def report_import_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perms(REQUIRED_PERMISSIONS):
        raise PermissionDenied
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": _("Import a summary report"),
    }
    if request.method == "POST" and request.POST.get("action") == "confirm":
        payload = request.session.get(SESSION_KEY)
        if not payload:
            messages.error(request, _("The preview has expired: upload the files again."))
            return HttpResponseRedirect(request.path)
        try:
            result = _run(payload, dry_run=False)
        except (ReportFormatError, CurationError, ReportImportError) as error:
            messages.error(request, _("Nothing was imported: %(error)s") % {"error": error})
            return HttpResponseRedirect(request.path)
        del request.session[SESSION_KEY]
        for line in result.summary_lines():
            messages.success(request, line)
        return HttpResponseRedirect(reverse("admin:recommendations_recommendation_changelist"))

    form = ReportImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        payload = {
            "report": form.cleaned_data["report"],
            "curation": form.cleaned_data["curation"],
            "symbol": form.cleaned_data["symbol"],
            "review": form.cleaned_data["review"].pk if form.cleaned_data["review"] else None,
            "draft": form.cleaned_data["draft"],
            "keep_tags": form.cleaned_data["keep_tags"],
        }
        try:
            result = _run(payload, dry_run=True)
        except ReportFormatError as error:
            form.add_error("report", str(error))
        except CurationError as error:
            for problem in error.problems:
                form.add_error("curation", problem)
        except ReportImportError as error:
            form.add_error(None, str(error))
        else:
            request.session[SESSION_KEY] = payload
            context.update({"result": result, "title": _("Preview of the import")})
            return TemplateResponse(
                request, "admin/recommendations/report_import_preview.html", context
            )
    context["form"] = form
    return TemplateResponse(request, "admin/recommendations/report_import.html", context)
