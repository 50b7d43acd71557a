"""The last steps of the schema's generation: list examples as pages, OpenAPI links, and
an example for every component property, read from the operations' examples (so that
property and response examples never disagree; they come from gcm_review/api/examples.py).

Links say which field of an answer is the ``id`` another endpoint takes: from each list to
its records, from a record to the records it names. They guide partners, and schemathesis'
stateful phase follows them (tests/api/test_schemathesis.py).
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext_lazy as _

JSON = "application/json"


PAGE_KEYS = {"count", "next", "previous", "results"}

# Links from a record to the records it names, beside each list's link to its records: they
# tell partners (and schemathesis' stateful phase) which field feeds which endpoint.
# operationId -> link name -> (target operationId, parameters, description)
RECORD_LINKS: dict[str, dict[str, tuple[str, dict[str, str], str]]] = {
    "recommendations_retrieve": {
        "challenge": (
            "challenges_retrieve",
            {"path.id": "$response.body#/challenges/0/id"},
            _("The first challenge it answers."),
        ),
        "good_practice": (
            "good_practices_retrieve",
            {"path.id": "$response.body#/good_practices/0/id"},
            _("The first good practice that supports it."),
        ),
        "updates": (
            "updates_list",
            {"query.recommendation": "$response.body#/id"},
            _("Its published follow-up updates (as `updates_url` gives them)."),
        ),
    },
    "challenges_retrieve": {
        "recommendation": (
            "recommendations_retrieve",
            {"path.id": "$response.body#/recommendations/0/id"},
            _("The first recommendation that answers it."),
        ),
    },
    "good_practices_retrieve": {
        "recommendation": (
            "recommendations_retrieve",
            {"path.id": "$response.body#/recommendations/0/id"},
            _("The first recommendation it supports."),
        ),
    },
    "updates_retrieve": {
        "recommendation": (
            "recommendations_retrieve",
            {"path.id": "$response.body#/recommendation/id"},
            _("The recommendation it follows up."),
        ),
        "reported_by": (
            "organizations_retrieve",
            {"path.id": "$response.body#/reported_by/id"},
            _("The organization that reported it."),
        ),
    },
    "objectives_retrieve": {
        "cluster": (
            "clusters_retrieve",
            {"path.id": "$response.body#/cluster"},
            _("Its review cluster."),
        ),
    },
    "clusters_retrieve": {
        "objective": (
            "objectives_retrieve",
            {"path.id": "$response.body#/objectives/0"},
            _("The first objective it reviews."),
        ),
    },
    "consultations_retrieve": {
        "review": (
            "reviews_retrieve",
            {"path.id": "$response.body#/review"},
            _("The review it was held for."),
        ),
        "source_document": (
            "source_documents_retrieve",
            {"path.id": "$response.body#/source_document/id"},
            _("The document that reports on it."),
        ),
        "co_organizer": (
            "organizations_retrieve",
            {"path.id": "$response.body#/co_organizers/0/organization"},
            _("Its first co-organizer."),
        ),
    },
    "reviews_retrieve": {
        "consultation": (
            "consultations_retrieve",
            {"path.id": "$response.body#/consultations/0/id"},
            _("Its first consultation."),
        ),
        "source_document": (
            "source_documents_retrieve",
            {"path.id": "$response.body#/source_documents/0/id"},
            _("Its first source document."),
        ),
    },
    "source_documents_retrieve": {
        "review": (
            "reviews_retrieve",
            {"path.id": "$response.body#/review"},
            _("The review it belongs to."),
        ),
    },
}


def _operations(result: dict[str, Any]) -> Any:
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            yield path, method, operation


def _examples(operation: dict[str, Any]) -> Any:
    """(schema, example) of every JSON example of the operation's body and responses."""
    contents = [operation.get("requestBody", {}).get("content", {})]
    contents += [response.get("content", {}) for response in operation["responses"].values()]
    for content in contents:
        media = content.get(JSON, {})
        for example in media.get("examples", {}).values():
            if "value" in example:
                yield media.get("schema", {}), example


def _is_page(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == PAGE_KEYS


def unwrap_page_examples(result: dict[str, Any]) -> dict[str, Any]:
    """A list's example is already a page (``read_examples``): undo drf-spectacular's
    wrapping of it in another."""
    for _path, _method, operation in _operations(result):
        for _schema, example in _examples(operation):
            value = example["value"]
            if _is_page(value) and len(value["results"]) == 1 and _is_page(value["results"][0]):
                example["value"] = value["results"][0]
    return result


def link_operations(result: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI links: from each list to its records, and from records to what they name."""
    operation_ids = {operation["operationId"] for _p, _m, operation in _operations(result)}

    def link(operation: dict[str, Any], name: str, target: str, parameters: Any, text: Any) -> None:
        if target in operation_ids:
            links = operation["responses"]["200"].setdefault("links", {})
            links[name] = {
                "operationId": target,
                "parameters": parameters,
                "description": str(text),
            }

    for path, method, operation in _operations(result):
        if method != "get" or "200" not in operation["responses"]:
            continue
        record = result["paths"].get(f"{path}{{id}}/", {}).get("get")
        if record is not None:
            link(
                operation,
                "record",
                record["operationId"],
                {"path.id": "$response.body#/results/0/id"},
                _("The first record of the page, by its `id`."),
            )
        for name, (target, parameters, text) in RECORD_LINKS.get(
            operation["operationId"], {}
        ).items():
            link(operation, name, target, parameters, text)
    return result


def _component(schema: dict[str, Any]) -> str | None:
    reference = schema.get("$ref", "")
    prefix = "#/components/schemas/"
    return reference[len(prefix) :] if reference.startswith(prefix) else None


def _collect(
    value: Any,
    schema: dict[str, Any],
    components: dict[str, Any],
    found: dict[str, dict[str, list[Any]]],
) -> None:
    """Record, for every component ``value`` (an example) holds, its property values."""
    if value is None:
        return
    name = _component(schema)
    if name is not None:
        component = components.get(name, {})
        if isinstance(value, dict):
            for key, item in value.items():
                if key in component.get("properties", {}):
                    found.setdefault(name, {}).setdefault(key, []).append(item)
        _collect(value, component, components, found)
        return
    for keyword in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(keyword, []):
            _collect(value, part, components, found)
    if isinstance(value, list) and "items" in schema:
        for item in value:
            _collect(item, schema["items"], components, found)
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in properties:
                _collect(item, properties[key], components, found)
            elif isinstance(extra, dict):
                _collect(item, extra, components, found)


def fill_property_examples(result: dict[str, Any]) -> dict[str, Any]:
    """Give every component property the value the operations' examples show for it (the
    first that is not null), so that property and response examples never disagree."""
    components = result.get("components", {}).get("schemas", {})
    found: dict[str, dict[str, list[Any]]] = {}
    for _path, _method, operation in _operations(result):
        for schema, example in _examples(operation):
            _collect(example["value"], schema, components, found)
    for name, component in components.items():
        for key, definition in component.get("properties", {}).items():
            values = found.get(name, {}).get(key)
            if values:
                value = next((value for value in values if value is not None), None)
                definition["example"] = copy.deepcopy(value)
    return result


def complete_examples_and_links(result: dict[str, Any]) -> dict[str, Any]:
    return fill_property_examples(link_operations(unwrap_page_examples(result)))
