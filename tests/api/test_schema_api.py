"""The OpenAPI schema: valid OpenAPI 3, every parameter, field and error documented."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import call_command
from jsonschema import Draft202012Validator, FormatChecker

from gcm_review.api.examples import UPDATE_ID
from tests.factories import make_update

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


def test_every_read_but_the_changes_offers_csv_and_items_last_modified(schema):
    for path, _method, operation in reads(schema):
        kind = path.split("/")[3]
        content = operation["responses"]["200"]["content"]
        assert ("text/csv" in content) is (kind != "changes"), path
        headers = operation["responses"]["200"]["headers"]
        is_item = kind in {"recommendations", "challenges", "good-practices", "updates"}
        assert ("Last-Modified" in headers) is is_item, path


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


def test_every_field_is_described_with_an_example(schema):
    undocumented = [
        (name, field)
        for name, field, definition in _properties(schema)
        if not definition.get("description") or "example" not in definition
    ]
    assert undocumented == []
    assert len(list(_properties(schema))) > 250


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


# Examples ----------------------------------------------------------------------------------

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(datetime.datetime.fromisoformat(value).tzinfo)


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def json_schema(schema: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable`` becomes a null alternative."""
    if not isinstance(schema, dict):
        return schema
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "nullable":
            continue
        if key == "properties":
            converted[key] = {name: json_schema(part) for name, part in value.items()}
        elif key in ("allOf", "anyOf", "oneOf"):
            converted[key] = [json_schema(part) for part in value]
        elif key in ("items", "additionalProperties", "not"):
            converted[key] = json_schema(value)
        else:
            converted[key] = value
    return {"anyOf": [{"type": "null"}, converted]} if schema.get("nullable") else converted


def validator(schema: dict, part: dict) -> Draft202012Validator:
    components = {
        name: json_schema(component) for name, component in schema["components"]["schemas"].items()
    }
    # The components ride along so that "#/components/schemas/..." resolves as in the schema.
    root = {**json_schema(part), "components": {"schemas": components}}
    return Draft202012Validator(root, format_checker=FORMATS)


def json_examples(schema: dict):
    """(where, schema, value) of every JSON example of every body and response."""
    for path, method, operation in operations(schema):
        bodies = {"request": operation.get("requestBody", {})}
        bodies.update(operation["responses"])
        for status, body in bodies.items():
            media = body.get("content", {}).get("application/json", {})
            for name, example in media.get("examples", {}).items():
                yield (path, method, status, name), media["schema"], example["value"]


def test_every_json_200_answer_of_a_read_has_an_example(schema):
    for path, _method, operation in reads(schema):
        media = operation["responses"]["200"]["content"]["application/json"]
        assert media.get("examples"), path


def test_every_example_validates_against_its_schema(schema):
    seen = 0
    for where, part, value in json_examples(schema):
        errors = [error.message for error in validator(schema, part).iter_errors(value)]
        assert errors == [], where
        seen += 1
    assert seen > 60


def test_every_property_example_validates_against_the_property(schema):
    for name, field, definition in _properties(schema):
        errors = list(validator(schema, definition).iter_errors(definition["example"]))
        assert errors == [], (name, field)


def test_the_examples_really_fail_on_a_wrong_shape(schema):
    """The validation above is not vacuous: a record with a wrong type is refused."""
    media = schema["paths"]["/api/v1/recommendations/{id}/"]["get"]["responses"]["200"]
    media = media["content"]["application/json"]
    record = next(iter(media["examples"].values()))["value"]
    check = validator(schema, media["schema"])
    assert check.is_valid(record)
    assert not check.is_valid({**record, "objectives": ["six"]})
    assert not check.is_valid({**record, "url": "not a link"})
    assert not check.is_valid({**record, "consultation": {**record["consultation"], "date": 1}})


