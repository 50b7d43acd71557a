"""A deterministic synthetic dataset at scale, for benchmarks and load tests.

Same seed, same rows: every value comes from ``random.Random(seed)`` (the follow-up
updates from a second stream derived from the seed, drawn before the recommendations
are written so that each is written with its overall status), and public identifiers
derive from synthetic document symbols, never from database ids. The shape follows the
real data: regional reviews over several cycles, many source documents, four
consultations per document (one per review cluster), challenges, good practices and
recommendations tagged with 1-4 objectives and principles, links between them, and
follow-up updates across the region's countries. Text is drawn from a word chain
learnt from the 2021 report, so its length and vocabulary are those of real
recommendations.

Rows are written in bulk. Records go through django-simple-history's
``bulk_create_with_history`` so each has its creation in the history; the rows of
many-to-many tables are inserted directly (a bulk insert has no per-row history).
"""

from __future__ import annotations

import datetime
import random
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from django.apps import apps
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from consultations.models import (
    Cluster,
    Consultation,
    GuidingPrinciple,
    Objective,
    Organization,
    Region,
    Review,
    SourceDocument,
)
from consultations.publication import PublicationState
from recommendations import triggers
from recommendations.models import (
    Actor,
    Challenge,
    EvidenceLink,
    FollowUpStatus,
    GoodPractice,
    Item,
    Recommendation,
    Update,
    UpdateScope,
)
from recommendations.references import reference_sort_key
from recommendations.report_parser import clean_inline
from recommendations.services import DEFAULT_REPORT

CYCLES = ["2020-21", "2024-25", "2028-29"]
REGION_COUNTRIES = {
    "asia-pacific": [
        "BD",
        "ID",
        "IN",
        "KH",
        "LK",
        "MM",
        "MY",
        "NP",
        "PH",
        "PK",
        "TH",
        "VN",
        "FJ",
        "AU",
    ],
    "africa": ["ET", "GH", "KE", "MA", "ML", "NE", "NG", "SN", "TZ", "UG", "ZA", "ZM", "ZW", "CI"],
    "arab-states": ["EG", "JO", "LB", "MA", "TN", "IQ", "SA", "AE", "QA", "KW", "OM", "SD"],
    "europe-north-america": [
        "DE",
        "FR",
        "IT",
        "ES",
        "PL",
        "SE",
        "GB",
        "US",
        "CA",
        "GR",
        "TR",
        "UA",
    ],
    "latin-america-caribbean": [
        "MX",
        "GT",
        "HN",
        "SV",
        "CO",
        "PE",
        "EC",
        "CL",
        "AR",
        "BR",
        "HT",
        "DO",
    ],
}
STATUSES = list(FollowUpStatus.values)
START = datetime.date(2021, 1, 1)
END = datetime.date(2026, 10, 31)
BATCH = 2000
REASON = "Synthetic data"


class WordChain:
    """A first-order word chain over the report's text: plausible sentences, real words."""

    def __init__(self, text: str) -> None:
        # Learn from the numbered paragraphs and lettered items only: no headings,
        # footnotes or web addresses.
        lines = [
            clean_inline(line)
            for line in text.splitlines()
            if re.match(r"^(\([a-z]\)|\d+\.) ", line) and "http" not in line
        ]
        words = re.findall(r"[A-Za-z][A-Za-z'-]*|[.,;]", " ".join(lines))
        self.next: dict[str, list[str]] = defaultdict(list)
        for current, following in pairwise(words):
            self.next[current].append(following)
        self.starts = [
            following
            for current, following in pairwise(words)
            if current == "." and following[0].isupper()
        ]

    def sentence(self, rng: random.Random, length: int) -> str:
        word = rng.choice(self.starts)
        out = [word]
        while len(out) < length or out[-1] not in (".",):
            choices = self.next.get(word) or ["."]
            word = rng.choice(choices)
            if word == "." and len(out) < length // 2:
                word = ","
            out.append(word)
            if len(out) > length * 2:
                out.append(".")
                break
        text = " ".join(out)
        text = re.sub(r" ([.,;])", r"\1", text)
        text = re.sub(r"([.,;])[.,;]+", r"\1", text)
        return text[0].upper() + text[1:]

    def pool(self, rng: random.Random, size: int = 4000) -> list[str]:
        return [self.sentence(rng, rng.randint(10, 30)) for _ in range(size)]


