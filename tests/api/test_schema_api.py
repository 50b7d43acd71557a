"""The OpenAPI schema: valid OpenAPI 3, every parameter, field and error documented."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.usefixtures("data")

ERRORS = {"400", "401", "403", "404", "429"}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi"})
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_schema_validates_without_warnings():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null", stdout=out, stderr=err
    )
    assert "Warning" not in err.getvalue() + out.getvalue()
    assert "Error" not in err.getvalue() + out.getvalue()


WRITES = {("/api/v1/updates/", "post"), ("/api/v1/updates/{id}/", "patch")}


def reads(schema: dict):
    for path, method, operation in operations(schema):
        if (path, method) not in WRITES:
            yield path, method, operation


def test_every_endpoint_is_documented_and_only_updates_are_written(schema):
    paths = set(schema["paths"])
    for prefix in (
        "recommendations",
        "challenges",
        "good-practices",
        "objectives",
        "clusters",
        "principles",
        "stakeholder-groups",
        "addressees",
        "reviews",
        "consultations",
        "source-documents",
        "organizations",
        "updates",
    ):
        assert {f"/api/v1/{prefix}/", f"/api/v1/{prefix}/{{id}}/"} <= paths
    assert "/api/v1/changes/" in paths
    assert "/api/v1/changes/{id}/" not in paths
    writes = {(path, method) for path, method, _op in operations(schema) if method != "get"}
    assert writes == WRITES
    assert len(list(operations(schema))) == 29


def test_write_operations_document_their_bodies_and_errors(schema):
    for path, method in WRITES:
        operation = schema["paths"][path][method]
        body = operation["requestBody"]
        assert list(body["content"]) == ["application/json"]
        assert body["content"]["application/json"]["examples"]
        success = "201" if method == "post" else "200"
        assert {success, "400", "401", "403", "415", "429"} <= set(operation["responses"])
        for status in ("400", "401", "403", "415"):
            assert operation["responses"][status]["content"]["application/json"]["examples"]
        assert operation["responses"][success]["content"]["application/json"]["examples"]
        assert operation["security"] == [{"PartnerAPIKey": []}]
    components = schema["components"]["schemas"]
    for name in ("UpdateInput", "PatchedUpdateChange", "EvidenceInput"):
        assert components[name]["additionalProperties"] is False, name


def test_every_error_response_is_documented_with_an_example(schema):
    for path, _method, operation in reads(schema):
        responses = operation["responses"]
        assert ERRORS | {"200", "304"} <= set(responses), path
        for status in ERRORS:
            content = responses[status]["content"]
            assert list(content) == ["application/json"], (path, status)
            assert content["application/json"]["examples"], (path, status)
            assert responses[status]["description"]
        assert responses["429"]["headers"]["Retry-After"]["required"] is True
        assert responses["200"]["headers"]["ETag"]["required"] is True


def test_item_operations_offer_csv_and_last_modified(schema):
    for path, _method, operation in reads(schema):
        is_item = path.split("/")[3] in {
            "recommendations",
            "challenges",
            "good-practices",
            "updates",
        }
        content = operation["responses"]["200"]["content"]
        assert ("text/csv" in content) is is_item, path
        assert ("Last-Modified" in operation["responses"]["200"]["headers"]) is is_item, path


def test_every_parameter_is_described(schema):
    for path, _method, operation in operations(schema):
        for parameter in operation["parameters"]:
            assert parameter.get("description"), (path, parameter["name"])
            if parameter["in"] in ("query", "path"):
                assert "example" in parameter or "examples" in parameter, (path, parameter["name"])


def test_lists_document_paging_format_and_the_filters(schema):
    names = {
        parameter["name"]
        for parameter in schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
    }
    assert {
        "page",
        "page_size",
        "format",
        "objective",
        "cluster",
        "review",
        "consultation",
        "principle",
        "addressed_to",
        "conclusion",
        "covid",
        "q",
        "updated_since",
        "ordering",
        "status",
        "stale",
        "country",
        "If-None-Match",
        "If-Modified-Since",
    } == names
    objective = next(
        parameter
        for parameter in schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
        if parameter["name"] == "objective"
    )
    assert objective["schema"]["items"]["enum"] == [str(n) for n in range(1, 24)]
    assert objective["explode"] is True


def test_slug_filters_list_the_values_they_accept(schema):
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
    }
    assert parameters["review"]["schema"]["enum"] == ["asia-pacific-2020-21"]
    assert "none" in parameters["consultation"]["schema"]["enum"]
    assert len(parameters["principle"]["schema"]["enum"]) == 10


def _properties(schema: dict):
    for name, component in schema["components"]["schemas"].items():
        for field, definition in component.get("properties", {}).items():
            yield name, field, definition


def test_every_field_is_described(schema):
    undocumented = [
        (name, field)
        for name, field, definition in _properties(schema)
        if not definition.get("description")
    ]
    assert undocumented == []


def test_the_partner_key_is_the_security_scheme(schema):
    scheme = schema["components"]["securitySchemes"]["PartnerAPIKey"]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": scheme["description"],
    }
    for _path, _method, operation in reads(schema):
        assert operation["security"] == [{"PartnerAPIKey": []}, {}]


def test_the_documentation_pages_answer(client):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"cdn" not in response.content.lower()
    assert client.get("/api/docs/?script").status_code == 200
