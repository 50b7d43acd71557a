"""The spreadsheet round trip, at the level of the import-export resources.

Exports are written to a real file format and read back (XLSX and CSV), edited as
dictionaries, and imported as the admin imports them: one transaction, rolled back on
any invalid row. The admin pages themselves are tested in test_admin_spreadsheets.py.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import openpyxl
import pytest
import tablib
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from import_export.formats.base_formats import CSV

from consultations.models import Organization
from consultations.partners import FocalPoint
from consultations.publication import PublicationState
from gcm_review import workflow
from recommendations.models import (
    EvidenceLink,
    FollowUpStatus,
    Recommendation,
    Update,
    UpdateScope,
)
from recommendations.spreadsheets import (
    IMPORT_COLUMNS,
    RecommendationStatusResource,
    TextSafeXLSX,
    UpdateExportResource,
    UpdateImportResource,
    import_template_xlsx,
)
from tests.factories import (
    make_consultation,
    make_organization,
    make_recommendation,
    make_update,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
PUBLISHED = PublicationState.PUBLISHED


# --- Personas and data -----------------------------------------------------------------------


def make_staff(username: str, role: str, organization: Organization | None = None) -> Any:
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if organization is not None:
        FocalPoint.objects.create(user=user, organization=organization)
    return user


@pytest.fixture
def editor(db) -> Any:
    return make_staff("edith", workflow.EDITOR)


@pytest.fixture
def recommendations(imported) -> list[Recommendation]:
    """The 44 recommendations; the first four have follow-up of different shapes."""
    recs = list(Recommendation.objects.in_document_order())
    ilo = Organization.objects.get(acronym="ILO")
    iom = Organization.objects.get(acronym="IOM")
    make_update(
        recommendation=recs[0],
        reported_by=ilo,
        description="A national action plan was adopted.\nIt covers recruitment fees.",
        responsible_body="Department of Migrant Workers",
        evidence=[("Action plan", "https://example.org/plan"), ("Press", "https://example.org/p")],
    )
    make_update(
        recommendation=recs[1],
        reported_by=iom,
        scope=UpdateScope.REGIONAL,
        status=FollowUpStatus.IMPLEMENTED,
        as_of=datetime.date(2023, 1, 15),
    )
    make_update(
        recommendation=recs[2],
        reported_by=ilo,
        status=FollowUpStatus.PLANNED,
        publication_state=DRAFT,
    )
    make_update(
        recommendation=recs[3], reported_by=ilo, country="TH", as_of=datetime.date(2024, 1, 1)
    )
    make_update(
        recommendation=recs[3],
        reported_by=iom,
        scope=UpdateScope.MULTI_COUNTRY,
        status=FollowUpStatus.PARTIALLY_IMPLEMENTED,
        as_of=datetime.date(2024, 9, 30),
    )
    return recs


@pytest.fixture
def one_recommendation(db) -> Recommendation:
    """For checks of single values: one recommendation and two organizations, no dataset."""
    make_organization(name="International Labour Organization", acronym="ILO")
    make_organization(name="International Organization for Migration", acronym="IOM")
    return make_recommendation(consultation=make_consultation())


# --- Helpers ---------------------------------------------------------------------------------


def through_file(dataset: tablib.Dataset, file_format: type) -> tablib.Dataset:
    """Write the dataset in a real format and read it back, as staff's files travel."""
    fmt = file_format()
    return fmt.create_dataset(fmt.export_data(dataset))


def export_recommendations(file_format: type = TextSafeXLSX) -> tablib.Dataset:
    dataset = RecommendationStatusResource().export(
        Recommendation.objects.in_document_order(),
        force_native_type=file_format is TextSafeXLSX,
    )
    return through_file(dataset, file_format)


def export_updates(file_format: type = TextSafeXLSX) -> tablib.Dataset:
    dataset = UpdateExportResource().export(
        Update.objects.order_by("pk"), force_native_type=file_format is TextSafeXLSX
    )
    return through_file(dataset, file_format)


def rows(dataset: tablib.Dataset) -> list[dict[str, Any]]:
    return [dict(zip(dataset.headers, row, strict=True)) for row in dataset]


