"""The framework is part of the schema's data: every migrated database has it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from consultations.models import Cluster, GuidingPrinciple, Objective, StakeholderGroup
from recommendations.models import Actor

pytestmark = pytest.mark.django_db

# A copy of ../shared/reference/gcm-framework.json: an independent source to check against.
FRAMEWORK = json.loads((Path(__file__).parent.parent / "data" / "gcm-framework.json").read_text())


def test_23_objectives_with_the_official_titles():
    titles = dict(Objective.objects.values_list("number", "title"))
    assert titles == {o["number"]: o["title"] for o in FRAMEWORK["objectives"]}


def test_every_objective_has_a_short_label_and_a_unique_slug():
    objectives = list(Objective.objects.all())
    assert all(o.short_label and len(o.short_label) <= 40 for o in objectives)
    assert len({o.slug for o in objectives}) == 23
    assert Objective.objects.get(number=20).short_label == "Remittances"


def test_four_clusters_with_the_right_objectives():
    clusters = {
        cluster.number: (cluster.title, sorted(o.number for o in cluster.objectives.all()))
        for cluster in Cluster.objects.prefetch_related("objectives")
    }
    assert clusters == {
        c["number"]: (c["title"], sorted(c["objectives"])) for c in FRAMEWORK["review_clusters"]
    }


def test_ten_guiding_principles_in_the_compacts_order():
    names = list(GuidingPrinciple.objects.values_list("name", flat=True))
    assert names == FRAMEWORK["guiding_principles"]
    assert GuidingPrinciple.objects.get(slug="gender-responsive").compact_paragraph == "15(g)"


def test_stakeholder_groups_of_paragraph_44():
    names = list(StakeholderGroup.objects.values_list("name", flat=True))
    assert names == FRAMEWORK["stakeholder_groups_paragraph_44"]


def test_addressee_vocabulary_is_present():
    slugs = set(Actor.objects.values_list("slug", flat=True))
    assert {"governments-destination", "private-sector", "un-system", "local-authorities"} <= slugs
