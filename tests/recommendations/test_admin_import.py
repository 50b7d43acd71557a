"""Staff import a report from the admin: upload, preview (nothing written), confirm."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations.models import SourceDocument
from recommendations.models import Recommendation
from recommendations.services import DEFAULT_REPORT
from tests.recommendations.conftest import REPORT

pytestmark = pytest.mark.django_db

URL = reverse("admin:recommendations_recommendation_import_report")
CURATION = (DEFAULT_REPORT / "curation.toml").read_bytes()


def upload(report: bytes = REPORT.encode(), curation: bytes | None = CURATION, **fields):
    data = {"report": SimpleUploadedFile("report.md", report), **fields}
    if curation is not None:
        data["curation"] = SimpleUploadedFile("curation.toml", curation)
    return data


def test_the_changelist_links_to_the_import(alice_client):
    page = alice_client.get(reverse("admin:recommendations_recommendation_changelist"))
    assert URL in page.content.decode()
    assert alice_client.get(URL).status_code == 200


def test_preview_then_confirm(alice_client):
    preview = alice_client.post(URL, upload())
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "Nothing has been written yet" in content
    assert "Total: 35 challenges, 25 good practices, 44 recommendations" in content
    assert "recommendation 22(h)" in content
    assert SourceDocument.objects.count() == 0

    confirmed = alice_client.post(URL, {"action": "confirm"}, follow=True)
    assert confirmed.redirect_chain[-1][0] == reverse(
        "admin:recommendations_recommendation_changelist"
    )
    assert (
        "Total: 35 challenges, 25 good practices, 44 recommendations" in confirmed.content.decode()
    )
    assert Recommendation.objects.count() == 44


def test_the_admin_changelists_count_what_the_document_holds(alice_client, imported):
    expected = {"challenge": 35, "goodpractice": 25, "recommendation": 44}
    for model_name, count in expected.items():
        changelist = alice_client.get(reverse(f"admin:recommendations_{model_name}_changelist"))
        assert changelist.context["cl"].result_count == count, model_name
        assert changelist.context["cl"].full_result_count == count, model_name


def test_preview_shows_field_changes_of_a_corrected_report(alice_client, imported):
    corrected = REPORT.replace("vulnerabilities created by high", "vulnerabilities caused by high")
    preview = alice_client.post(URL, upload(corrected.encode()))
    content = preview.content.decode()
    assert "recommendation 17(b): text" in content
    assert "caused by high recruitment fees" in content
    assert "created by high" in Recommendation.objects.get(reference="17(b)").text


def test_a_correction_that_breaks_a_curation_quote_is_refused(alice_client, imported):
    corrected = REPORT.replace("high recruitment fees", "excessive recruitment fees", 1)
    response = alice_client.post(URL, upload(corrected.encode()))
    assert "the quote for objective 6 is not in the text" in response.content.decode()


def test_a_malformed_report_is_a_form_error_naming_the_line(alice_client):
    broken = REPORT.replace("(k) Digital technologies", "(j) Digital technologies")
    response = alice_client.post(URL, upload(broken.encode()))
    assert response.status_code == 200
    content = response.content.decode()
    assert "item (j) appears twice" in content
    assert "line 233" in content
    assert SourceDocument.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(alice_client):
    response = alice_client.post(URL, upload("caf\xe9".encode("latin-1")))
    assert "is not UTF-8 text" in response.content.decode()


def test_a_curation_problem_is_shown_on_the_form(alice_client):
    broken = CURATION.replace(b'[recommendations."17(b)"]', b'[recommendations."17(z)"]')
    response = alice_client.post(URL, upload(curation=broken))
    assert "the report has no recommendation 17(z)" in response.content.decode()


def test_confirm_without_a_preview_imports_nothing(alice_client):
    response = alice_client.post(URL, {"action": "confirm"}, follow=True)
    assert "The preview has expired" in response.content.decode()
    assert SourceDocument.objects.count() == 0


def test_staff_without_permission_cannot_import(client):
    clerk = get_user_model().objects.create_user("clerk", password="x" * 12, is_staff=True)
    client.force_login(clerk)
    assert client.get(URL).status_code == 403
    assert client.post(URL, upload()).status_code == 403
    assert SourceDocument.objects.count() == 0
