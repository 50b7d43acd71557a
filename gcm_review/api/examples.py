"""Example records of the schema: each one is what the API answers for that record of the
default dataset (the 2021 Asia-Pacific report), served at https://gcm.example.org.

They are the one source of the schema's examples: the response examples of every read
operation are built from them, and the example of each component property is read from
those responses (``gcm_review.api.schema_links.fill_property_examples``). tests/api checks that
each example validates against its schema and has the shape of the real response.

Liberties, all shapes the API really gives: long lists are shortened (a list's page to one
record, a consultation's co-organizers to two), recommendation 17(b) is shown with the
follow-up update below (the dataset has none), Migrant Forum Asia with its website.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

ORIGIN = "https://gcm.example.org"
API = f"{ORIGIN}/api/v1"
# When the default dataset was loaded, in the examples.
LOADED = "2025-01-31T09:30:00Z"


@dataclass(frozen=True)
class Sample:
    """One record as its detail endpoint gives it, and how many records its list holds."""

    record: dict[str, Any]
    count: int

    @property
    def list_url(self) -> str:
        return self.record["url"].rstrip("/").rpartition("/")[0] + "/"

    def page(self) -> dict[str, Any]:
        """The first page of the list, shortened to this record."""
        return first_page(self.list_url, [self.record], self.count)


def first_page(list_url: str, records: list[dict[str, Any]], count: int) -> dict[str, Any]:
    return {
        "count": count,
        "next": f"{list_url}?page=2" if count > settings.LIST_PAGE_SIZE else None,
        "previous": None,
        "results": records,
    }


CRP_2 = "ESCAP/GCM/2021/CRP.2"
CRP_2_TITLE = (
    "Implementing the Global Compact for Safe, Regular and Orderly Migration: summary of "
    "stakeholder consultations for Asia and the Pacific"
)


CONSULTATION_1 = {
    "id": "asia-pacific-2020-21-1",
    "title": "Ensuring that migration is voluntary, orderly and regular",
    "date": "2020-10-28",
}
CRP_2_SUMMARY = {"symbol": CRP_2, "title": CRP_2_TITLE}


def _link(kind: str, public_id: str, reference: str) -> dict[str, str]:
    return {"id": public_id, "reference": reference, "url": f"{API}/{kind}/{public_id}/"}


# Follow-up ---------------------------------------------------------------------------------

UPDATE_ID = "3f1c2a9e-8d4b-4c7a-9e2f-5b6a7c8d9e0f"
REC_17B = "escap-gcm-2021-crp-2-recommendation-17b"
REC_17B_PAGE = f"{ORIGIN}/recommendations/escap-gcm-2021-crp-2/17b/"

UPDATE = Sample(
    {
        "id": UPDATE_ID,
        "url": f"{API}/updates/{UPDATE_ID}/",
        "recommendation": {
            "id": REC_17B,
            "reference": "17(b)",
            "url": f"{API}/recommendations/{REC_17B}/",
            "html_url": REC_17B_PAGE,
        },
        "status": "in_progress",
        "status_label": "In progress",
        "as_of": "2025-03-31",
        "description": (
            "The Ministry of Labour adopted a zero-fee recruitment policy for domestic "
            "workers and set up a complaints hotline."
        ),
        "scope": "country",
        "country": "PH",
        "country_name": "Philippines",
        "reported_by": {
            "id": "migrant-forum-asia",
            "name": "Migrant Forum Asia",
            "url": f"{API}/organizations/migrant-forum-asia/",
        },
        "responsible_body": "Department of Migrant Workers",
        "evidence": [
            {
                "title": "Department Order No. 1, series of 2025",
                "url": "https://www.example.gov.ph/orders/2025-1",
            }
        ],
        "html_url": f"{REC_17B_PAGE}#update-{UPDATE_ID}",
        "created_at": "2025-04-02T08:15:00Z",
        "updated_at": "2025-04-02T08:15:00Z",
    },
    count=1,
)

# Items ------------------------------------------------------------------------------------

RECOMMENDATION = Sample(
    {
        "id": REC_17B,
        "reference": "17(b)",
        "text": (
            "There was a need to address the vulnerabilities created by high recruitment fees "
            "and to create mechanisms to lodge complaints and grievances against employers"
        ),
        "review": "asia-pacific-2020-21",
        "consultation": CONSULTATION_1,
        "source_document": CRP_2_SUMMARY,
        "objectives": [6, 7],
        "guiding_principles": ["rule-of-law-and-due-process"],
        "addressed_to": ["governments"],
        "covid_related": False,
        "is_conclusion": False,
        "challenges": [_link("challenges", "escap-gcm-2021-crp-2-challenge-15e", "15(e)")],
        "good_practices": [
            _link("good-practices", "escap-gcm-2021-crp-2-practice-16b", "16(b)"),
            _link("good-practices", "escap-gcm-2021-crp-2-practice-16d", "16(d)"),
        ],
        "html_url": REC_17B_PAGE,
        "url": f"{API}/recommendations/{REC_17B}/",
        "created_at": LOADED,
        "updated_at": LOADED,
        "status": {
            "code": "in_progress",
            "label": "In progress",
            "as_of": "2025-03-31",
            "stale": False,
            "by_country": [
                {
                    "country": "PH",
                    "country_name": "Philippines",
                    "scope": "country",
                    "code": "in_progress",
                    "label": "In progress",
                    "as_of": "2025-03-31",
                    "stale": False,
                }
            ],
        },
        "updates_url": f"{API}/updates/?recommendation={REC_17B}",
    },
    count=44,
)

CHALLENGE = Sample(
    {
        "id": "escap-gcm-2021-crp-2-challenge-15e",
        "reference": "15(e)",
        "text": (
            "The involvement of private recruitment agencies, including with multiple actors, "
            "such as brokers and sub-agents, and at times with limited supervision, was "
            "connected with rights violations. In some countries, migrant workers were "
            "prohibited from joining unions which affected decent work conditions"
        ),
        "review": "asia-pacific-2020-21",
        "consultation": CONSULTATION_1,
        "source_document": CRP_2_SUMMARY,
        "objectives": [6],
        "guiding_principles": ["human-rights"],
        "covid_related": False,
        "recommendations": [
            _link("recommendations", REC_17B, "17(b)"),
            _link("recommendations", "escap-gcm-2021-crp-2-recommendation-17e", "17(e)"),
        ],
        "html_url": f"{ORIGIN}/challenges/escap-gcm-2021-crp-2/15e/",
        "url": f"{API}/challenges/escap-gcm-2021-crp-2-challenge-15e/",
        "created_at": LOADED,
        "updated_at": LOADED,
    },
    count=35,
)

GOOD_PRACTICE = Sample(
    {
        "id": "escap-gcm-2021-crp-2-practice-16b",
        "reference": "16(b)",
        "text": (
            "Employment permit systems, where governments cooperated directly with "
            "governments of countries of origin of migrant workers, had contributed to fair "
            "recruitment practices, decent work and low migration costs"
        ),
        "review": "asia-pacific-2020-21",
        "consultation": CONSULTATION_1,
        "source_document": CRP_2_SUMMARY,
        "objectives": [5, 6],
        "guiding_principles": ["international-cooperation"],
        "covid_related": False,
        "recommendations": [
            _link("recommendations", REC_17B, "17(b)"),
            _link("recommendations", "escap-gcm-2021-crp-2-recommendation-17c", "17(c)"),
            _link("recommendations", "escap-gcm-2021-crp-2-recommendation-17e", "17(e)"),
        ],
        "html_url": f"{ORIGIN}/good-practices/escap-gcm-2021-crp-2/16b/",
        "url": f"{API}/good-practices/escap-gcm-2021-crp-2-practice-16b/",
        "created_at": LOADED,
        "updated_at": LOADED,
    },
    count=25,
)

# The framework -----------------------------------------------------------------------------

OBJECTIVE = Sample(
    {
        "id": 6,
        "title": (
            "Facilitate fair and ethical recruitment and safeguard conditions that ensure "
            "decent work"
        ),
        "short_label": "Fair recruitment and decent work",
        "slug": "fair-recruitment-decent-work",
        "cluster": 1,
        "html_url": f"{ORIGIN}/objectives/6/",
        "url": f"{API}/objectives/6/",
    },
    count=23,
)

CLUSTER = Sample(
    {
        "id": 2,
        "title": "Protecting migrants through rights-based border governance measures",
        "slug": "rights-based-border-governance",
        "objectives": [4, 8, 9, 10, 11, 13, 21],
        "url": f"{API}/clusters/2/",
    },
    count=4,
)

PRINCIPLE = Sample(
    {
        "id": "gender-responsive",
        "name": "Gender-responsive",
        "description": (
            "The Compact ensures that the human rights of women, men, girls and boys are "
            "respected at all stages of migration, and recognizes the independence, agency and "
            "leadership of migrant women."
        ),
        "compact_paragraph": "15(g)",
        "url": f"{API}/principles/gender-responsive/",
    },
    count=10,
)

STAKEHOLDER_GROUP = Sample(
    {
        "id": "civil-society",
        "name": "Civil society",
        "url": f"{API}/stakeholder-groups/civil-society/",
    },
    count=13,
)

ADDRESSEE = Sample(
    {
        "id": "private-sector",
        "name": "Private sector",
        "description": "Employers, recruitment agencies, businesses and online platforms.",
        "url": f"{API}/addressees/private-sector/",
    },
    count=16,
)

ORGANIZATION = Sample(
    {
        "id": "migrant-forum-asia",
        "name": "Migrant Forum Asia",
        "acronym": "MFA",
        "kind": "stakeholder",
        "stakeholder_group": "migrant-and-diaspora-organizations",
        "countries": ["PH"],
        "website": "https://mfasia.org/",
        "url": f"{API}/organizations/migrant-forum-asia/",
    },
    count=28,
)

# Reviews, documents, consultations ------------------------------------------------------------

REVIEW = Sample(
    {
        "id": "asia-pacific-2020-21",
        "title": (
            "Asia-Pacific Regional Review of Implementation of the Global Compact for Safe, "
            "Orderly and Regular Migration"
        ),
        "region": "asia-pacific",
        "cycle": "2020-21",
        "meeting_start": "2021-03-10",
        "meeting_end": "2021-03-12",
        "venue": "Bangkok",
        "consultations": [
            {
                "id": "asia-pacific-2020-21-1",
                "title": CONSULTATION_1["title"],
                "date": "2020-10-28",
                "url": f"{API}/consultations/asia-pacific-2020-21-1/",
            },
            {
                "id": "asia-pacific-2020-21-2",
                "title": (
                    "Protecting migrants through rights-based border governance and border "
                    "management measures"
                ),
                "date": "2020-11-19",
                "url": f"{API}/consultations/asia-pacific-2020-21-2/",
            },
        ],
        "source_documents": [
            {
                "id": "escap-gcm-2021-crp-2",
                "symbol": CRP_2,
                "url": f"{API}/source-documents/escap-gcm-2021-crp-2/",
            }
        ],
        "url": f"{API}/reviews/asia-pacific-2020-21/",
        "created_at": LOADED,
        "updated_at": LOADED,
    },
    count=1,
)

SOURCE_DOCUMENT = Sample(
    {
        "id": "escap-gcm-2021-crp-2",
        "symbol": CRP_2,
        "title": CRP_2_TITLE,
        "issuing_body": "Economic and Social Commission for Asia and the Pacific",
        "date": "2021-02-26",
        "review": "asia-pacific-2020-21",
        "document_url": (
            "https://www.unescap.org/intergovernmental-meetings/"
            "asia-pacific-regional-review-implementation-global-compact-safe-orderly"
        ),
        "url": f"{API}/source-documents/escap-gcm-2021-crp-2/",
        "created_at": LOADED,
        "updated_at": LOADED,
    },
    count=1,
)

CONSULTATION = Sample(
    {
        "id": "asia-pacific-2020-21-1",
        "review": "asia-pacific-2020-21",
        "sequence": 1,
        "title": CONSULTATION_1["title"],
        "date": "2020-10-28",
        "cluster": 1,
        "objectives": [2, 5, 6, 12, 18],
        "co_organizers": [
            {
                "organization": "migrant-forum-asia",
                "name": "Migrant Forum Asia",
                "countries": ["PH"],
            },
            {
                "organization": "united-nations-major-group-for-children-and-youth",
                "name": "United Nations Major Group for Children and Youth",
                "countries": ["MY", "AU"],
            },
        ],
        "supporting_entities": [
            "international-labour-organization",
            "united-nations-educational-scientific-and-cultural-organization",
        ],
        "participants": 90,
        "countries_represented": 20,
        "sectors": ["civil-society", "migrant-and-diaspora-organizations", "trade-unions"],
        "participant_shares": [
            {"percent": 45, "approximate": True, "stakeholder_groups": ["civil-society"]},
            {"percent": 10, "approximate": True, "stakeholder_groups": ["academia"]},
        ],
        "gender_balance_note": "There was balanced gender representation among participants.",
        "source_document": {
            "id": "escap-gcm-2021-crp-2",
            "symbol": CRP_2,
            "url": f"{API}/source-documents/escap-gcm-2021-crp-2/",
        },
        "paragraphs": "13-17",
        "html_url": f"{ORIGIN}/consultations/asia-pacific-2020-21-1/",
        "url": f"{API}/consultations/asia-pacific-2020-21-1/",
        "created_at": LOADED,
        "updated_at": LOADED,
    },
    count=4,
)

# Changes ----------------------------------------------------------------------------------

CHANGES = [
    {
        "type": "update",
        "id": UPDATE_ID,
        "change": "created",
        "at": "2025-04-03T10:02:00Z",
        "url": f"{API}/updates/{UPDATE_ID}/",
    },
    {
        "type": "recommendation",
        "id": "escap-gcm-2021-crp-2-recommendation-22m",
        "change": "withdrawn",
        "at": "2025-04-07T16:40:00Z",
        "url": None,
    },
]
