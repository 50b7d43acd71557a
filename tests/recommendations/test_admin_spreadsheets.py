"""The spreadsheet round trip through the admin's real pages, as staff use them.

Export form, import upload (the dry-run preview), confirm, then the reviewer's bulk
publish: the URLs of django-import-export and of the admin, with the test client.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from consultations.models import Organization
from consultations.partners import FocalPoint
from consultations.publication import PublicationState
from gcm_review import workflow
from recommendations.models import FollowUpStatus, Recommendation, Update
from recommendations.spreadsheets import (
    IMPORT_COLUMNS,
    RecommendationStatusResource,
    UpdateExportResource,
)
from tests.factories import make_update

pytestmark = pytest.mark.django_db

XLSX_FORMAT = "0"  # the admin offers XLSX first, then CSV
CSV_FORMAT = "1"
EXPORT_URL = reverse("admin:recommendations_recommendation_export")
IMPORT_URL = reverse("admin:recommendations_update_import")
CONFIRM_URL = reverse("admin:recommendations_update_process_import")
TEMPLATE_URL = reverse("admin:recommendations_update_import_template")
UPDATES_URL = reverse("admin:recommendations_update_changelist")


def make_staff(username: str, role: str, organization: Organization | None = None) -> Any:
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    if organization is not None:
        FocalPoint.objects.create(user=user, organization=organization)
    return user


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(db) -> Any:
    return make_staff("edith", workflow.EDITOR)


@pytest.fixture
def reviewer(db) -> Any:
    return make_staff("rui", workflow.REVIEWER)


def export(client: Client, url: str, resource: type, file_format: str = XLSX_FORMAT) -> Any:
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    return client.post(url, {"format": file_format, "resource": "0", **fields})


def preview(client: Client, content: bytes, name: str, file_format: str = XLSX_FORMAT) -> Any:
    upload = SimpleUploadedFile(name, content)
    return client.post(IMPORT_URL, {"format": file_format, "resource": "0", "import_file": upload})


def confirm(client: Client, preview_response: Any) -> Any:
    return client.post(CONFIRM_URL, preview_response.context["confirm_form"].initial)


def edit_xlsx(content: bytes, edit: Any) -> bytes:
    """Open the exported workbook, let ``edit`` change rows (as dicts), save it again."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    for row_cells in sheet.iter_rows(min_row=2):
        values = dict(zip(headers, [cell.value for cell in row_cells], strict=True))
        if edit(values):
            for cell, header in zip(row_cells, headers, strict=True):
                cell.value = values[header]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_twenty_new_statuses_from_an_edited_export_then_one_bulk_publish(
    imported, editor, reviewer
):
    """The issue's “done when”: an editor records new statuses for twenty recommendations by
    editing an exported spreadsheet, imports it with a preview first, the updates wait as
    drafts, and a reviewer publishes them in one bulk action, each with its history."""
    recommendations = list(Recommendation.objects.in_document_order())
    ilo = Organization.objects.get(acronym="ILO")
    for recommendation in recommendations[:10]:
        make_update(recommendation=recommendation, reported_by=ilo, as_of=datetime.date(2024, 6, 1))
    new_statuses = {
        rec.public_id: status
        for rec, status in zip(
            recommendations[:20],
            [FollowUpStatus.IMPLEMENTED, FollowUpStatus.PARTIALLY_IMPLEMENTED] * 5
            + [FollowUpStatus.PLANNED, FollowUpStatus.NOT_STARTED] * 5,
            strict=True,
        )
    }
    editor_client = client_for(editor)

    # 1. Export the recommendations with their current status.
    exported = export(editor_client, EXPORT_URL, RecommendationStatusResource)
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="recommendation-statuses-' in exported["Content-Disposition"]

    # 2. Edit twenty rows in the spreadsheet: ten with a status already, ten without.
    def record_new_status(row: dict[str, Any]) -> bool:
        if row["recommendation_id"] not in new_statuses:
            return False
        if row["status"] == "none":
            row.update(scope="country", country="BD", reported_by="ILO")
            row["description"] = "The government reported progress at the regional review."
        row["status"] = new_statuses[row["recommendation_id"]].value
        row["as_of"] = datetime.datetime(2025, 3, 31)
        return True

    edited = edit_xlsx(exported.content, record_new_status)
    before_preview = Update.objects.count()

    # 3. Import: the preview first, which writes nothing.
    previewed = preview(editor_client, edited, "statuses-march.xlsx")
    assert previewed.status_code == 200
    result = previewed.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert (result.totals["new"], result.totals["skip"]) == (20, 24)
    assert "confirm_form" in previewed.context
    page = previewed.content.decode()
    assert "Preview" in page
    assert page.count('class="new"') == 20
    assert Update.objects.count() == before_preview

    # 4. Confirm: twenty drafts, each in the history with the editor.
    confirmed = confirm(editor_client, previewed)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == UPDATES_URL
    drafts = Update.objects.filter(publication_state=PublicationState.DRAFT)
    assert drafts.count() == 20
    assert Update.objects.count() == before_preview + 20
    assert {draft.recommendation.public_id: draft.status for draft in drafts} == {
        public_id: status.value for public_id, status in new_statuses.items()
    }
    status_before_publish = dict(
        Recommendation.objects.with_status().values_list("public_id", "current_status")
    )
    assert status_before_publish[recommendations[15].public_id] == "none"
    listing = editor_client.get(UPDATES_URL, {"publication_state__exact": "draft"})
    assert "Import finished: 20 new draft updates, 24 rows unchanged" in listing.content.decode()

    # 5. The reviewer publishes the twenty in one bulk action.
    published = client_for(reviewer).post(
        UPDATES_URL,
        {"action": "publish", "_selected_action": list(drafts.values_list("pk", flat=True))},
    )
    assert published.status_code == 302
    assert not Update.objects.filter(publication_state=PublicationState.DRAFT).exists()

    imported_updates = Update.objects.filter(as_of=datetime.date(2025, 3, 31))
    assert imported_updates.count() == 20
    for update in imported_updates:
        created, publish = update.history.order_by("history_date", "history_id")
        assert (created.history_type, created.history_user) == ("+", editor)
        assert created.history_change_reason == "Imported from statuses-march.xlsx"
        assert created.publication_state == PublicationState.DRAFT
        assert (publish.history_type, publish.history_user) == ("~", reviewer)
        assert publish.publication_state == PublicationState.PUBLISHED

    # 6. The derived status now shows the new statuses.
    derived = dict(Recommendation.objects.with_status().values_list("public_id", "current_status"))
    for public_id, status in new_statuses.items():
        assert derived[public_id] == status.value
    assert derived[recommendations[25].public_id] == "none"


