"""Forms of the recommendations app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consultations.models import Review

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _read_text(upload: forms.Field | None, label: str) -> str:
    if upload is None:
        return ""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("%(label)s is larger than 2 MB.") % {"label": label})
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("%(label)s is not UTF-8 text. Save it as UTF-8 and upload it again.")
            % {"label": label}
        ) from None


class ReportImportForm(forms.Form):
    report = forms.FileField(
        label=_("Report (markdown)"),
        help_text=_("The summary report converted to markdown, as in recommendations/data/."),
    )
    curation = forms.FileField(
        label=_("Curation file (TOML)"),
        required=False,
        help_text=_("Optional: tags, links and notes keyed by reference."),
    )
    symbol = forms.CharField(
        label=_("Document symbol"),
        required=False,
        max_length=60,
        help_text=_("e.g. ESCAP/GCM/2021/CRP.2. Needed unless the curation file gives it."),
    )
    review = forms.ModelChoiceField(
        label=_("Review"),
        queryset=Review.objects.all(),
        required=False,
        help_text=_("Leave empty to use (or create) the review the report names."),
    )
    draft = forms.BooleanField(
        label=_("Import new records as drafts"),
        required=False,
        help_text=_("By default records of an issued report are published."),
    )
    keep_tags = forms.BooleanField(
        label=_("Keep the tags staff have set on existing records"),
        required=False,
    )

    def clean_report(self) -> str:
        return _read_text(self.cleaned_data.get("report"), _("The report"))

    def clean_curation(self) -> str:
        return _read_text(self.cleaned_data.get("curation"), _("The curation file"))
