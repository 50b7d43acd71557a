"""Follow-up in a spreadsheet: export statuses and updates, edit them, import the file back.

Staff export from the admin (XLSX or CSV) either the recommendations with their current
status (one row each, carrying the latest published update) or the updates (one row
each), edit rows in a spreadsheet and import the file on the updates page, where
django-import-export shows a preview first. One importer reads all three shapes (the two
exports and the import template), by column name. Its rules:

- a row identical to an update the recommendation already has is *skipped*: an
  unchanged re-import of an export writes nothing, and so does importing the same edited
  file twice;
- any other row creates a new *draft* update. An import never changes an existing update,
  published or not, and never publishes: a reviewer does, with the bulk action;
- a row that carries no update (a recommendation exported with “no update yet” and left
  so, or a blank line) is skipped;
- one invalid row and nothing is written: the admin imports in one transaction with
  ``rollback_on_validation_errors`` (see admin_spreadsheets.py).

Each new update (and each evidence link) is saved on its own, never in bulk, so
django-simple-history records it with the importing user and “Imported from <file>”.
"""

from __future__ import annotations

import datetime
import io
import re
import uuid
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats.base_formats import XLSX

from consultations.models import Organization
from consultations.publication import PublicationState
from gcm_review import workflow
from recommendations.models import (
    NO_UPDATE,
    NO_UPDATE_LABEL,
    EvidenceLink,
    FollowUpStatus,
    Recommendation,
    Update,
    UpdateScope,
    derive_status,
    stale_before,
)

# The columns the importer reads, in the template's order. Every other column of an
# export (reference, text, status_label, stale...) is there to read and is ignored.
IMPORT_COLUMNS = [
    "recommendation_id",
    "update_id",
    "status",
    "as_of",
    "scope",
    "country",
    "description",
    "reported_by",
    "responsible_body",
    "evidence",
]
# Columns that, all empty (with status empty or “none”), mean the row records no update.
UPDATE_CONTENT_COLUMNS = [
    "as_of",
    "description",
    "country",
    "reported_by",
    "responsible_body",
    "evidence",
]
EXAMPLE_RECOMMENDATION_ID = "escap-gcm-2021-crp-2-recommendation-17b"


def can_import_updates(user: Any) -> bool:
    """Import follow-up updates from a spreadsheet: whoever may create updates for some
    organization (a focal point needs theirs). Built on workflow's checks; workflow.py
    has no import-specific rule of its own."""
    if not (user and user.is_active and user.has_perm("recommendations.add_update")):
        return False
    if workflow.is_focal_point(user):
        return workflow.focal_point_organization(user) is not None
    return True


def clean_text(value: Any) -> str:
    """A cell as text: no surrounding blanks, one kind of line break (spreadsheets write
    \\r\\n), whole numbers without “.0” (XLSX reads 35 as 35.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _allowed(choices: type) -> str:
    return ", ".join(f"{choice.value} ({choice.label})" for choice in choices)


# --- Widgets: one cell to one value, with a message a secretariat officer can act on ---------


class TextWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return clean_text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """A code of a closed vocabulary; its label is accepted too, in any case."""

    def __init__(self, choices: type, *, column: str, default: str = "") -> None:
        super().__init__()
        self.choices = choices
        self.column = column
        self.default = default

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = clean_text(value)
        if not text:
            return self.default
        key = text.casefold()
        for choice in self.choices:
            if key in (choice.value.casefold(), str(choice.label).casefold()):
                return choice.value
        if self.choices is FollowUpStatus and key in (NO_UPDATE, str(NO_UPDATE_LABEL).casefold()):
            raise ValueError(
                _(
                    "“%(value)s” means no update yet: to record an update, choose a status. "
                    "Allowed: %(allowed)s."
                )
                % {"value": text, "allowed": _allowed(self.choices)}
            )
        raise ValueError(
            _("“%(value)s” is not a %(column)s. Allowed: %(allowed)s.")
            % {"value": text, "column": self.column, "allowed": _allowed(self.choices)}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value or ""


class IsoDateWidget(widgets.Widget):
    """A date cell (XLSX) or YYYY-MM-DD text. No day/month guessing: 03/04/2024 is refused."""

    pattern = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00)?)?$")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = clean_text(value)
        if not text:
            return None
        if self.pattern.match(text):
            try:
                return datetime.date.fromisoformat(text[:10])
            except ValueError:
                pass
        raise ValueError(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2024-06-30.")
            % {"value": text}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if not value:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class CountryWidget(widgets.Widget):
    """An ISO 3166 code (two or three letters) or a country's English name; stored as the
    two-letter code."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = clean_text(value)
        if not text:
            return ""
        code = countries.alpha2(text) or countries.by_name(text)
        if not code:
            raise ValueError(
                _(
                    "“%(value)s” is not an ISO 3166 country code: write the two letters, "
                    "e.g. PH for the Philippines (the template lists them all)."
                )
                % {"value": text}
            )
        return code

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(getattr(value, "code", value) or "")