def dataset_of(headers: list[str], records: list[dict[str, Any]]) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=headers)
    for record in records:
        dataset.append([record.get(header, "") for header in headers])
    return dataset


def run_import(
    dataset: tablib.Dataset, user: Any, *, dry_run: bool = False, file_name: str = "statuses.xlsx"
) -> Any:
    """As the admin's confirm step runs it: one transaction, rolled back on any bad row."""
    return UpdateImportResource().import_data(
        dataset,
        dry_run=dry_run,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=user,
        file_name=file_name,
    )


def snapshot() -> dict[str, Any]:
    return {
        "updates": sorted(
            Update.objects.values_list(
                "pk",
                "recommendation_id",
                "status",
                "as_of",
                "scope",
                "country",
                "description",
                "reported_by_id",
                "responsible_body",
                "publication_state",
                "updated_at",
            )
        ),
        "evidence": sorted(EvidenceLink.objects.values_list("pk", "update_id", "title", "url")),
        "update_history": Update.history.count(),
        "evidence_history": EvidenceLink.history.count(),
        "recommendation_history": Recommendation.history.count(),
    }


def errors_of(result: Any) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in result.invalid_rows}


# --- Unchanged re-import ---------------------------------------------------------------------


@pytest.mark.parametrize("file_format", [TextSafeXLSX, CSV], ids=["xlsx", "csv"])
def test_unchanged_reimport_of_the_recommendations_export_changes_nothing(
    recommendations, editor, file_format
):
    before = snapshot()
    dataset = export_recommendations(file_format)
    assert len(dataset) == 44

    result = run_import(dataset, editor)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert result.totals["new"] == 0
    assert result.totals["skip"] == 44
    assert snapshot() == before


@pytest.mark.parametrize("file_format", [TextSafeXLSX, CSV], ids=["xlsx", "csv"])
def test_unchanged_reimport_of_the_updates_export_changes_nothing(
    recommendations, editor, file_format
):
    before = snapshot()
    dataset = export_updates(file_format)
    assert len(dataset) == Update.objects.count() == 5

    result = run_import(dataset, editor)

    assert not result.has_validation_errors()
    assert (result.totals["new"], result.totals["skip"]) == (0, 5)
    assert snapshot() == before


def test_the_recommendations_export_shows_the_derived_status(recommendations):
    by_id = {row["recommendation_id"]: row for row in rows(export_recommendations(CSV))}
    first = by_id[recommendations[0].public_id]
    assert first["status"] == "in_progress"
    assert first["status_label"] == "In progress"
    assert first["as_of"] == "2024-06-01"
    assert first["country"] == "PH"
    assert first["reported_by"] == "International Labour Organization"
    assert first["evidence"] == (
        "Action plan | https://example.org/plan\nPress | https://example.org/p"
    )
    assert first["update_id"] == str(recommendations[0].updates.get().public_id)
    # A draft never shows: the third recommendation has no published update.
    assert by_id[recommendations[2].public_id]["status"] == "none"
    assert by_id[recommendations[2].public_id]["status_label"] == "No update yet"
    assert by_id[recommendations[2].public_id]["update_id"] == ""
    # The latest update of any place is the overall status.
    assert by_id[recommendations[3].public_id]["status"] == "partially_implemented"
    assert by_id[recommendations[3].public_id]["scope"] == "multi_country"


def test_text_that_looks_like_a_formula_stays_text_in_xlsx(recommendations, editor):
    """A partner's description must not run as a formula in staff's Excel, nor be lost."""
    update = recommendations[0].updates.get()
    formula = '=HYPERLINK("https://example.org/x","Click")'
    Update.objects.filter(pk=update.pk).update(description=formula)
    exported = TextSafeXLSX().export_data(
        RecommendationStatusResource().export(
            Recommendation.objects.in_document_order(), force_native_type=True
        )
    )
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    column = [cell.value for cell in sheet[1]].index("description") + 1
    cell = sheet.cell(row=2, column=column)
    assert (cell.value, cell.data_type) == (formula, "s")
    before = snapshot()

    result = run_import(TextSafeXLSX().create_dataset(exported), editor)

    assert result.totals["new"] == 0
    assert snapshot() == before


# --- Edited files ----------------------------------------------------------------------------