def shape_differences(example: Any, real: Any, where: str = "") -> list[str]:
    """Where an example departs from a real answer: keys (and their order), types. A null
    or an empty list stands for any value, as an example shows one case."""
    if example is None or real is None or example == [] or real == []:
        return []
    if isinstance(example, dict) and isinstance(real, dict):
        if list(example) != list(real):
            return [f"{where}: keys {list(example)} != {list(real)}"]
        return [
            problem
            for key in example
            for problem in shape_differences(example[key], real[key], f"{where}/{key}")
        ]
    if isinstance(example, list) and isinstance(real, list):
        return shape_differences(example[0], real[0], f"{where}/0")
    if type(example) is not type(real):
        return [f"{where}: {type(example).__name__} != {type(real).__name__}"]
    return []


def test_the_examples_have_the_shape_of_the_real_answers(schema, client, rec_17b, org_a):
    """Each read's example against what the endpoint answers for the same record (the
    update of the examples, made here) or the same list."""
    make_update(recommendation=rec_17b, reported_by=org_a, public_id=UPDATE_ID)
    checked = 0
    for path, _method, operation in reads(schema):
        media = operation["responses"]["200"]["content"]["application/json"]
        example = next(iter(media["examples"].values()))["value"]
        if "{id}" in path:
            url = path.replace("{id}", str(example["id"]))
        elif path == "/api/v1/changes/":
            url = f"{path}?since=2000-01-01"
        else:
            url = path
        response = client.get(url)
        assert response.status_code == 200, url
        assert shape_differences(example, response.json()) == [], url
        checked += 1
    assert checked == 27


def test_the_recommendation_example_is_the_contract(schema):
    from tests.api.test_recommendations_api import CONTRACT_17B

    media = schema["paths"]["/api/v1/recommendations/{id}/"]["get"]["responses"]["200"]
    example = next(iter(media["content"]["application/json"]["examples"].values()))["value"]
    # The contract's record, served at gcm.example.org, with the follow-up update of the
    # update examples (the default dataset has none).
    contract = {
        key: value.replace("http://testserver", "https://gcm.example.org")
        if isinstance(value, str)
        else value
        for key, value in CONTRACT_17B.items()
    }
    for key in ("challenges", "good_practices"):
        contract[key] = [
            {**link, "url": link["url"].replace("http://testserver", "https://gcm.example.org")}
            for link in CONTRACT_17B[key]
        ]
    differing = {key for key in contract if example[key] != contract[key]}
    assert differing == {"status"}
    assert example["status"]["by_country"][0]["country"] == "PH"


# Links -------------------------------------------------------------------------------------


def pointer(value: Any, expression: str) -> Any:
    for part in expression.removeprefix("$response.body#/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def test_lists_link_to_their_records_and_records_to_what_they_name(schema):
    operation_ids = {operation["operationId"]: path for path, _m, operation in operations(schema)}
    linked = 0
    for path, _method, operation in reads(schema):
        response = operation["responses"]["200"]
        links = response.get("links", {})
        if path.endswith("/") and "{id}" not in path and path != "/api/v1/changes/":
            assert operation_ids[links["record"]["operationId"]] == f"{path}{{id}}/", path
        example = next(iter(response["content"]["application/json"]["examples"].values()))
        for name, link in links.items():
            target = operation_ids[link["operationId"]]
            for parameter, expression in link["parameters"].items():
                location, _dot, parameter_name = parameter.partition(".")
                declared = {
                    (p["in"], p["name"]) for p in schema["paths"][target]["get"]["parameters"]
                }
                assert (location, parameter_name) in declared, (path, name)
                # The expression finds a value in the example: it names a real field.
                assert pointer(example["value"], expression) is not None, (path, name)
            linked += 1
    assert linked >= 28


# The documentation pages -------------------------------------------------------------------

SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""", re.I)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')\s]*)|@import\s+["']([^"']*)""", re.I)
# What a script would load: a src or href it sets, a url() of CSS it writes, an import.
# Case-sensitive: JavaScript's new URL("https://" + host) builds an address, loads nothing.
JS_LOAD = re.compile(
    r"""\b(?:src|href)\s*[:=]\s*["'`]((?:https?:)?//[^"'`]*)"""
    r"""|\burl\(\s*["']?((?:https?:)?//[^"')\s]*)"""
    r"""|@import\s+["']((?:https?:)?//[^"']*)"""
)
# ReDoc writes these two into its sidebar ("API docs by Redocly"): the link loads nothing;
# the logo is an image the Content-Security-Policy (img-src 'self' data:) keeps the browser
# from fetching. Anything else a bundle points to outside the site fails the test.
REDOC_CREDIT = {"https://redocly.com/redoc/", "https://cdn.redoc.ly/redoc/logo-mini.svg"}