class RecommendationWidget(widgets.Widget):
    """A recommendation by its public identifier, among those the importer may report on."""

    def __init__(self) -> None:
        super().__init__()
        self.queryset: QuerySet = Recommendation.objects.none()
        self.found: dict[str, Recommendation | None] = {}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Recommendation | None:
        text = clean_text(value)
        if not text:
            return None
        if text not in self.found:
            self.found[text] = self.queryset.filter(public_id=text).first()
        if self.found[text] is None:
            raise ValueError(
                _(
                    "Unknown recommendation id “%(value)s”: copy it from the recommendation_id "
                    "column of an export, e.g. %(example)s."
                )
                % {"value": text, "example": EXAMPLE_RECOMMENDATION_ID}
            )
        return self.found[text]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.public_id if value else ""


class OrganizationWidget(widgets.Widget):
    """An organization by its name or its acronym (or “Name (ACRONYM)” as the admin shows it)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Organization | None:
        text = clean_text(value)
        if not text:
            return None
        by_name = list(Organization.objects.filter(name__iexact=text)[:2])
        if len(by_name) == 1:
            return by_name[0]
        matches = list(Organization.objects.filter(acronym__iexact=text)[:2])
        shown = re.match(r"^(.+) \(([^()]+)\)$", text)
        if not matches and shown:
            matches = list(
                Organization.objects.filter(
                    name__iexact=shown.group(1), acronym__iexact=shown.group(2)
                )[:2]
            )
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise ValueError(
                _("“%(value)s” is the acronym of several organizations: give the full name.")
                % {"value": text}
            )
        raise ValueError(
            _(
                "Unknown organization “%(value)s”: give its name or acronym as the admin "
                "lists it (the template's “Allowed values” sheet lists them all)."
            )
            % {"value": text}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.name if value else ""


class UpdateIdWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = clean_text(value)
        if not text:
            return ""
        try:
            return str(uuid.UUID(text))
        except ValueError:
            raise ValueError(
                _(
                    "“%(value)s” is not an update id (they look like "
                    "3f2b8c1e-5d4a-4b6e-9c7d-2a1f0e9b8c7d): copy it from an export, or leave "
                    "it empty for a new update."
                )
                % {"value": text}
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value or "")


class EvidenceWidget(widgets.Widget):
    """Evidence links, one a line: “Title | https://...” (a bare address is its own title)."""

    validate_url = URLValidator(schemes=["http", "https"])

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[tuple[str, str]]:
        links = []
        for line in clean_text(value).split("\n"):
            if not line.strip():
                continue
            title, _sep, url = line.rpartition("|")
            title, url = title.strip() or url.strip(), url.strip()
            try:
                self.validate_url(url)
            except ValidationError:
                raise ValueError(
                    _(
                        "“%(line)s” is not an evidence link: write one a line as "
                        "“Title | https://...”."
                    )
                    % {"line": line}
                ) from None
            if len(url) > 500 or len(title) > 300:
                raise ValueError(
                    _(
                        "Evidence “%(line)s” is too long: titles up to 300 characters, "
                        "addresses up to 500."
                    )
                    % {"line": line[:80]}
                )
            links.append((title, url))
        return links

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "\n".join(f"{title} | {url}" for title, url in value or [])


