"""The importer: the 2021 report imports faithfully, and a second report of the same shape too."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from consultations.models import Consultation, Objective, Organization, Review, SourceDocument
from recommendations.models import Challenge, GoodPractice, Recommendation
from recommendations.report_parser import clean_inline
from recommendations.services import DEFAULT_REPORT
from tests.recommendations.conftest import DATA, REPORT, SECOND_REPORT

pytestmark = pytest.mark.django_db

ITEM_MODELS = {
    "challenge": Challenge,
    "good_practice": GoodPractice,
    "recommendation": Recommendation,
}


def counts_by_consultation() -> dict[tuple[int | None, str], int]:
    counts: dict[tuple[int | None, str], int] = {}
    for kind, model in ITEM_MODELS.items():
        for item in model.objects.select_related("consultation"):
            key = (item.consultation.sequence if item.consultation else None, kind)
            counts[key] = counts.get(key, 0) + 1
    return counts


def snapshot() -> dict:
    """Everything the importer writes, comparable field by field."""
    data = {}
    for kind, model in ITEM_MODELS.items():
        for item in model.objects.prefetch_related("objectives", "guiding_principles"):
            data[(kind, item.source_document_id, item.reference)] = (
                item.text,
                item.footnote,
                item.data_note,
                item.covid_related,
                item.consultation_id,
                item.publication_state,
                item.updated_at,
                tuple(sorted(o.number for o in item.objectives.all())),
                tuple(sorted(p.slug for p in item.guiding_principles.all())),
            )
    for consultation in Consultation.objects.all():
        data[("consultation", consultation.pk)] = (
            consultation.title,
            consultation.date,
            consultation.updated_at,
            tuple(consultation.co_organizer_links.values_list("organization__name", flat=True)),
        )
    data["organizations"] = tuple(Organization.objects.values_list("name", flat=True))
    data["reviews"] = tuple(Review.objects.values_list("slug", "publication_state"))
    return data


def run_import(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("import_report", *args, stdout=out, **options)
    return out.getvalue()


# --- Counts --------------------------------------------------------------------------------


def test_counts_per_consultation_and_kind(imported):
    assert counts_by_consultation() == {
        (1, "challenge"): 6,  # 15(a), (b), (d)-(g): there is no 15(c)
        (1, "good_practice"): 4,
        (1, "recommendation"): 7,
        (2, "challenge"): 5,
        (2, "good_practice"): 6,
        (2, "recommendation"): 13,
        (3, "challenge"): 6,
        (3, "good_practice"): 3,
        (3, "recommendation"): 8,
        (4, "challenge"): 11,
        (4, "good_practice"): 8,
        (4, "recommendation"): 9,
        (None, "challenge"): 7,  # COVID-19 section, paragraphs 35-41
        (None, "good_practice"): 4,  # COVID-19 section, paragraphs 42-45
        (None, "recommendation"): 7,  # conclusions 48(a)-(g)
    }
    assert Recommendation.objects.filter(consultation__isnull=False).count() == 37
    assert Recommendation.objects.filter(is_conclusion=True).count() == 7


def test_the_covid_section_and_the_conclusions(imported):
    covid_challenges = Challenge.objects.filter(consultation__isnull=True)
    assert sorted(covid_challenges.values_list("reference", flat=True), key=int) == [
        str(n) for n in range(35, 42)
    ]
    assert all(c.covid_related for c in covid_challenges)
    practices = GoodPractice.objects.filter(consultation__isnull=True)
    assert sorted(practices.values_list("reference", flat=True)) == ["42", "43", "44", "45"]
    assert all(p.covid_related for p in practices)
    conclusions = Recommendation.objects.filter(is_conclusion=True).prefetch_related(
        "guiding_principles"
    )
    principles = {c.reference: [p.slug for p in c.guiding_principles.all()] for c in conclusions}
    expected = {
        "48(a)": "people-centred",
        "48(b)": "human-rights",
        "48(c)": "gender-responsive",
        "48(d)": "child-sensitive",
        "48(e)": "whole-of-government-approach",
        "48(f)": "whole-of-society-approach",
        "48(g)": "rule-of-law-and-due-process",
    }
    for reference, slug in expected.items():
        assert slug in principles[reference]


def test_the_source_document_review_and_consultations(imported):
    document = SourceDocument.objects.get()
    assert document.symbol == "ESCAP/GCM/2021/CRP.2"
    assert document.title == (
        "Implementing the Global Compact for Safe, Regular and Orderly Migration: "
        "summary of stakeholder consultations for Asia and the Pacific"
    )
    assert document.issuing_body == "Economic and Social Commission for Asia and the Pacific"
    assert str(document.date) == "2021-02-26"
    review = document.review
    assert (review.region, review.cycle, review.venue) == ("asia-pacific", "2020-21", "Bangkok")
    assert (str(review.meeting_start), str(review.meeting_end)) == ("2021-03-10", "2021-03-12")
    assert review.publication_state == "published"

    first, second, third, fourth = Consultation.objects.order_by("sequence")
    assert (str(first.date), first.cluster.number, first.paragraphs) == ("2020-10-28", 1, "13-17")
    assert sorted(o.number for o in first.objectives.all()) == [2, 5, 6, 12, 18]
    assert (first.participants, first.countries_represented) == (90, 20)
    co_organizers = [
        (link.organization.name, [c.code for c in link.countries])
        for link in first.co_organizer_links.select_related("organization")
    ]
    assert co_organizers == [
        ("Pacific Islands Association of Non-governmental Organizations", ["FJ"]),
        ("Migrant Forum Asia", ["PH"]),
        ("Solidarity Center", ["LK"]),
        ("South Asian Regional Trade Union Council", ["NP"]),
        ("Tabaco City Government", ["PH"]),
        ("United Nations Major Group for Children and Youth", ["MY", "AU"]),
    ]
    assert sorted(o.acronym for o in first.supporting_entities.all()) == ["ILO", "UNESCO"]
    assert all(o.kind == "un_entity" for o in first.supporting_entities.all())
    shares = [
        (share.percent, [g.slug for g in share.stakeholder_groups.all()])
        for share in first.participant_shares.all()
    ]
    assert shares == [
        (45, ["civil-society"]),
        (10, ["academia"]),
        (10, ["migrant-and-diaspora-organizations"]),
        (10, ["trade-unions"]),
    ]
    assert (
        first.gender_balance_note == "There was balanced gender representation among participants."
    )

    # 18 crosses a page break inside the first co-organizer's name.
    names = list(second.co_organizer_links.values_list("organization__name", flat=True))
    assert names[0] == "Lord's Universal College of Education, University of Mumbai"
    assert len(names) == 7
    hong_kong = second.co_organizer_links.get(
        organization__name="Asia Pacific Mission for Migrants"
    )
    assert [c.name for c in hong_kong.countries] == ["Hong Kong, China"]

    # 24 crosses a page break inside “local authorities and | communities”.
    third_shares = [
        (s.percent, [g.slug for g in s.stakeholder_groups.all()])
        for s in third.participant_shares.all()
    ]
    assert third_shares == [
        (50, ["civil-society"]),
        (10, ["local-authorities-and-communities"]),
        (10, ["migrant-and-diaspora-organizations"]),
    ]
    assert third.gender_balance_note == (
        "There was balanced gender representation among participants."
    )

    # One share covering three groups together.
    (share,) = fourth.participant_shares.all()
    assert share.percent == 60
    assert sorted(g.slug for g in share.stakeholder_groups.all()) == [
        "civil-society",
        "migrant-and-diaspora-organizations",
        "trade-unions",
    ]
    assert sorted(fourth.co_organizer_links.values_list("organization__acronym", flat=True)) == [
        "",
        "ICRC",
        "IFRC",
    ]


# --- Faithfulness: one test per place the page breaks cut ----------------------------------


def item(model, reference):
    return model.objects.get(reference=reference)


def test_22h_is_one_item_without_footnotes_9_and_10(imported):
    text = item(Recommendation, "22(h)").text
    assert "Research and documentation" in text
    assert "to ensure that the voices of victims of trafficking were heard." in text
    assert text.endswith("on victims of trafficking and migrant smuggling")
    assert "Sustainable Development Goal 16.9" not in text  # footnote 9
    assert "micicinitiative" not in text  # footnote 10
    assert "Available at" not in text


def test_26c_joins_across_the_page_break(imported):
    text = item(GoodPractice, "26(c)").text
    assert "with a focus on the contribution of migrants to development. Moreover" in text
    assert text.endswith("living in poverty in the community.")


def test_32h_joins_across_the_page_break(imported):
    text = item(Recommendation, "32(h)").text
    assert "stakeholders trying to address this rhetoric. Social media platforms" in text
    assert text.endswith("in line with international standards")


def test_48a_joins_across_the_page_break(imported):
    text = item(Recommendation, "48(a)").text
    assert "special circumstances must be recognized. The human and labour rights" in text


def test_15b_is_whole_and_15c_does_not_exist(imported):
    challenge = item(Challenge, "15(b)")
    assert challenge.text == (
        "Several countries in the region had not ratified existing key international human "
        "rights and labour law frameworks"
    )
    assert "stray “(c)”" in challenge.data_note
    assert not Challenge.objects.filter(reference="15(c)").exists()
    assert item(Challenge, "15(d)").text.startswith("Resulting from limited regular migration")


def test_footnote_block_between_31g_and_31h_stays_out_of_both(imported):
    before = item(GoodPractice, "31(g)")
    after = item(GoodPractice, "31(h)")
    assert before.text.endswith("provided a valuable platform for exchange of experiences")
    assert "regional tripartite platform" not in before.text
    assert "regional tripartite platform" in before.footnote  # footnote 12 kept as a note
    assert after.text.startswith("Bilateral memorandums of understanding between countries")
    assert "ASEAN" not in after.text


def test_informative_footnotes_are_kept_as_notes(imported):
    assert "Sustainable Development Goal 16.9" in item(Recommendation, "22(b)").footnote
    assert "legal identity, other means" in item(Recommendation, "22(b)").text


def test_no_stored_text_contains_markup_or_footnote_text(imported):
    footnotes = [
        clean_inline(f) for f in re.findall(r"^<sup>\d+</sup> (.+)$", REPORT, re.MULTILINE)
    ]
    assert len(footnotes) == 12
    for model in ITEM_MODELS.values():
        for record in model.objects.all():
            assert not re.search(r"<|>|\*\*|\\|\[|\]\(|#", record.text), record
            assert not record.text.endswith(";"), record
            for footnote in footnotes:
                # The start of a footnote may name what the text names (footnote 11 quotes
                # the protocols 22(i) names); its end is the footnote's own.
                assert footnote not in record.text, (record, footnote)
                assert footnote[-30:] not in record.text, (record, footnote)
            assert "  " not in record.text


# --- Behaviour ------------------------------------------------------------------------------


def test_running_it_twice_changes_nothing(imported):
    before = snapshot()
    output = run_import(str(DEFAULT_REPORT))
    assert snapshot() == before
    assert "created: 0, updated: 0" in output


def test_dry_run_writes_nothing(db):
    before = snapshot()
    output = run_import(str(DEFAULT_REPORT), "--dry-run")
    assert snapshot() == before
    assert SourceDocument.objects.count() == 0
    assert "Dry run: nothing was written." in output
    assert "+ recommendation 22(h)" in output
    assert "Records would be created:" in output


def _corrected_report_folder(tmp_path: Path) -> Path:
    corrected = REPORT.replace(
        "(b) There was a need to address the vulnerabilities created by high recruitment fees",
        "(b) There was a need to address the vulnerabilities caused by high recruitment fees",
    )
    assert corrected != REPORT
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "report.md").write_text(corrected, encoding="utf-8")
    (folder / "curation.toml").write_text(
        (DEFAULT_REPORT / "curation.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return folder


def test_a_corrected_source_updates_records_in_place(imported, tmp_path):
    original = Recommendation.objects.get(reference="17(b)")
    output = run_import(str(_corrected_report_folder(tmp_path)))
    updated = Recommendation.objects.get(reference="17(b)")
    assert updated.pk == original.pk
    assert updated.public_id == original.public_id
    assert "caused by high recruitment fees" in updated.text
    assert "~ recommendation 17(b): text" in output
    assert "created: 0, updated: 1," in output


def test_dry_run_of_a_correction_reports_the_change_and_writes_nothing(imported, tmp_path):
    before = snapshot()
    output = run_import(str(_corrected_report_folder(tmp_path)), "--dry-run")
    assert snapshot() == before
    assert "~ recommendation 17(b): text" in output
    assert "created: 0, updated: 1," in output
    assert "Dry run: nothing was written." in output
    assert "created by high recruitment fees" in Recommendation.objects.get(reference="17(b)").text


def test_keep_tags_keeps_what_staff_refined_in_the_admin(imported):
    recommendation = Recommendation.objects.get(reference="17(b)")
    curated = sorted(recommendation.objectives.values_list("number", flat=True))
    refined = [n for n in (21, 22, 23) if n not in curated][:1]
    recommendation.objectives.add(*Objective.objects.filter(number__in=refined))

    run_import(str(DEFAULT_REPORT), "--keep-tags")
    kept = sorted(recommendation.objectives.values_list("number", flat=True))
    assert kept == sorted([*curated, *refined])

    output = run_import(str(DEFAULT_REPORT))
    assert sorted(recommendation.objectives.values_list("number", flat=True)) == curated
    assert "~ recommendation 17(b)" in output


def test_draft_option_imports_unpublished_records(db):
    run_import(str(DEFAULT_REPORT), "--draft")
    assert Recommendation.objects.public().count() == 0
    assert Recommendation.objects.filter(publication_state="draft").count() == 44


def test_default_data_is_loaded_once(imported):
    out = io.StringIO()
    call_command("load_default_data", stdout=out)
    assert "already loaded" in out.getvalue()


def test_it_prints_counts_per_consultation_and_kind(db):
    output = run_import(str(DEFAULT_REPORT))
    assert (
        "Consultation 2 (Protecting migrants through rights-based border governance and border "
        "management measures): 5 challenges, 6 good practices, 13 recommendations"
    ) in output
    assert "Cross-cutting (COVID-19): 7 challenges, 4 good practices" in output
    assert "Total: 35 challenges, 25 good practices, 44 recommendations" in output


# --- Malformed files ------------------------------------------------------------------------


def _malformed(tmp_path: Path, text: str) -> str:
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    return str(path)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


MALFORMED = {
    "truncated": (
        lambda text: (
            text[: text.index("(d) Child-sensitivity")] + "(d) Child-sensitivity: the best"
        ),
        r"the file ends without the conclusions|truncated",
    ),
    "truncated in the middle of the conclusions": (
        lambda text: text[: text.index("recognized. The human and labour rights")],
        r"ends in the middle of a paragraph",
    ),
    "a consultation heading missing": (
        lambda text: text.replace(
            "**B. Protecting migrants through rights-based border governance and border "
            "management measures (addressing objectives 4, 8, 9, 10, 11, 13 and 21)**\n",
            "",
        ),
        r"a second list of challenges",
    ),
    "the recommendations introduction missing": (
        lambda text: text.replace(
            "27. Participants at the stakeholder consultation recommended the following actions:",
            "27. Participants at the stakeholder consultation said the following:",
        ),
        r"does not follow a paragraph introducing",
    ),
    "a duplicated reference": (
        lambda text: text.replace("(k) Digital technologies", "(j) Digital technologies"),
        r"item \(j\) appears twice",
    ),
    "a paragraph number skipped": (
        lambda text: text.replace("\n30. Participants identified", "\n31. Participants identified"),
        r"paragraph 31 where paragraph 30 was expected",
    ),
    "no Summary heading": (
        lambda text: text.replace("### *Summary*", "Summary text"),
        r"no “Summary” heading",
    ),
    "an impossible date": (
        lambda text: text.replace("held on 19 November 2020", "held on 31 November 2020"),
        r"is not a date",
    ),
    "an objective out of range": (
        lambda text: text.replace(
            "objectives 4, 8, 9, 10, 11, 13 and 21", "objectives 4, 8, 9, 10, 11, 13 and 24"
        ),
        r"GCM objectives are 1 to 23",
    ),
    "empty": (lambda text: "", r"the file is empty"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_file_leaves_the_database_unchanged_and_names_the_line(
    imported, tmp_path, case
):
    mangle, expected = MALFORMED[case]
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run_import(_malformed(tmp_path, mangle(REPORT)), "--symbol", "ESCAP/GCM/2021/CRP.2")
    message = str(error.value)
    assert re.search(expected, message), message
    assert "Nothing was written." in message
    if case != "empty":
        assert re.search(r"line \d+", message), message
    assert snapshot() == before


def test_the_duplicate_names_the_line_of_the_second_item(db, tmp_path):
    text = REPORT.replace("(k) Digital technologies", "(j) Digital technologies")
    with pytest.raises(CommandError) as error:
        run_import(_malformed(tmp_path, text), "--symbol", "X/1")
    assert f"line {line_of(text, '(j) Digital technologies')}:" in str(error.value)
    assert SourceDocument.objects.count() == 0


def test_a_curation_file_that_disagrees_writes_nothing(db, tmp_path):
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "report.md").write_text(REPORT, encoding="utf-8")
    curation = (DEFAULT_REPORT / "curation.toml").read_text(encoding="utf-8")
    curation = curation.replace('[recommendations."17(b)"]', '[recommendations."17(z)"]')
    (folder / "curation.toml").write_text(curation, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run_import(str(folder))
    assert "curation.toml:" in str(error.value)
    assert "the report has no recommendation 17(z)" in str(error.value)
    assert SourceDocument.objects.count() == 0


def test_a_missing_symbol_is_asked_for(db, tmp_path):
    with pytest.raises(CommandError, match="does not print its document symbol"):
        run_import(_malformed(tmp_path, REPORT))


# --- A second report of the same shape --------------------------------------------------------

EXPECTED = json.loads((DATA / "second-report.expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def second(db, tmp_path):
    path = tmp_path / "second.md"
    path.write_text(SECOND_REPORT, encoding="utf-8")
    return run_import(str(path), "--symbol", "ECA/GCM/2025/CRP.1")


def test_second_report_document_and_review(second):
    document = SourceDocument.objects.get(symbol="ECA/GCM/2025/CRP.1")
    assert document.title == EXPECTED["document"]["title"]
    assert document.issuing_body == EXPECTED["document"]["issuing_body"]
    assert str(document.date) == EXPECTED["document"]["date"]
    review = document.review
    expected = EXPECTED["review"]
    assert (review.region, review.cycle, review.venue) == (
        expected["region"],
        expected["cycle"],
        expected["venue"],
    )
    assert (str(review.meeting_start), str(review.meeting_end)) == (
        expected["meeting_start"],
        expected["meeting_end"],
    )


def test_second_report_consultations(second):
    consultations = list(Consultation.objects.order_by("sequence"))
    assert len(consultations) == len(EXPECTED["consultations"])
    for consultation, expected in zip(consultations, EXPECTED["consultations"], strict=True):
        assert consultation.title == expected["title"]
        assert str(consultation.date) == expected["date"]
        assert consultation.cluster.number == expected["cluster"]
        assert sorted(o.number for o in consultation.objectives.all()) == sorted(
            expected["objectives"]
        )
        assert consultation.participants == expected["participants"]
        assert consultation.countries_represented == expected["countries"]
        assert consultation.paragraphs == expected["paragraphs"]
        organizers = [
            [link.organization.name, [c.code for c in link.countries]]
            for link in consultation.co_organizer_links.select_related("organization")
        ]
        assert organizers == expected["co_organizers"]
        assert sorted(o.acronym for o in consultation.supporting_entities.all()) == sorted(
            expected["supporting"]
        )
        shares = [
            [s.percent, [g.slug for g in s.stakeholder_groups.order_by("position")]]
            for s in consultation.participant_shares.all()
        ]
        assert shares == expected["shares"]
        for kind, count in expected["counts"].items():
            assert ITEM_MODELS[kind].objects.filter(consultation=consultation).count() == count


def test_second_report_items_match_the_answer_key(second):
    for kind, texts in EXPECTED["items"].items():
        stored = dict(ITEM_MODELS[kind].objects.values_list("reference", "text"))
        assert stored == texts, kind


def test_second_report_cross_cutting_and_conclusions(second):
    for kind, references in EXPECTED["cross_cutting"].items():
        stored = ITEM_MODELS[kind].objects.filter(consultation__isnull=True, covid_related=True)
        assert sorted(stored.values_list("reference", flat=True), key=int) == references
    conclusions = Recommendation.objects.filter(is_conclusion=True).prefetch_related(
        "guiding_principles"
    )
    assert sorted([c.reference, c.guiding_principles.get().slug] for c in conclusions) == sorted(
        EXPECTED["conclusions"]
    )


def test_second_report_without_curation_has_no_invented_tags(second):
    assert not Recommendation.objects.filter(is_conclusion=False, objectives__isnull=False).exists()
    assert "Records were created" in second