def test_a_bad_row_is_shown_in_the_preview_with_its_line_and_nothing_is_written(imported, editor):
    client = client_for(editor)
    exported = export(client, EXPORT_URL, RecommendationStatusResource)
    target = Recommendation.objects.in_document_order()[4].public_id

    def bad_date(row: dict[str, Any]) -> bool:
        if row["recommendation_id"] != target:
            return False
        row.update(status="implemented", as_of="31/03/2025", country="PH", reported_by="ILO")
        row["description"] = "Done."
        return True

    before = Update.objects.count(), Update.history.count()
    response = preview(client, edit_xlsx(exported.content, bad_date), "bad.xlsx")

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number == 5
    page = response.content.decode()
    assert "Some rows failed to validate: nothing was imported" in page
    assert '<td class="import-line">6</td>' in page  # line 1 holds the column names
    assert "“31/03/2025” is not a date: write it as YYYY-MM-DD" in page
    assert (Update.objects.count(), Update.history.count()) == before


def test_the_confirm_step_writes_nothing_if_a_row_has_become_invalid(imported, editor):
    """The file is read again at confirm time, against a database that may have changed."""
    fleeting = Organization.objects.create(name="Short-lived Network", kind="stakeholder")
    recommendations = list(Recommendation.objects.in_document_order()[:2])
    content = csv_file(
        [
            [recommendations[0].public_id, "planned", "2025-01-31", "PH", "Done.", "ILO"],
            [recommendations[1].public_id, "planned", "2025-01-31", "PH", "Done.", fleeting.name],
        ]
    )
    client = client_for(editor)
    previewed = preview(client, content, "statuses.csv", CSV_FORMAT)
    assert previewed.context["result"].totals["new"] == 2
    fleeting.delete()

    before = Update.objects.count(), Update.history.count()
    response = confirm(client, previewed)

    assert response.status_code == 302
    assert response["Location"] == IMPORT_URL
    assert (Update.objects.count(), Update.history.count()) == before
    (message,) = [str(m) for m in response.wsgi_request._messages]
    assert message.startswith("Nothing was imported: the file has errors. Line 3: reported_by:")
    assert "Unknown organization “Short-lived Network”" in message