def test_an_edited_file_applies_exactly_the_edits(recommendations, editor):
    dataset = export_recommendations(TextSafeXLSX)
    records = rows(dataset)
    for index, status in [(0, "implemented"), (1, "partially_implemented"), (3, "in_progress")]:
        records[index]["status"] = status
    records.append(
        {
            "recommendation_id": recommendations[10].public_id,
            "status": "planned",
            "as_of": "2025-02-28",
            "scope": "country",
            "country": "np",
            "description": "A bill was tabled.",
            "reported_by": "ILO",
        }
    )
    published_before = sorted(
        Update.objects.filter(publication_state=PUBLISHED).values_list("pk", "status", "as_of")
    )
    before = snapshot()

    result = run_import(dataset_of(dataset.headers, records), editor)

    assert not result.has_validation_errors(), errors_of(result)
    assert (result.totals["new"], result.totals["skip"]) == (4, 41)
    new = Update.objects.exclude(pk__in=[row[0] for row in before["updates"]])
    assert sorted((u.recommendation_id, u.status) for u in new) == sorted(
        [
            (recommendations[0].pk, "implemented"),
            (recommendations[1].pk, "partially_implemented"),
            (recommendations[3].pk, "in_progress"),
            (recommendations[10].pk, "planned"),
        ]
    )
    assert {u.publication_state for u in new} == {DRAFT}
    assert {u.created_by for u in new} == {editor}
    # The other values of an edited row are those it was exported with.
    edited = new.get(recommendation=recommendations[0])
    assert edited.description == (
        "A national action plan was adopted.\nIt covers recruitment fees."
    )
    assert edited.responsible_body == "Department of Migrant Workers"
    assert [(e.title, e.url) for e in edited.evidence.all()] == [
        ("Action plan", "https://example.org/plan"),
        ("Press", "https://example.org/p"),
    ]
    added = new.get(recommendation=recommendations[10])
    assert (added.country.code, added.as_of) == ("NP", datetime.date(2025, 2, 28))
    assert added.reported_by.acronym == "ILO"
    # Nothing else changed: published updates are as they were, nothing else was written.
    assert (
        sorted(
            Update.objects.filter(publication_state=PUBLISHED).values_list("pk", "status", "as_of")
        )
        == published_before
    )
    after = snapshot()
    assert after["update_history"] == before["update_history"] + 4
    assert after["evidence_history"] == before["evidence_history"] + 2
    assert after["recommendation_history"] == before["recommendation_history"]
    for update in new:
        (entry,) = update.history.all()
        assert entry.history_type == "+"
        assert entry.history_user == editor
        assert entry.history_change_reason == "Imported from statuses.xlsx"


def test_importing_the_same_edited_file_twice_creates_the_drafts_once(recommendations, editor):
    dataset = export_recommendations(CSV)
    records = rows(dataset)
    records[0]["status"] = "implemented"
    edited = dataset_of(dataset.headers, records)

    assert run_import(edited, editor).totals["new"] == 1
    before = snapshot()
    again = run_import(edited, editor)

    assert again.totals["new"] == 0
    assert snapshot() == before


def test_an_edited_row_of_the_updates_export_never_changes_the_update(recommendations, editor):
    dataset = export_updates(CSV)
    records = rows(dataset)
    draft = Update.objects.get(publication_state=DRAFT)
    row = next(r for r in records if r["update_id"] == str(draft.public_id))
    row["description"] = "The plan was approved by the cabinet."

    result = run_import(dataset_of(dataset.headers, records), editor)

    assert result.totals["new"] == 1
    draft.refresh_from_db()
    assert draft.description == "A national action plan was adopted."
    assert draft.recommendation.updates.filter(
        description="The plan was approved by the cabinet.", publication_state=DRAFT
    ).exists()