class TextSource:
    """Paragraphs of sentences drawn from a pool made once by the word chain: the same
    vocabulary and lengths, at a fraction of the cost of a chain walk per record."""

    def __init__(self, chain: WordChain, rng: random.Random) -> None:
        self.sentences = chain.pool(rng)
        self.lengths = [len(sentence.split()) for sentence in self.sentences]

    def paragraph(self, rng: random.Random, words: int) -> str:
        parts = []
        total = 0
        while total < words:
            index = rng.randrange(len(self.sentences))
            parts.append(self.sentences[index])
            total += self.lengths[index]
        return " ".join(parts)


@dataclass
class Plan:
    recommendations: int
    challenges: int
    good_practices: int
    updates: int
    seed: int

    @property
    def documents(self) -> int:
        return max(1, self.recommendations // 40)


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + count


def _letters(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: the way lists run past (z)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` spread over ``parts`` roughly evenly, varied a little, summing exactly."""
    base = [total // parts] * parts
    for index in range(total - sum(base)):
        base[index % parts] += 1
    for _ in range(parts // 2):
        a, b = rng.randrange(parts), rng.randrange(parts)
        move = min(base[a] // 3, rng.randint(0, 3))
        base[a] -= move
        base[b] += move
    return base


def _batched(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def delete_content() -> None:
    """Everything but the framework and organizations, children first (PROTECT)."""
    EvidenceLink.objects.all().delete()
    Update.objects.all().delete()
    for model in (Recommendation, GoodPractice, Challenge):
        model.objects.all().delete()
    Consultation.objects.all().delete()
    SourceDocument.objects.all().delete()
    Review.objects.all().delete()


def has_content() -> bool:
    return any(model.objects.exists() for model in (Review, SourceDocument, Recommendation, Update))


@transaction.atomic
def generate(plan: Plan, *, progress: Callable[[str], None] = lambda message: None) -> Report:
    """Write the synthetic dataset; returns how many rows of each kind were made."""
    rng = random.Random(plan.seed)
    chain = TextSource(WordChain((DEFAULT_REPORT / "report.md").read_text(encoding="utf-8")), rng)
    report = Report()
    objectives = list(Objective.objects.order_by("number"))
    by_cluster: dict[int, list[Objective]] = defaultdict(list)
    for objective in objectives:
        by_cluster[objective.cluster.number].append(objective)
    clusters = {cluster.number: cluster for cluster in Cluster.objects.all()}
    principles = list(GuidingPrinciple.objects.order_by("position"))
    actors = list(Actor.objects.order_by("position"))
    organizations = _organizations(rng, report)
    published = PublicationState.PUBLISHED

    # Reviews and documents -----------------------------------------------------------
    reviews = []
    for cycle in CYCLES:
        for region in Region.values:
            reviews.append(
                Review(
                    region=region,
                    cycle=cycle,
                    slug=f"{region}-{cycle}",
                    title=f"{Region(region).label} Regional Review of the Global Compact, {cycle}",
                    venue="Synthetic",
                    publication_state=published,
                )
            )
    reviews = bulk_create_with_history(
        reviews, Review, batch_size=BATCH, default_change_reason=REASON
    )
    report.add("reviews", len(reviews))
    documents = []
    for number in range(plan.documents):
        review = reviews[number % len(reviews)]
        year = int(review.cycle[:4]) + 1
        date = datetime.date(year, 1 + number % 12, 1 + number % 28)
        symbol = f"SYN/{plan.seed}/{review.region[:4].upper()}/{number + 1}"
        documents.append(
            SourceDocument(
                review=review,
                symbol=symbol,
                slug=SourceDocument.slug_for_symbol(symbol),
                title=f"Summary of stakeholder consultations, synthetic report {number + 1}",
                issuing_body="Synthetic Regional Commission",
                date=date,
            )
        )
    documents = bulk_create_with_history(
        documents, SourceDocument, batch_size=BATCH, default_change_reason=REASON
    )
    report.add("source documents", len(documents))
    progress(f"{len(reviews)} reviews, {len(documents)} source documents")

    # Consultations: one per cluster and document ------------------------------------
    consultations = []
    for document in documents:
        for cluster_number in (1, 2, 3, 4):
            consultations.append(
                Consultation(
                    review=document.review,
                    sequence=len(consultations) + 1,
                    slug=f"{document.slug}-c{cluster_number}",
                    title=clusters[cluster_number].title,
                    date=document.date - datetime.timedelta(days=30 * (5 - cluster_number)),
                    cluster=clusters[cluster_number],
                    participants=rng.randint(40, 120),
                    countries_represented=rng.randint(8, 25),
                    source_document=document,
                    paragraphs=f"{cluster_number * 5}-{cluster_number * 5 + 4}",
                    publication_state=published,
                )
            )
    consultations = bulk_create_with_history(
        consultations, Consultation, batch_size=BATCH, default_change_reason=REASON
    )
    through = Consultation.objectives.through
    through.objects.bulk_create(
        [
            through(consultation_id=c.pk, objective_id=o.pk)
            for c in consultations
            for o in by_cluster[c.cluster.number]
        ],
        batch_size=BATCH * 5,
    )
    report.add("consultations", len(consultations))
    progress(f"{len(consultations)} consultations")

    # Items ------------------------------------------------------------------------------
    per_document = {
        "challenge": _split(plan.challenges, len(documents), rng),
        "good_practice": _split(plan.good_practices, len(documents), rng),
        "recommendation": _split(plan.recommendations, len(documents), rng),
    }
    consultations_of: dict[int, list[Consultation]] = defaultdict(list)
    for consultation in consultations:
        consultations_of[consultation.source_document_id].append(consultation)
    items: dict[str, list[Item]] = {"challenge": [], "good_practice": [], "recommendation": []}
    models = {
        "challenge": Challenge,
        "good_practice": GoodPractice,
        "recommendation": Recommendation,
    }
    paragraph_of_kind = {"challenge": 1, "good_practice": 2, "recommendation": 3}
    for index, document in enumerate(documents):
        own = consultations_of[document.pk]
        for kind, model in models.items():
            count = per_document[kind][index]
            for position in range(count):
                slot = position % 5
                consultation = own[slot] if slot < 4 else None
                paragraph = (
                    (slot + 1) * 5 + paragraph_of_kind[kind]
                    if consultation
                    else 40 + paragraph_of_kind[kind]
                )
                reference = f"{paragraph}({_letters(position // 5)})"
                state = rng.choices(
                    [published, PublicationState.DRAFT, PublicationState.WITHDRAWN],
                    weights=[97, 2, 1],
                )[0]
                item = model(
                    source_document=document,
                    consultation=consultation,
                    reference=reference,
                    reference_sort_key=reference_sort_key(reference),
                    public_id=model.build_public_id(document, reference),
                    text=chain.paragraph(rng, rng.randint(20, 90)),
                    covid_related=rng.random() < 0.15,
                    publication_state=state,
                )
                if kind == "recommendation" and consultation is None:
                    item.is_conclusion = rng.random() < 0.5
                items[kind].append(item)
    # The recommendations' overall status is written with them, from the updates drawn
    # ahead (their own random stream), not rewritten afterwards: at 200,000 rewriting
    # them took most of the load on PostgreSQL (every index of each row written again,
    # the trigram index of its text among them). The database's own computation,
    # ``refresh`` at the end, then finds nothing to write, or corrects what differs.
    with triggers.suspended_status():
        updates = UpdateDraws(plan, items["recommendation"], organizations, chain)
        updates.set_statuses(items["recommendation"])
        _insert_items(items, models, report, progress)
        _tags_and_links(items, models, objectives, by_cluster, principles, actors, rng, report)
        progress("tags and links")
        _updates(updates, items["recommendation"], report, progress)
    return report


def _insert_items(
    items: dict[str, list[Item]],
    models: dict[str, type[Item]],
    report: Report,
    progress: Callable[[str], None],
) -> None:
    for kind, model in models.items():
        created = []
        for batch in _batched(items[kind]):
            created += bulk_create_with_history(
                batch, model, batch_size=BATCH, default_change_reason=REASON
            )
        items[kind] = created
        report.add(str(model._meta.verbose_name_plural), len(created))
        progress(f"{len(created)} {model._meta.verbose_name_plural}")


def _tags_and_links(
    items: dict[str, list[Item]],
    models: dict[str, type[Item]],
    objectives: list[Objective],
    by_cluster: dict[int, list[Objective]],
    principles: list[GuidingPrinciple],
    actors: list[Actor],
    rng: random.Random,
    report: Report,
) -> None:
    for kind, model in models.items():
        owner = f"{model._meta.model_name}_id"
        objective_rows, principle_rows = [], []
        for item in items[kind]:
            cluster = item.consultation.cluster.number if item.consultation else rng.randint(1, 4)
            pool = by_cluster[cluster] if rng.random() < 0.8 else objectives
            for objective in rng.sample(pool, rng.randint(1, min(4, len(pool)))):
                objective_rows.append(
                    model.objectives.through(**{owner: item.pk, "objective_id": objective.pk})
                )
            for principle in rng.sample(principles, rng.randint(1, 4)):
                principle_rows.append(
                    model.guiding_principles.through(
                        **{owner: item.pk, "guidingprinciple_id": principle.pk}
                    )
                )
        model.objectives.through.objects.bulk_create(objective_rows, batch_size=BATCH * 5)
        model.guiding_principles.through.objects.bulk_create(principle_rows, batch_size=BATCH * 5)
        report.add("objective tags", len(objective_rows))
        report.add("principle tags", len(principle_rows))
    _link(items, actors, rng, report)


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load, and on PostgreSQL the visibility
    map too (VACUUM), which index-only scans need to skip the rows themselves.

    Without them PostgreSQL plans the first queries on a freshly loaded database as if
    its tables were empty: a filtered list took seconds instead of milliseconds.
    """
    tables = sorted(
        {
            table
            for app_label in ("consultations", "recommendations")
            for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
            for table in [model._meta.db_table]
        }
    )
    # VACUUM cannot run inside a transaction (a test's, say): there, statistics only.
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'{command} "{table}"')


def _organizations(rng: random.Random, report: Report) -> list[Organization]:
    names = [f"Synthetic Migrant Network {n}" for n in range(1, 301)]
    existing = set(Organization.objects.filter(name__in=names).values_list("name", flat=True))
    new = [
        Organization(name=name, kind=Organization.Kind.STAKEHOLDER)
        for name in names
        if name not in existing
    ]
    bulk_create_with_history(new, Organization, batch_size=BATCH, default_change_reason=REASON)
    report.add("organizations", len(new))
    return list(Organization.objects.filter(name__in=names).order_by("name"))


def _link(
    items: dict[str, list[Item]], actors: list[Actor], rng: random.Random, report: Report
) -> None:
    by_consultation: dict[str, dict[int, list[Item]]] = {
        kind: defaultdict(list) for kind in ("challenge", "good_practice")
    }
    for kind in by_consultation:
        for item in items[kind]:
            if item.consultation_id:
                by_consultation[kind][item.consultation_id].append(item)
    addressed, challenges, practices = [], [], []
    through = Recommendation
    for recommendation in items["recommendation"]:
        for actor in rng.sample(actors, rng.randint(1, 3)):
            addressed.append(
                through.addressed_to.through(recommendation_id=recommendation.pk, actor_id=actor.pk)
            )
        if recommendation.consultation_id:
            pool = by_consultation["challenge"][recommendation.consultation_id]
            for challenge in rng.sample(pool, min(len(pool), rng.randint(0, 2))):
                challenges.append(
                    through.challenges.through(
                        recommendation_id=recommendation.pk, challenge_id=challenge.pk
                    )
                )
            pool = by_consultation["good_practice"][recommendation.consultation_id]
            for practice in rng.sample(pool, min(len(pool), rng.randint(0, 1))):
                practices.append(
                    through.good_practices.through(
                        recommendation_id=recommendation.pk, goodpractice_id=practice.pk
                    )
                )
    for rows, model in (
        (addressed, through.addressed_to.through),
        (challenges, through.challenges.through),
        (practices, through.good_practices.through),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH * 5)
    report.add("links", len(challenges) + len(practices))


class UpdateDraws:
    """The follow-up updates, drawn from their own random stream (derived from the seed),
    so that they can be drawn twice: once before the recommendations are written, for
    each one's overall status, then again, identically, to be written after them. Twice
    rather than kept: 500,000 updates as objects would hold gigabytes."""

    def __init__(
        self,
        plan: Plan,
        recommendations: list[Recommendation],
        organizations: list[Organization],
        chain: TextSource,
    ) -> None:
        self.plan = plan
        self.organizations = organizations
        self.chain = chain
        regions = {review.pk: review.region for review in Review.objects.all()}
        document_region = {
            pk: regions[review_id]
            for pk, review_id in SourceDocument.objects.values_list("pk", "review_id")
        }
        self.countries = [
            REGION_COUNTRIES[document_region[recommendation.source_document_id]]
            for recommendation in recommendations
        ]

    def __iter__(self) -> Iterator[tuple[int, Update, list[tuple[str, str]]]]:
        """(index of the recommendation, the update without it, its evidence links)."""
        if not self.countries:
            return
        rng = random.Random(f"{self.plan.seed}:updates")
        span = (END - START).days
        for made in range(self.plan.updates):
            index = rng.randrange(len(self.countries))
            scope = rng.choices(
                [UpdateScope.COUNTRY, UpdateScope.REGIONAL, UpdateScope.MULTI_COUNTRY],
                weights=[90, 6, 4],
            )[0]
            update = Update(
                status=rng.choice(STATUSES),
                as_of=START + datetime.timedelta(days=rng.randrange(span)),
                description=self.chain.paragraph(rng, rng.randint(15, 45)),
                scope=scope,
                country=rng.choice(self.countries[index]) if scope == UpdateScope.COUNTRY else "",
                reported_by_id=self.organizations[rng.randrange(len(self.organizations))].pk,
                responsible_body=rng.choice(
                    [
                        "Ministry of Labour",
                        "Ministry of Foreign Affairs",
                        "",
                        "National Statistics Office",
                    ]
                ),
                publication_state=rng.choices(
                    [
                        PublicationState.PUBLISHED,
                        PublicationState.DRAFT,
                        PublicationState.IN_REVIEW,
                    ],
                    weights=[90, 5, 5],
                )[0],
            )
            update.public_id = _uuid(rng)
            links = [
                (f"Evidence {made + 1}.{n}", f"https://example.org/evidence/{made + 1}/{n}")
                for n in range(rng.choices([0, 1, 2], weights=[50, 35, 15])[0])
            ]
            yield index, update, links

    def set_statuses(self, recommendations: list[Recommendation]) -> None:
        """Each recommendation's overall status as the database derives it: its latest
        published update by date, the one written last among those of the same date."""
        for index, update, _links in self:
            if update.publication_state != PublicationState.PUBLISHED:
                continue
            recommendation = recommendations[index]
            latest = recommendation.overall_status_as_of
            if latest is None or update.as_of >= latest:
                recommendation.overall_status = update.status
                recommendation.overall_status_as_of = update.as_of


def _updates(
    updates: UpdateDraws,
    recommendations: list[Recommendation],
    report: Report,
    progress: Callable[[str], None],
) -> None:
    pending: list[Update] = []
    evidence: list[tuple[int, list[tuple[str, str]]]] = []
    for made, (index, update, links) in enumerate(updates, start=1):
        update.recommendation_id = recommendations[index].pk
        pending.append(update)
        evidence.append((len(pending) - 1, links))
        if len(pending) >= BATCH * 5 or made == updates.plan.updates:
            created = bulk_create_with_history(
                pending, Update, batch_size=BATCH, default_change_reason=REASON
            )
            rows = [
                EvidenceLink(update_id=created[row].pk, title=title, url=url, position=position)
                for row, links_ in evidence
                for position, (title, url) in enumerate(links_, start=1)
            ]
            bulk_create_with_history(
                rows, EvidenceLink, batch_size=BATCH, default_change_reason=REASON
            )
            report.add("updates", len(created))
            report.add("evidence links", len(rows))
            pending, evidence = [], []
            progress(f"{made} updates")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)