def csv_file(lines: list[list[str]]) -> bytes:
    header = "recommendation_id,status,as_of,country,description,reported_by"
    body = "\n".join(",".join(line) for line in lines)
    return f"{header}\n{body}\n".encode()


def test_an_unchanged_export_of_updates_imports_as_nothing(imported, editor):
    ilo = Organization.objects.get(acronym="ILO")
    for recommendation in Recommendation.objects.all()[:3]:
        make_update(recommendation=recommendation, reported_by=ilo)
    client = client_for(editor)
    exported = export(client, reverse("admin:recommendations_update_export"), UpdateExportResource)
    assert exported.status_code == 200
    assert 'filename="follow-up-updates-' in exported["Content-Disposition"]
    before = Update.objects.count(), Update.history.count()

    previewed = preview(client, exported.content, "updates.xlsx")
    assert previewed.context["result"].totals["skip"] == 3
    confirm(client, previewed)

    assert (Update.objects.count(), Update.history.count()) == before


def test_the_template_downloads_from_the_admin_and_its_example_imports(imported, editor):
    client = client_for(editor)

    response = client.get(TEMPLATE_URL)

    assert response.status_code == 200
    assert 'filename="follow-up-import-template-' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book["Updates"][1]] == IMPORT_COLUMNS
    previewed = preview(client, response.content, "template.xlsx")
    assert previewed.context["result"].totals["new"] == 1
    confirm(client, previewed)
    assert Update.objects.get().publication_state == PublicationState.DRAFT


def test_the_buttons_are_on_the_changelists(imported, editor):
    client = client_for(editor)

    updates = client.get(UPDATES_URL).content.decode()
    recommendations = client.get(
        reverse("admin:recommendations_recommendation_changelist")
    ).content.decode()

    for url in (IMPORT_URL, reverse("admin:recommendations_update_export"), TEMPLATE_URL):
        assert re.search(f"href=[\"']{url}", updates), url
    for url in (EXPORT_URL, IMPORT_URL, TEMPLATE_URL):
        assert re.search(f"href=[\"']{url}", recommendations), url
    assert "Import a summary report" in recommendations
    import_page = client.get(IMPORT_URL).content.decode()
    assert TEMPLATE_URL in import_page
    assert "nothing is imported" in import_page


def test_staff_who_cannot_create_updates_cannot_import(imported):
    viewer = get_user_model().objects.create_user("vic", password="x", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_update", "view_recommendation"])
    )
    client = client_for(viewer)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403
    assert client.post(CONFIRM_URL, {}).status_code == 403
    assert IMPORT_URL not in client.get(UPDATES_URL).content.decode()
    # Seeing is enough to export.
    assert export(client, EXPORT_URL, RecommendationStatusResource).status_code == 200


def test_a_focal_point_imports_through_the_admin_only_for_their_organization(imported):
    ilo = Organization.objects.get(acronym="ILO")
    partner = make_staff("parvati", workflow.FOCAL_POINT, organization=ilo)
    first, second = Recommendation.objects.in_document_order()[:2]
    content = csv_file(
        [
            [first.public_id, "planned", "2025-01-31", "PH", "Done.", ""],
            [second.public_id, "planned", "2025-01-31", "PH", "Done.", "IOM"],
        ]
    )
    client = client_for(partner)

    refused = preview(client, content, "ours.csv", CSV_FORMAT)

    assert "confirm_form" not in refused.context
    (invalid,) = refused.context["result"].invalid_rows
    assert invalid.number == 2
    assert "only on behalf of your own organization" in refused.content.decode()

    accepted = preview(client, content.replace(b",IOM", b",ILO"), "ours.csv", CSV_FORMAT)
    confirm(client, accepted)
    assert set(Update.objects.values_list("reported_by", "publication_state")) == {
        (ilo.pk, PublicationState.DRAFT)
    }
    # A focal point cannot publish: the bulk action is not offered.
    listing = client.get(UPDATES_URL).content.decode()
    assert 'value="publish"' not in listing