def test_columns_missing_from_the_file_keep_the_exported_update_values(recommendations, editor):
    """Staff may untick columns at export: what the file lacks is not “emptied”."""
    published = recommendations[0].updates.get()
    dataset = dataset_of(
        ["update_id", "recommendation_id", "status"],
        [
            {
                "update_id": str(published.public_id),
                "recommendation_id": recommendations[0].public_id,
                "status": "Implemented",
            }
        ],
    )

    result = run_import(dataset, editor)

    assert result.totals["new"] == 1, errors_of(result)
    new = recommendations[0].updates.get(publication_state=DRAFT)
    assert new.status == "implemented"
    assert (new.as_of, new.country.code, new.reported_by_id, new.responsible_body) == (
        published.as_of,
        "PH",
        published.reported_by_id,
        published.responsible_body,
    )
    assert new.evidence.count() == 2


def test_values_are_read_as_people_write_them(recommendations, editor):
    dataset = dataset_of(
        ["Recommendation ID", "Status", "As of", "Scope", "Country", "Description", "Reported by"],
        [
            {
                "Recommendation ID": recommendations[5].public_id,
                "Status": "Partially implemented",
                "As of": datetime.datetime(2025, 1, 31),
                "Scope": "One country",
                "Country": "Philippines",
                "Description": "  Two shelters opened.\r\n",
                "Reported by": "international labour organization",
            },
            {
                "Recommendation ID": recommendations[6].public_id,
                "Status": "NOT_STARTED",
                "As of": "2025-01-31",
                "Scope": "regional",
                "Country": "",
                "Description": "Nothing yet.",
                "Reported by": "International Organization for Migration (IOM)",
            },
        ],
    )

    result = run_import(dataset, editor)

    assert result.totals["new"] == 2, errors_of(result)
    first = recommendations[5].updates.get()
    assert (first.status, first.as_of, first.scope, first.country.code, first.description) == (
        "partially_implemented",
        datetime.date(2025, 1, 31),
        "country",
        "PH",
        "Two shelters opened.",
    )
    second = recommendations[6].updates.get()
    assert (second.status, second.scope, second.country.code, second.reported_by.acronym) == (
        "not_started",
        "regional",
        "",
        "IOM",
    )


def test_blank_lines_and_recommendations_left_without_update_are_skipped(recommendations, editor):
    dataset = export_recommendations(TextSafeXLSX)
    dataset.append([None] * len(dataset.headers))
    before = snapshot()

    result = run_import(dataset, editor)

    assert (result.totals["new"], result.totals["skip"]) == (0, 45)
    assert snapshot() == before


# --- Bad rows ----------------------------------------------------------------------------------


def test_a_file_with_one_bad_row_writes_nothing_and_reports_that_row(recommendations, editor):
    dataset = export_recommendations(TextSafeXLSX)
    records = rows(dataset)
    records[0]["status"] = "implemented"
    records[1]["status"] = "implemented"
    records[20]["status"] = "done"  # the one bad row: data row 21, line 22 of the sheet
    records[20].update(as_of="2025-01-01", country="PH", description="x", reported_by="ILO")
    records[30].update(
        status="planned", as_of="2025-01-01", country="PH", description="y", reported_by="IOM"
    )
    before = snapshot()

    preview = run_import(dataset_of(dataset.headers, records), editor, dry_run=True)
    result = run_import(dataset_of(dataset.headers, records), editor)

    for outcome in (preview, result):
        (invalid,) = outcome.invalid_rows
        assert invalid.number == 21
        assert list(invalid.error_dict) == ["status"]
        (message,) = invalid.error_dict["status"]
        assert message.startswith("“done” is not a status. Allowed: not_started (Not started)")
        assert "no_longer_relevant (No longer relevant)" in message
    assert snapshot() == before


