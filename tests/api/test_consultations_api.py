"""The framework, reviews, source documents, organizations and consultations
(consultations/api): public reference data, identified without database keys."""

from __future__ import annotations

import re

import pytest

from consultations.api.organizations import organization_slugs
from consultations.models import Organization
from tests.factories import make_organization

pytestmark = pytest.mark.usefixtures("data")


def all_results(client, url):
    page = client.get(url, {"page_size": 100}).json()
    return page["count"], page["results"]


def test_objectives_are_identified_by_number(client):
    count, objectives = all_results(client, "/api/v1/objectives/")
    assert count == 23
    assert [objective["id"] for objective in objectives] == list(range(1, 24))
    six = client.get("/api/v1/objectives/6/").json()
    assert six == {
        "id": 6,
        "title": (
            "Facilitate fair and ethical recruitment and safeguard conditions that ensure "
            "decent work"
        ),
        "short_label": "Fair recruitment and decent work",
        "slug": "fair-recruitment-decent-work",
        "cluster": 1,
        "html_url": "http://testserver/objectives/6/",
        "url": "http://testserver/api/v1/objectives/6/",
    }
    assert client.get("/api/v1/objectives/24/").status_code == 404
    assert client.get("/api/v1/objectives/six/").status_code == 404


def test_clusters_list_their_objectives(client):
    count, clusters = all_results(client, "/api/v1/clusters/")
    assert count == 4
    assert sorted(n for cluster in clusters for n in cluster["objectives"]) == list(range(1, 24))


def test_principles_and_stakeholder_groups_by_slug(client):
    principle = client.get("/api/v1/principles/gender-responsive/").json()
    assert principle["compact_paragraph"] == "15(g)"
    count, groups = all_results(client, "/api/v1/stakeholder-groups/")
    assert count > 5
    assert client.get(groups[0]["url"]).json() == groups[0]


def test_a_consultation_with_its_organizers_and_participants(client):
    consultation = client.get("/api/v1/consultations/asia-pacific-2020-21-1/").json()
    assert consultation["review"] == "asia-pacific-2020-21"
    assert consultation["cluster"] == 1
    assert consultation["html_url"] == "http://testserver/consultations/asia-pacific-2020-21-1/"
    assert consultation["source_document"]["id"] == "escap-gcm-2021-crp-2"
    organizer = consultation["co_organizers"][0]
    assert set(organizer) == {"organization", "name", "countries"}
    assert (
        client.get(f"/api/v1/organizations/{organizer['organization']}/").json()["name"]
        == (organizer["name"])
    )
    for share in consultation["participant_shares"]:
        assert 1 <= share["percent"] <= 100
        for group in share["stakeholder_groups"]:
            assert client.get(f"/api/v1/stakeholder-groups/{group}/").status_code == 200


def test_a_review_links_its_consultations_and_documents(client):
    review = client.get("/api/v1/reviews/asia-pacific-2020-21/").json()
    assert [c["id"] for c in review["consultations"]] == [
        f"asia-pacific-2020-21-{n}" for n in range(1, 5)
    ]
    document = client.get(review["source_documents"][0]["url"]).json()
    assert document["symbol"] == "ESCAP/GCM/2021/CRP.2"
    assert document["review"] == "asia-pacific-2020-21"


def test_organizations_have_slugs_derived_from_their_names(client):
    count, organizations = all_results(client, "/api/v1/organizations/")
    assert count == Organization.objects.count()
    ids = [organization["id"] for organization in organizations]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9-]+", value) for value in ids)
    ilo = next(o for o in organizations if o["name"] == "International Labour Organization")
    assert ilo["id"] == "international-labour-organization"
    assert ilo["kind"] == "un_entity"
    assert client.get(ilo["url"]).json() == ilo
    assert client.get("/api/v1/organizations/nobody/").status_code == 404


def test_organization_slugs_are_stable_when_names_collide(client):
    first = make_organization(name="Migrants' Voice")
    second = make_organization(name="Migrants Voice")
    slugs = organization_slugs([(second.pk, second.name), (first.pk, first.name)])
    assert slugs == {first.pk: "migrants-voice", second.pk: "migrants-voice-2"}
    assert client.get("/api/v1/organizations/migrants-voice-2/").json()["name"] == "Migrants Voice"
    assert organization_slugs([(1, "Ünïcode"), (2, "中文")]) == {1: "unicode", 2: "organization"}


def test_no_database_key_is_exposed(client):
    for url in (
        "/api/v1/recommendations/?page_size=100",
        "/api/v1/organizations/?page_size=100",
        "/api/v1/consultations/?page_size=100",
        "/api/v1/reviews/",
        "/api/v1/source-documents/",
    ):
        text = client.get(url).content.decode()
        assert '"pk"' not in text
        body = client.get(url).json()
        for record in body["results"]:
            assert not isinstance(record["id"], int) or "objectives" in url


def test_cors_lets_any_origin_read_without_credentials(client):
    response = client.get("/api/v1/objectives/", headers={"Origin": "https://partner.example"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/recommendations/",
        headers={
            "Origin": "https://partner.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    assert "authorization" in preflight["Access-Control-Allow-Headers"]
    site = client.get("/recommendations/", headers={"Origin": "https://partner.example"})
    assert "Access-Control-Allow-Origin" not in site