def foreign(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.scheme in ("http", "https") or url.startswith("//")) and (
        parts.netloc != "testserver"
    )


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


def test_the_documentation_pages_load_nothing_from_elsewhere(client):
    bundle_links: set[str] = set()
    for page in ("/api/docs/", "/api/redoc/"):
        response = client.get(page)
        assert response.status_code == 200
        html = body(response)
        for script in SCRIPT.finditer(html):
            assert "src=" in script["attributes"], page
            assert not script["body"].strip(), page
        found = ATTRIBUTE.findall(html) + [url for pair in CSS_URL.findall(html) for url in pair]
        assert [url for url in found if url and foreign(url)] == [], page
        assert "googleapis" not in html
        assert "gstatic" not in html
        for url in ATTRIBUTE.findall(html):
            if not url.endswith((".js", ".css")) and "script" not in url:
                continue
            asset = client.get(url)
            assert asset.status_code == 200, url
            text = body(asset)
            if url.endswith(".css"):
                loads = [url for pair in CSS_URL.findall(text) for url in pair]
                assert [url for url in loads if url and foreign(url)] == [], url
            else:
                bundle_links |= {url for group in JS_LOAD.findall(text) for url in group if url}
        policy = response["Content-Security-Policy"]
        assert "img-src 'self' data:;" in policy + ";"
        assert "script-src 'self';" in policy + ";"
    assert {url for url in bundle_links if foreign(url)} <= REDOC_CREDIT


def test_swagger_ui_runs_without_its_online_validator(client):
    # The validator badge (an image from validator.swagger.io) belongs to Swagger UI's
    # StandaloneLayout; drf-spectacular's script starts the BaseLayout, which has none.
    script = body(client.get("/api/docs/?script"))
    assert 'layout: "BaseLayout"' in script
    assert "validator.swagger.io" not in script


def test_a_record_id_is_documented_as_the_endpoints_read_it(schema, client):
    # A `.` is read as a format suffix, so no id has one.
    for path, _method, operation in reads(schema):
        if "{id}" in path:
            (parameter,) = [p for p in operation["parameters"] if p["name"] == "id"]
            kind = parameter["schema"].get("pattern") or parameter["schema"].get("format")
            assert kind in ("^[-a-zA-Z0-9_]{1,150}$", "uuid") or (
                parameter["schema"]["type"] == "integer"
            ), path
    suffixed = client.get("/api/v1/organizations/migrant-forum-asia.csv/")
    assert suffixed["Content-Type"] == "text/csv; charset=utf-8"


def test_long_vocabularies_are_named_not_listed(client, monkeypatch):
    from gcm_review.api import schema

    monkeypatch.setattr(schema, "MAX_SCHEMA_ENUM", 3)
    document = client.get("/api/schema/", {"format": "json"}).json()
    parameters = {
        parameter["name"]: parameter
        for parameter in document["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
    }
    assert "enum" not in parameters["consultation"]["schema"]  # 4 consultations: too many
    assert parameters["review"]["schema"]["enum"] == ["asia-pacific-2020-21"]