TODAY_PLUS_ONE = "2999-01-01"


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        (
            {"recommendation_id": "escap-gcm-2021-crp-2-recommendation-99z"},
            "recommendation_id",
            "Unknown recommendation id “escap-gcm-2021-crp-2-recommendation-99z”",
        ),
        ({"recommendation_id": ""}, "recommendation_id", "Give the recommendation id"),
        ({"status": "finished"}, "status", "“finished” is not a status. Allowed: not_started"),
        ({"status": ""}, "status", "Give the status. Allowed: not_started"),
        ({"status": "none"}, "status", "“none” means no update yet"),
        ({"as_of": "03/04/2025"}, "as_of", "“03/04/2025” is not a date: write it as YYYY-MM-DD"),
        ({"as_of": "2025-02-30"}, "as_of", "“2025-02-30” is not a date"),
        ({"as_of": TODAY_PLUS_ONE}, "as_of", "2999-01-01 is in the future"),
        ({"as_of": ""}, "as_of", "Give the date the status describes"),
        ({"country": ""}, "country", "A one-country update (scope “country”) needs its country"),
        ({"country": "XY"}, "country", "“XY” is not an ISO 3166 country code"),
        ({"scope": "regional"}, "country", "A regional update has no single country"),
        ({"scope": "global"}, "scope", "“global” is not a scope. Allowed: country (One country)"),
        ({"description": "  "}, "description", "Say what was done."),
        ({"reported_by": "UNHCR"}, "reported_by", "Unknown organization “UNHCR”"),
        ({"reported_by": ""}, "reported_by", "Give the organization that reported the update"),
        ({"update_id": "17b"}, "update_id", "“17b” is not an update id"),
        (
            {"update_id": "0b7a3a52-4f1e-4c7e-9d7e-1f2e3d4c5b6a"},
            "update_id",
            "Unknown update id",
        ),
        ({"evidence": "the plan"}, "evidence", "“the plan” is not an evidence link"),
        ({"responsible_body": "x" * 251}, "responsible_body", "at most 250 characters"),
    ],
)
def test_each_bad_value_gets_a_clear_message(one_recommendation, editor, changes, column, message):
    row = {
        "recommendation_id": one_recommendation.public_id,
        "status": "in_progress",
        "as_of": "2025-01-31",
        "scope": "country",
        "country": "PH",
        "description": "Done.",
        "reported_by": "ILO",
        **changes,
    }
    before = snapshot()

    result = run_import(dataset_of(IMPORT_COLUMNS, [row]), editor)

    (invalid,) = result.invalid_rows
    assert column in invalid.error_dict, invalid.error_dict
    assert any(message in text for text in invalid.error_dict[column]), invalid.error_dict
    assert snapshot() == before


def test_an_update_id_of_another_recommendation_is_refused(one_recommendation, editor):
    other = make_update()
    row = {
        "recommendation_id": one_recommendation.public_id,
        "update_id": str(other.public_id),
        "status": "implemented",
        "as_of": "2025-01-31",
        "country": "PH",
        "description": "Done.",
        "reported_by": "ILO",
    }

    result = run_import(dataset_of(IMPORT_COLUMNS, [row]), editor)

    assert "belongs to another recommendation" in result.invalid_rows[0].error_dict["update_id"][0]


def test_an_ambiguous_acronym_asks_for_the_full_name(one_recommendation, editor):
    Organization.objects.create(
        name="Independent Labour Observatory", acronym="ILO", kind="stakeholder"
    )
    row = {
        "recommendation_id": one_recommendation.public_id,
        "status": "implemented",
        "as_of": "2025-01-31",
        "country": "PH",
        "description": "Done.",
        "reported_by": "ilo",
    }

    result = run_import(dataset_of(IMPORT_COLUMNS, [row]), editor)

    assert "acronym of several organizations" in result.invalid_rows[0].error_dict["reported_by"][0]


def test_a_changed_label_with_an_unchanged_status_is_pointed_out(recommendations, editor):
    """status_label is for reading: importing the old status silently would lose the edit."""
    dataset = export_recommendations(CSV)
    records = rows(dataset)
    records[0]["status_label"] = "Implemented"
    records[1]["status"] = "in_progress"  # the code changed, the stale label is fine

    result = run_import(dataset_of(dataset.headers, records), editor)

    (invalid,) = result.invalid_rows
    assert invalid.number == 1
    assert "status_label only shows the status" in invalid.error_dict["status_label"][0]


def test_a_file_without_the_recommendation_id_column_is_refused(one_recommendation, editor):
    dataset = dataset_of(["status", "as_of"], [{"status": "planned", "as_of": "2025-01-01"}])
    before = snapshot()

    result = run_import(dataset, editor)

    assert result.has_errors()
    assert "no recommendation_id column" in str(result.base_errors[0].error)
    assert snapshot() == before


# --- Focal points ------------------------------------------------------------------------------