def evidence_of(update: Update) -> list[tuple[str, str]]:
    return [(clean_text(link.title), clean_text(link.url)) for link in update.evidence.all()]


# --- Import -----------------------------------------------------------------------------


class UpdateImportResource(resources.ModelResource):
    """Reads a spreadsheet of follow-up updates; creates new drafts (rules in the module
    docstring). ``import_data`` needs ``user`` (and takes ``file_name``), as the admin gives."""

    recommendation = Field(
        attribute="recommendation",
        column_name="recommendation_id",
        widget=RecommendationWidget(),
        saves_null_values=False,
    )
    update_id = Field(
        attribute="spreadsheet_base_id", column_name="update_id", widget=UpdateIdWidget()
    )
    status = Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(FollowUpStatus, column="status"),
    )
    as_of = Field(attribute="as_of", column_name="as_of", widget=IsoDateWidget())
    scope = Field(
        attribute="scope",
        column_name="scope",
        widget=ChoiceWidget(UpdateScope, column="scope", default=UpdateScope.COUNTRY),
    )
    country = Field(attribute="country", column_name="country", widget=CountryWidget())
    description = Field(attribute="description", column_name="description", widget=TextWidget())
    reported_by = Field(
        attribute="reported_by",
        column_name="reported_by",
        widget=OrganizationWidget(),
        saves_null_values=False,
    )
    responsible_body = Field(
        attribute="responsible_body", column_name="responsible_body", widget=TextWidget()
    )
    evidence = Field(
        attribute="spreadsheet_evidence", column_name="evidence", widget=EvidenceWidget()
    )

    class Meta:
        model = Update
        name = gettext_lazy("Follow-up updates (each changed row becomes a new draft)")
        fields = (
            "recommendation",
            "update_id",
            "status",
            "as_of",
            "scope",
            "country",
            "description",
            "reported_by",
            "responsible_body",
            "evidence",
        )
        import_id_fields = ["recommendation"]
        # Every row that writes creates an update: none is ever looked up to be changed.
        force_init_instance = True
        # Never bulk: bulk_create bypasses save() and so the history.
        use_bulk = False
        report_skipped = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user: Any = None
        self.change_reason = ""
        self.own_organization: Organization | None = None
        self.visible_updates: QuerySet = Update.objects.none()

    def init_instance(self, row: dict[str, Any] | None = None) -> Update:
        instance = super().init_instance(row)
        # Read from the file, not model fields: the exported update's id, and the evidence
        # (None when the file has no evidence column: then not compared, none created).
        instance.spreadsheet_base_id = ""
        instance.spreadsheet_base = None
        instance.spreadsheet_evidence = None
        return instance

    # The import as a whole

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        # Headers as people retype them: “Recommendation ID ” is recommendation_id.
        dataset.headers = [
            re.sub(r"[\s-]+", "_", str(header).strip().lower()) if header is not None else ""
            for header in dataset.headers or []
        ]
        if "recommendation_id" not in dataset.headers:
            raise ValueError(
                _(
                    "The file has no recommendation_id column: start from an export or the "
                    "import template, whose first row holds the column names."
                )
            )
        self.user = kwargs.get("user")
        if not can_import_updates(self.user):
            raise ValueError(_("You may not import follow-up updates."))
        self.change_reason = _("Imported from %(file)s") % {
            "file": kwargs.get("file_name") or _("a spreadsheet")
        }
        if workflow.is_focal_point(self.user):
            self.own_organization = workflow.focal_point_organization(self.user)
        self.fields["recommendation"].widget.queryset = workflow.reportable_recommendations(
            self.user, Recommendation.objects.select_related("source_document")
        )
        self.visible_updates = (
            Update.objects.published() | workflow.visible_updates(self.user, Update.objects.all())
        ).distinct()

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        # ModelResource resets the primary-key sequence here, for imports that set ids. This
        # one never does, and a reset racing another transaction's inserts could reuse ids.
        return None

    # One row

    def carries_no_update(self, row: dict[str, Any]) -> bool:
        status = clean_text(row.get("status")).casefold()
        if status not in ("", NO_UPDATE, str(NO_UPDATE_LABEL).casefold()):
            return False
        return not any(clean_text(row.get(column)) for column in UPDATE_CONTENT_COLUMNS)

    def import_instance(self, instance: Update, row: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        for field in self.get_import_fields():
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.column_name] = [str(error)]
        instance.spreadsheet_base = self._base_update(instance)
        base = instance.spreadsheet_base
        if base is not None:
            self._inherit_missing_columns(instance, base, row)
        if instance.reported_by_id is None and self.own_organization is not None:
            instance.reported_by = self.own_organization
        label_error = self._label_edited_instead_of_status(instance, row, base)
        if label_error and "status" not in errors:
            errors["status_label"] = [label_error]
        if errors:
            raise ValidationError(errors)

    def _base_update(self, instance: Update) -> Update | None:
        """The update the row was exported with (its update_id), if the importer sees it."""
        if not instance.spreadsheet_base_id:
            return None
        return (
            self.visible_updates.filter(public_id=instance.spreadsheet_base_id)
            .select_related("reported_by")
            .prefetch_related("evidence")
            .first()
        )

    def _inherit_missing_columns(self, instance: Update, base: Update, row: dict) -> None:
        """A column the file lacks (unticked at export) keeps the exported update's value."""
        for column in ("status", "as_of", "scope", "country", "reported_by"):
            if column not in row:
                setattr(instance, column, getattr(base, column))
        for column in ("description", "responsible_body"):
            if column not in row:
                setattr(instance, column, clean_text(getattr(base, column)))
        if "evidence" not in row:
            instance.spreadsheet_evidence = evidence_of(base)

    def _label_edited_instead_of_status(
        self, instance: Update, row: dict, base: Update | None
    ) -> str:
        """status_label is for reading. If it was changed while status was not, say so
        rather than import the old status without a word."""
        label = clean_text(row.get("status_label"))
        if not label or not instance.status:
            return ""
        if label.casefold() == str(FollowUpStatus(instance.status).label).casefold():
            return ""
        if base is None or instance.status != base.status:
            return ""  # status itself was changed: the stale label is ignored
        return _(
            "status_label only shows the status and is not imported: you changed it to "
            "“%(label)s” but status still says “%(status)s”. Put the new status in the status "
            "column (a code or a label)."
        ) % {"label": label, "status": instance.status}

    def skip_row(
        self,
        instance: Update,
        original: Update,
        row: dict[str, Any],
        import_validation_errors: dict | None = None,
    ) -> bool:
        if self.carries_no_update(row):
            return True
        if import_validation_errors:
            return False
        return self.matching_update(instance) is not None

    def matching_update(self, instance: Update) -> Update | None:
        """An update of the recommendation with exactly the row's values, if the importer
        sees one: then the row is already recorded and writes nothing."""
        if not (instance.recommendation_id and instance.status and instance.as_of):
            return None
        if instance.reported_by_id is None:
            return None
        candidates = self.visible_updates.filter(
            recommendation_id=instance.recommendation_id,
            status=instance.status,
            as_of=instance.as_of,
            scope=instance.scope,
            country=CountryWidget().render(instance.country),
            reported_by_id=instance.reported_by_id,
        ).prefetch_related("evidence")
        for candidate in candidates:
            if clean_text(candidate.description) != clean_text(instance.description):
                continue
            if clean_text(candidate.responsible_body) != clean_text(instance.responsible_body):
                continue
            evidence = instance.spreadsheet_evidence
            if evidence is not None and evidence_of(candidate) != evidence:
                continue
            return candidate
        return None

    def validate_instance(
        self,
        instance: Update,
        import_validation_errors: dict | None = None,
        validate_unique: bool = True,
    ) -> None:
        errors: dict[str, list] = {
            column: list(messages) for column, messages in (import_validation_errors or {}).items()
        }
        for column, message in self._row_problems(instance, errors):
            errors.setdefault(column, []).append(message)
        if not errors:
            # The model's own checks and constraints, as a safety net behind the ones above.
            try:
                instance.full_clean(exclude=["public_id"], validate_unique=False)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = name if name == NON_FIELD_ERRORS else self._column_of(name)
                    errors.setdefault(column, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def _column_of(self, attribute: str) -> str:
        for field in self.get_import_fields():
            if field.attribute == attribute:
                return field.column_name
        return attribute

    def _row_problems(self, instance: Update, errors: dict) -> list[tuple[str, str]]:
        problems = []

        def check(column: str, failed: bool, message: str) -> None:
            if failed and column not in errors:
                problems.append((column, message))

        check(
            "recommendation_id",
            instance.recommendation_id is None,
            _("Give the recommendation id, e.g. %(example)s.")
            % {"example": EXAMPLE_RECOMMENDATION_ID},
        )
        base = instance.spreadsheet_base
        check(
            "update_id",
            bool(instance.spreadsheet_base_id) and base is None,
            _(
                "Unknown update id “%(value)s”: it may have been deleted. Leave it empty to "
                "record a new update."
            )
            % {"value": instance.spreadsheet_base_id},
        )
        check(
            "update_id",
            base is not None
            and instance.recommendation_id is not None
            and base.recommendation_id != instance.recommendation_id,
            _(
                "This update id belongs to another recommendation: leave it empty to record a "
                "new update for this one."
            ),
        )
        check(
            "status",
            not instance.status,
            _("Give the status. Allowed: %(allowed)s.") % {"allowed": _allowed(FollowUpStatus)},
        )
        check(
            "as_of",
            instance.as_of is None,
            _("Give the date the status describes, as YYYY-MM-DD."),
        )
        check(
            "as_of",
            instance.as_of is not None and instance.as_of > timezone.localdate(),
            _("%(date)s is in the future: an update describes what has happened by a date.")
            % {"date": instance.as_of},
        )
        check("description", not instance.description, _("Say what was done."))
        country = CountryWidget().render(instance.country)
        if "scope" not in errors:
            check(
                "country",
                instance.scope == UpdateScope.COUNTRY and not country,
                _(
                    "A one-country update (scope “country”) needs its country: give its ISO "
                    "3166 code, e.g. PH; or set scope to multi_country or regional."
                ),
            )
            check(
                "country",
                instance.scope != UpdateScope.COUNTRY and bool(country),
                _(
                    "A %(scope)s update has no single country: leave country empty, or set "
                    "scope to country."
                )
                % {"scope": instance.scope},
            )
        check(
            "reported_by",
            instance.reported_by_id is None,
            _("Give the organization that reported the update: its name or acronym."),
        )
        check(
            "reported_by",
            instance.reported_by_id is not None
            and not workflow.can_report_for(self.user, instance.reported_by),
            str(workflow.DENIED_MESSAGES["organization"]),
        )
        return problems

    # Saving: a new draft, one object at a time, with who and why

    def before_save_instance(self, instance: Update, row: dict[str, Any], **kwargs: Any) -> None:
        instance.publication_state = PublicationState.DRAFT
        instance.created_by = self.user
        instance._history_user = self.user
        instance._change_reason = self.change_reason

    def after_save_instance(self, instance: Update, row: dict[str, Any], **kwargs: Any) -> None:
        for position, (title, url) in enumerate(instance.spreadsheet_evidence or [], start=1):
            link = EvidenceLink(update=instance, title=title, url=url, position=position)
            link._history_user = self.user
            link._change_reason = self.change_reason
            link.save()


# --- Exports ----------------------------------------------------------------------------


def _stale(as_of: datetime.date | None) -> str:
    if as_of is None:
        return ""
    return _("yes") if as_of < stale_before() else _("no")


class UpdateExportResource(resources.ModelResource):
    """One row per update, in the columns the importer reads plus a few to read."""

    update_id = Field(attribute="public_id", column_name="update_id", widget=UpdateIdWidget())
    recommendation_id = Field(
        attribute="recommendation", column_name="recommendation_id", widget=RecommendationWidget()
    )
    reference = Field(attribute="recommendation__reference", column_name="reference")
    status = Field(attribute="status", column_name="status")
    status_label = Field(column_name="status_label")
    as_of = Field(attribute="as_of", column_name="as_of", widget=IsoDateWidget())
    scope = Field(attribute="scope", column_name="scope")
    country = Field(attribute="country", column_name="country", widget=CountryWidget())
    description = Field(attribute="description", column_name="description")
    reported_by = Field(
        attribute="reported_by", column_name="reported_by", widget=OrganizationWidget()
    )
    responsible_body = Field(attribute="responsible_body", column_name="responsible_body")
    evidence = Field(column_name="evidence")
    publication_state = Field(attribute="publication_state", column_name="publication_state")

    class Meta:
        model = Update
        name = gettext_lazy("Follow-up updates (one row per update)")
        fields = (
            "update_id",
            "recommendation_id",
            "reference",
            "status",
            "status_label",
            "as_of",
            "scope",
            "country",
            "description",
            "reported_by",
            "responsible_body",
            "evidence",
            "publication_state",
        )
        export_order = fields

    def filter_export(self, queryset: QuerySet, **kwargs: Any) -> QuerySet:
        return queryset.select_related("recommendation", "reported_by").prefetch_related("evidence")

    def dehydrate_status_label(self, update: Update) -> str:
        return str(update.get_status_display())

    def dehydrate_evidence(self, update: Update) -> str:
        return EvidenceWidget().render(evidence_of(update))


def latest_published_update(recommendation: Recommendation) -> Update | None:
    """The update the site's overall status comes from (prefetched as published_updates)."""
    overall, _breakdown = derive_status(getattr(recommendation, "published_updates", []))
    return overall.update


def from_latest(value: Any, *, none: Any = "") -> Any:
    """A column of the recommendation's latest published update; ``none`` without one."""

    def dehydrate(recommendation: Recommendation) -> Any:
        latest = latest_published_update(recommendation)
        if latest is None:
            return str(none)  # a lazy label is translated when the file is written
        return value(latest)

    return dehydrate


class RecommendationStatusResource(resources.ModelResource):
    """One row per recommendation: its current status as the site derives it, and the
    latest published update's values, ready to be edited into a new update."""

    recommendation_id = Field(attribute="public_id", column_name="recommendation_id")
    reference = Field(attribute="reference", column_name="reference")
    consultation = Field(column_name="consultation")
    text = Field(attribute="text", column_name="text")
    status = Field(
        column_name="status", dehydrate_method=from_latest(lambda u: u.status, none=NO_UPDATE)
    )
    status_label = Field(
        column_name="status_label",
        dehydrate_method=from_latest(lambda u: str(u.get_status_display()), none=NO_UPDATE_LABEL),
    )
    as_of = Field(column_name="as_of", dehydrate_method=from_latest(lambda u: u.as_of))
    stale = Field(column_name="stale", dehydrate_method=from_latest(lambda u: _stale(u.as_of)))
    update_id = Field(
        column_name="update_id", dehydrate_method=from_latest(lambda u: str(u.public_id))
    )
    scope = Field(column_name="scope", dehydrate_method=from_latest(lambda u: u.scope))
    country = Field(
        column_name="country",
        dehydrate_method=from_latest(lambda u: CountryWidget().render(u.country)),
    )
    description = Field(
        column_name="description", dehydrate_method=from_latest(lambda u: u.description)
    )
    reported_by = Field(
        column_name="reported_by", dehydrate_method=from_latest(lambda u: u.reported_by.name)
    )
    responsible_body = Field(
        column_name="responsible_body",
        dehydrate_method=from_latest(lambda u: u.responsible_body),
    )
    evidence = Field(
        column_name="evidence",
        dehydrate_method=from_latest(lambda u: EvidenceWidget().render(evidence_of(u))),
    )

    class Meta:
        model = Recommendation
        name = gettext_lazy("Recommendations with their current status")
        fields = (
            "recommendation_id",
            "reference",
            "consultation",
            "text",
            "status",
            "status_label",
            "as_of",
            "stale",
            "update_id",
            "scope",
            "country",
            "description",
            "reported_by",
            "responsible_body",
            "evidence",
        )
        export_order = fields

    def filter_export(self, queryset: QuerySet, **kwargs: Any) -> QuerySet:
        return queryset.select_related("consultation").prefetch_related(
            Prefetch(
                "updates",
                queryset=Update.objects.published()
                .select_related("reported_by")
                .prefetch_related("evidence")
                .latest_first(),
                to_attr="published_updates",
            )
        )

    def dehydrate_consultation(self, recommendation: Recommendation) -> str:
        if recommendation.consultation is None:
            return _("Conclusions of the review") if recommendation.is_conclusion else ""
        return str(recommendation.consultation)


class TextSafeXLSX(XLSX):
    """XLSX in which text stays text. openpyxl stores a string starting with “=” as a
    formula: a partner's description could then run in a staff member's Excel (formula
    injection), and would come back empty, as a formula has no saved value. Escaping it
    (import-export's option) would change the text and so break the round trip."""

    def export_data(self, dataset: Any, **kwargs: Any) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = (dataset.title or "data")[:31]
        sheet.append(list(dataset.headers or []))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in dataset:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":
                    cell.data_type = "s"
                elif isinstance(cell.value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


# --- The import template ------------------------------------------------------------------


def column_help() -> dict[str, str]:
    """What to write in each column, for the template's “Columns” sheet."""
    return {
        "recommendation_id": _(
            "Required. The recommendation's public identifier, as in an export, e.g. %(example)s."
        )
        % {"example": EXAMPLE_RECOMMENDATION_ID},
        "update_id": _(
            "Leave empty for a new update. In an exported row, the update the row shows: a row "
            "left as exported is skipped, an edited row becomes a new draft update."
        ),
        "status": _("Required. A status code or label from the “Allowed values” sheet."),
        "as_of": _("Required. The date the status describes, YYYY-MM-DD; not in the future."),
        "scope": _("country (the default), multi_country or regional."),
        "country": _(
            "Required for scope country, empty otherwise: the ISO 3166 two-letter code, e.g. PH."
        ),
        "description": _("Required. What was done, decided or reported, in a few sentences."),
        "reported_by": _(
            "Required. The organization that reported it: its name or acronym from the "
            "“Allowed values” sheet. Focal points may leave it empty (their own organization)."
        ),
        "responsible_body": _("Optional. The ministry, agency or body responsible for the action."),
        "evidence": _("Optional. One link a line: Title | https://..."),
    }


def import_template_rows(user: Any) -> list[list[Any]]:
    """The template's header row and one example row that imports as it is."""
    recommendations = workflow.reportable_recommendations(user, Recommendation.objects.all())
    recommendation = (
        recommendations.public().in_document_order().first()
        or recommendations.in_document_order().first()
    )
    organization = workflow.focal_point_organization(user) or (
        Organization.objects.order_by("name").first()
    )
    example = {
        "recommendation_id": recommendation.public_id
        if recommendation
        else EXAMPLE_RECOMMENDATION_ID,
        "update_id": "",
        "status": FollowUpStatus.IN_PROGRESS.value,
        "as_of": timezone.localdate(),
        "scope": UpdateScope.COUNTRY.value,
        "country": "PH",
        "description": _(
            "Example: a national action plan on fair recruitment was adopted. Replace this row "
            "with your own."
        ),
        "reported_by": organization.name if organization else "",
        "responsible_body": _("Ministry of Labour and Employment"),
        "evidence": "National action plan | https://example.org/action-plan",
    }
    return [list(IMPORT_COLUMNS), [example[column] for column in IMPORT_COLUMNS]]


def import_template_xlsx(user: Any) -> bytes:
    """The import template: “Updates” (headers and an example row, the sheet the importer
    reads), “Allowed values” (status, scope, countries, organizations) and “Columns”."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = _("Updates")
    for row in import_template_rows(user):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    as_of_column = IMPORT_COLUMNS.index("as_of") + 1
    for row_cells in sheet.iter_rows(min_row=2, min_col=as_of_column, max_col=as_of_column):
        for cell in row_cells:
            cell.number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJ", [45, 38, 22, 12, 14, 9, 60, 40, 30, 50], strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"

    allowed = book.create_sheet(_("Allowed values"))
    organizations = list(Organization.objects.order_by("name").values_list("name", "acronym"))
    country_list = list(countries)
    columns = [
        ("status", "status_label", [(c.value, str(c.label)) for c in FollowUpStatus]),
        ("scope", "scope_label", [(c.value, str(c.label)) for c in UpdateScope]),
        ("country", "country_name", [(c.code, str(c.name)) for c in country_list]),
        ("reported_by", "acronym", organizations),
    ]
    for index, (code_header, label_header, values) in enumerate(columns):
        first = index * 3 + 1
        allowed.cell(row=1, column=first, value=code_header).font = Font(bold=True)
        allowed.cell(row=1, column=first + 1, value=label_header).font = Font(bold=True)
        for row_number, (code, label) in enumerate(values, start=2):
            allowed.cell(row=row_number, column=first, value=code)
            allowed.cell(row=row_number, column=first + 1, value=label or "")
        allowed.column_dimensions[chr(ord("A") + first - 1)].width = 24
        allowed.column_dimensions[chr(ord("A") + first)].width = 30

    # Drop-down lists on the Updates sheet, from the Allowed values sheet.
    quoted = "'" + allowed.title.replace("'", "''") + "'"
    for column, source in [
        ("status", f"{quoted}!$A$2:$A${len(FollowUpStatus) + 1}"),
        ("scope", f"{quoted}!$D$2:$D${len(UpdateScope) + 1}"),
        ("country", f"{quoted}!$G$2:$G${len(country_list) + 1}"),
    ]:
        letter = chr(ord("A") + IMPORT_COLUMNS.index(column))
        validation = DataValidation(type="list", formula1=source, allow_blank=True)
        validation.add(f"{letter}2:{letter}1000")
        sheet.add_data_validation(validation)

    help_sheet = book.create_sheet(_("Columns"))
    help_sheet.append([_("column"), _("what to write")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in IMPORT_COLUMNS:
        help_sheet.append([column, column_help()[column]])
    help_sheet.append([])
    help_sheet.append(
        [
            "",
            _(
                "Exports of recommendations or updates import as they are: their other "
                "columns (reference, text, status_label, stale...) are only for reading. "
                "Imported updates are drafts until a reviewer publishes them."
            ),
        ]
    )
    help_sheet.column_dimensions["A"].width = 20
    help_sheet.column_dimensions["B"].width = 110

    book.active = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
