"""Exports hold exactly the filtered list's rows, with the documented columns."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django.http import FileResponse, StreamingHttpResponse
from openpyxl import load_workbook

from recommendations import exports
from recommendations.exports import COLUMNS, columns_for
from recommendations.models import Challenge, Recommendation
from tests.factories import make_consultation, make_recommendation

pytestmark = pytest.mark.django_db

QUERIES = [
    {},
    {"objective": "20"},
    {"objective": ["6", "7"], "cluster": "1"},
    {"q": "data", "ordering": "-reference"},
    {"consultation": "none"},
]


def body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def listed(client, params) -> list[str]:
    response = client.get("/recommendations/", {**params, "page_size": 100})
    return [
        f"escap-gcm-2021-crp-2-recommendation-{slug}"
        for slug in re.findall(
            r'<h3><a href="/recommendations/escap-gcm-2021-crp-2/([0-9a-z-]+)/">',
            response.content.decode(),
        )
    ]


@pytest.mark.parametrize("params", QUERIES)
def test_csv_has_the_list_rows_in_order_and_round_trips(client, imported, params):
    response = client.get("/recommendations/export.csv", params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    raw = body(response)
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 with a byte-order mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["id"] for row in rows] == listed(client, params)
    if rows:
        assert list(rows[0]) == [c.name for c in columns_for(Recommendation)]


def test_csv_values_are_readable(client, imported):
    rows = list(
        csv.DictReader(
            io.StringIO(
                body(client.get("/recommendations/export.csv", {"objective": 20})).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    remittances = next(row for row in rows if row["reference"] == "27(f)")
    assert remittances["objectives"] == "20"
    assert remittances["objective_labels"] == "Remittances"
    assert remittances["consultation_date"] == "2020-12-16"
    assert remittances["permalink"] == "http://testserver/recommendations/escap-gcm-2021-crp-2/27f/"
    assert remittances["citation"].endswith(
        "para. 27(f). http://testserver/recommendations/escap-gcm-2021-crp-2/27f/"
    )
    assert remittances["licence"] == "CC BY 4.0"
    several = next(row for row in rows if row["reference"] == "27(b)")
    assert several["objectives"] == "16; 20"


@pytest.mark.parametrize("params", QUERIES)
def test_xlsx_has_the_same_rows(client, imported, params):
    response = client.get("/recommendations/export.xlsx", params)
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [c.name for c in columns_for(Recommendation)]
    assert [row[0] for row in values[1:]] == listed(client, params)
    about = list(workbook["about"].iter_rows(values_only=True))
    meta = dict(row[:2] for row in about[: about.index(next(r for r in about if not any(r)))])
    assert meta["licence"] == "CC BY 4.0"
    assert ("citation", "A ready citation of the record.") in [tuple(r[:2]) for r in about]


def test_the_xlsx_is_streamed_from_a_file_that_spills_to_disk(client, imported, monkeypatch):
    response = client.get("/recommendations/export.xlsx")
    assert isinstance(response, FileResponse)
    assert response.streaming
    assert int(response["Content-Length"]) == len(body(response))
    assert "attachment" in response["Content-Disposition"]
    # Past the threshold the workbook is on disk, not in the server's memory.
    queryset = Recommendation.objects.public().for_export()
    small = exports.xlsx_file(queryset, "http://testserver/", meta={})
    assert not small._rolled
    monkeypatch.setattr(exports, "XLSX_SPOOL_BYTES", 1024)
    spilled = exports.xlsx_file(queryset, "http://testserver/", meta={})
    assert spilled._rolled
    for file in (small, spilled):
        sheet = load_workbook(file, read_only=True).worksheets[0]
        assert len(list(sheet.iter_rows(values_only=True))) == 1 + 44
        file.close()


def test_xlsx_text_stays_text(client):
    make_recommendation(consultation=make_consultation(), text='=HYPERLINK("http://x","y")')
    workbook = load_workbook(io.BytesIO(body(client.get("/recommendations/export.xlsx"))))
    sheet = workbook.worksheets[0]
    column = [c.name for c in columns_for(Recommendation)].index("text") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("params", QUERIES)
def test_json_has_the_same_rows(client, imported, params):
    data = json.loads(body(client.get("/recommendations/export.json", params)))
    assert data["meta"]["licence"] == "CC BY 4.0"
    assert [row["id"] for row in data["results"]] == listed(client, params)
    if data["results"]:
        assert list(data["results"][0]) == [c.name for c in columns_for(Recommendation)]


def test_challenge_exports_have_no_recommendation_columns(client, imported):
    rows = list(
        csv.reader(io.StringIO(body(client.get("/challenges/export.csv")).decode("utf-8-sig")))
    )
    assert "addressed_to" not in rows[0]
    assert len(rows) == 1 + Challenge.objects.count()


def test_export_with_a_bad_filter_matches_the_list_fallback(client, imported):
    rows = list(
        csv.reader(
            io.StringIO(
                body(
                    client.get("/recommendations/export.csv", {"objective": "99", "cluster": "3"})
                ).decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 1 + 8


def test_unknown_export_format_is_404(client, imported):
    assert client.get("/recommendations/export.pdf").status_code == 404


def test_the_columns_are_documented_on_the_data_page(client, imported):
    content = client.get("/data/").content.decode()
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in content
    assert "CC BY 4.0" in content


def test_the_data_package(client, imported):
    response = client.get("/data/gcm-review-tracker.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    package = json.loads(archive.read("gcm-review-tracker/datapackage.json"))
    assert package["profile"] == "tabular-data-package"
    assert package["licenses"][0]["name"] == "CC BY 4.0"
    for resource in package["resources"]:
        assert f"gcm-review-tracker/{resource['path']}" in names
        if resource["format"] == "csv":
            rows = list(
                csv.DictReader(
                    io.StringIO(
                        archive.read(f"gcm-review-tracker/{resource['path']}").decode("utf-8-sig")
                    )
                )
            )
            assert [f["name"] for f in resource["schema"]["fields"]] == list(rows[0])
            expected = {"recommendations": 44, "challenges": 35, "good-practices": 25}[
                resource["name"]
            ]
            assert len(rows) == expected
            booleans = [f["name"] for f in resource["schema"]["fields"] if f["type"] == "boolean"]
            assert all(row[name] in ("true", "false") for row in rows for name in booleans)
    assert "Licence: CC BY 4.0" in archive.read("gcm-review-tracker/README.md").decode()


def test_exports_and_package_leave_out_drafts(client, imported):
    Recommendation.objects.filter(reference="27(f)").update(publication_state="draft")
    csv_rows = body(client.get("/recommendations/export.csv")).decode("utf-8-sig")
    assert "27(f)" not in csv_rows
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get("/data/gcm-review-tracker.zip").streaming_content))
    )
    assert "27(f)" not in archive.read("gcm-review-tracker/recommendations.csv").decode("utf-8-sig")