def test_focal_points_import_only_for_their_own_organization(recommendations):
    ilo = Organization.objects.get(acronym="ILO")
    partner = make_staff("parvati", workflow.FOCAL_POINT, organization=ilo)
    dataset = export_recommendations(CSV)
    records = rows(dataset)
    base = {"as_of": "2025-01-31", "scope": "country", "country": "PH", "description": "Done."}
    records[10].update(status="planned", reported_by="ILO", **base)  # own organization
    records[11].update(status="planned", reported_by="", **base)  # empty: their own
    records[12].update(status="planned", reported_by="IOM", **base)  # another one: refused
    # records[1] is IOM's published update, left unchanged: skipped, not refused.
    before = snapshot()

    refused = run_import(dataset_of(dataset.headers, records), partner)

    (invalid,) = refused.invalid_rows
    assert invalid.number == 13
    assert invalid.error_dict == {
        "reported_by": ["You can report updates only on behalf of your own organization."]
    }
    assert snapshot() == before

    del records[12]
    result = run_import(dataset_of(dataset.headers, records), partner)

    assert result.totals["new"] == 2, errors_of(result)
    assert set(Update.objects.filter(created_by=partner).values_list("reported_by", flat=True)) == {
        ilo.pk
    }


def test_focal_points_report_only_on_public_recommendations(recommendations):
    partner = make_staff(
        "parvati", workflow.FOCAL_POINT, organization=Organization.objects.get(acronym="ILO")
    )
    hidden = recommendations[9]
    Recommendation.objects.filter(pk=hidden.pk).update(publication_state=DRAFT)
    row = {
        "recommendation_id": hidden.public_id,
        "status": "planned",
        "as_of": "2025-01-31",
        "country": "PH",
        "description": "Done.",
    }

    result = run_import(dataset_of(IMPORT_COLUMNS, [row]), partner)

    assert "Unknown recommendation id" in result.invalid_rows[0].error_dict["recommendation_id"][0]


def test_a_focal_point_without_organization_cannot_import(recommendations):
    nobody = make_staff("nadia", workflow.FOCAL_POINT)

    result = run_import(export_recommendations(CSV), nobody)

    assert "You may not import follow-up updates." in str(result.base_errors[0].error)


# --- The template --------------------------------------------------------------------------


def test_the_template_has_headers_an_example_and_the_allowed_values(recommendations, editor):
    book = openpyxl.load_workbook(io.BytesIO(import_template_xlsx(editor)))

    assert book.sheetnames == ["Updates", "Allowed values", "Columns"]
    assert book.active.title == "Updates"
    sheet_rows = list(book["Updates"].values)
    assert list(sheet_rows[0]) == IMPORT_COLUMNS
    assert len(sheet_rows) == 2
    allowed = [list(column) for column in zip(*book["Allowed values"].values, strict=True)]
    assert allowed[0][:3] == ["status", "not_started", "planned"]
    assert "no_longer_relevant" in allowed[0]
    assert allowed[3][:4] == ["scope", "country", "multi_country", "regional"]
    assert "PH" in allowed[6]
    assert "Philippines" in allowed[7]
    assert "International Labour Organization" in allowed[9]
    assert "ILO" in allowed[10]
    documented = [row[0] for row in book["Columns"].values][1 : len(IMPORT_COLUMNS) + 1]
    assert documented == IMPORT_COLUMNS


def test_the_template_example_row_imports_as_a_draft(recommendations, editor):
    template = TextSafeXLSX().create_dataset(import_template_xlsx(editor))

    result = run_import(template, editor, file_name="template.xlsx")

    assert result.totals["new"] == 1, errors_of(result)
    (draft,) = Update.objects.filter(created_by=editor)
    assert draft.publication_state == DRAFT
    assert draft.recommendation == recommendations[0]
    assert draft.evidence.count() == 1


def test_a_focal_points_template_example_is_for_their_organization(recommendations):
    unicef = Organization.objects.get(acronym="UNICEF")
    partner = make_staff("parvati", workflow.FOCAL_POINT, organization=unicef)
    template = TextSafeXLSX().create_dataset(import_template_xlsx(partner))

    result = run_import(template, partner)

    assert result.totals["new"] == 1, errors_of(result)
    assert Update.objects.get(created_by=partner).reported_by == unicef
