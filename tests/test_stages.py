"""The question path's stages on small records: route, ground, periods, kinds, decide, across,
and the evaluation's scoring rules. Real model where a stage embeds; no index needed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from assistant.across import topic_of
from assistant.answer import Sentence
from assistant.decide import decide
from assistant.evaluate import quotes_evidence, states_grade
from assistant.evidence import Evidence
from assistant.ground import Grounder, proper_names
from assistant.kinds import kind_of, kinds_named
from assistant.periods import Period, parse_period
from assistant.records import AbstainReason
from assistant.route import ExemplarRouter, RouteKind, Router, mask_places, rule_route
from assistant.settings import AbstentionSettings, AnswerSettings
from ingest.records import Chunk
from ingest.subjects import LOCAL_AUTHORITIES, POLICE_FORCES, SubjectResolver
from vectorstore.records import Hit, ReportRecord

PLACES = SubjectResolver([*LOCAL_AUTHORITIES, *POLICE_FORCES])


@pytest.fixture(scope="module")
def router(embedder):
    return Router(PLACES, ExemplarRouter(embedder))


# -- route ---------------------------------------------------------------------------------


def test_strict_rules_still_route_plain_grade_questions():
    assert rule_route("What grade did Croydon get for leadership in 2017?", PLACES).kind == "grade"
    assert rule_route("Which councils were judged inadequate in 2023?", PLACES).kind == "list"
    assert rule_route("What did inspectors find about care leavers in Leeds?", PLACES) is None


@pytest.mark.parametrize(
    "question",
    [
        "how did Cheshire East do overall in 2024?",
        "did redbridge hang on to outstanding in 2024?",
        "RBKC overal ofsted grade 2019?",
        "how was adoption perfomance graded in Leeds's 2016 inspection?",
    ],
)
def test_paraphrased_grade_questions_go_to_the_catalogue(router, question):
    assert router.route(question).kind is RouteKind.GRADE


@pytest.mark.parametrize(
    "question",
    [
        "What did inspectors find about care leavers in Leeds?",
        "Why was Leeds judged inadequate?",
        "How effective are leaders in Norfolk at improving practice?",
        "Give me a quote about Norfolk's front door.",
    ],
)
def test_finding_questions_stay_with_passages(router, question):
    assert router.route(question).kind is RouteKind.PASSAGES


def test_improvement_and_mentions_routes(router):
    assert router.route("what did ofsted tell Dudley to fix after the visit?").kind == "improve"
    assert router.route("Which reports mention Operation Encompass?").kind == "mentions"


def test_places_are_masked_for_the_examples():
    assert mask_places("How was Bournemouth, Christchurch and Poole rated?", PLACES) == (
        "How was X rated?"
    )


# -- ground --------------------------------------------------------------------------------


def _report(kind: str, inspectorate: str = "Ofsted") -> ReportRecord:
    return ReportRecord(
        source=f"{kind}.pdf", sha256="x", size=1, status="indexed", report_id=kind,
        report_type=kind, inspectorate=inspectorate, subject="Leeds",
    )  # fmt: skip


TEXTS = ["Leaders use Operation Encompass well.", "Alison Smale HMI led the inspection."]


def _grounder() -> Grounder:
    reports = [
        _report("Inspection of local authority children's services"),
        _report("Focused visit"),
    ]
    return Grounder(reports, PLACES, lambda phrase, subjects=(): TEXTS)


def test_names_that_no_passage_holds_are_declined():
    g = _grounder()
    assert g.check("Which reports mention Operation Encompass?") is None
    assert g.check("Which inspections did Alison Smale lead?") is None
    a = g.check("What did Ofsted find at Oakwood House children's home in Wigan?")
    assert a.reason is AbstainReason.ENTITY_NOT_FOUND and a.missing == ("Oakwood House",)
    assert "1 inspection" in a.message and "1 focused visit" in a.message


def test_a_name_asked_of_a_place_must_stand_in_that_places_reports():
    by_place = {"Leeds": ["St Bede's nurture group helps young children settle."], "": TEXTS}
    reports = [_report("Inspection of local authority children's services")]
    g = Grounder(
        reports, PLACES, lambda phrase, subjects=(): by_place[subjects[0] if subjects else ""]
    )
    assert g.check("What did inspectors say about St Bede in Leeds?", ("Leeds",)) is None
    a = g.check("What did inspectors say about Operation Encompass in Leeds?", ("Leeds",))
    assert a.reason is AbstainReason.ENTITY_NOT_FOUND and a.missing == ("Operation Encompass",)
    assert a.message.startswith("No indexed report on Leeds mentions “Operation Encompass”")
    assert g.check("Which reports mention Operation Encompass?") is None  # held elsewhere


@pytest.mark.parametrize(
    "question",
    ["Which of these councils has the best director of children's services, in your view?",
     "who runs the better front door, Leeds or York, in your opinion"],
)  # fmt: skip
def test_an_opinion_asked_for_at_the_end_is_declined(question):
    assert _grounder().check(question).reason is AbstainReason.OPINION


@pytest.mark.parametrize(
    "question",
    [
        "What PEEL grade did Lancashire Constabulary get?",
        "What did the CQC say about maternity services at Blackpool Victoria Hospital?",
        "can you pull up the HM Inspectorate of Prisons report on Feltham YOI?",
        "what grade did Bolton School get in its last ofsted inspection?",
        "How did the local area SEND inspection of Leeds turn out?",
    ],
)
def test_kinds_and_inspectorates_the_index_lacks_are_declined(question):
    a = _grounder().check(question)
    assert a is not None and a.reason is AbstainReason.KIND_NOT_HELD


def test_questions_about_what_is_held_pass():
    g = _grounder()
    assert g.check("What did the focused visit to Leeds find about the front door?") is None
    assert g.check("How are care leavers supported in Leeds?") is None
    assert proper_names("How did Bournemouth, Christchurch and Poole do?", PLACES) == []


# -- periods and kinds ---------------------------------------------------------------------


def test_seasons_and_parts_of_a_year():
    assert parse_period("the autumn 2020 visit") == Period(
        date(2020, 9, 1), date(2020, 11, 30), "autumn 2020"
    )
    assert parse_period("in spring 2021") == Period(
        date(2021, 3, 1), date(2021, 5, 31), "spring 2021"
    )
    assert parse_period("late 2020") == Period(date(2020, 9, 1), date(2020, 12, 31), "late 2020")
    p = parse_period("winter 2019")
    assert (p.start, p.end) == (date(2019, 12, 1), date(2020, 2, 29))


def test_kinds_named_and_kind_of_a_report():
    assert kinds_named("what did the focussed visit and the monitoring visit say?") == [
        "focused visit",
        "monitoring visit",
    ]
    assert kind_of(_report("Focused visit")) == "focused visit"
    assert kind_of(_report("Inspection of local authority children's services")) == "inspection"


# -- decide --------------------------------------------------------------------------------


def _sentence(text: str, sim: float) -> Sentence:
    chunk = Chunk(
        id="c1", report_id="r1", source="r.pdf", ordinal=0, text=text, embed_text=text,
        page_start=1,
        page_end=1, pdf_page_start=1, pdf_page_end=1,
    )  # fmt: skip
    return Sentence(text, 0, Hit(chunk=chunk, rank=1), sim=sim)


def test_one_policy_gives_typed_reasons():
    p = AbstentionSettings(below=0.3, soft_below=0.45, coverage=0.34)
    s = _sentence("Caseloads are manageable.", 0.6)
    ok = Evidence("How are caseloads?", [s.hit], [s], 0.6, 1.0, [s])
    assert decide(ok, p) is None
    weak = Evidence("How are caseloads?", [s.hit], [s], 0.2, 1.0, [s])
    assert decide(weak, p).reason is AbstainReason.WEAK_EVIDENCE
    soft = Evidence("How are caseloads?", [s.hit], [s], 0.4, 0.1, [s])
    assert decide(soft, p).reason is AbstainReason.WEAK_EVIDENCE
    figure = Evidence("How many children were in care?", [s.hit], [s], 0.6, 1.0, [s])
    assert decide(figure, p).reason is AbstainReason.FIGURE_NOT_STATED


# -- across and evaluation rules ------------------------------------------------------------


def test_topic_of_an_across_question():
    assert topic_of("Which reports mention Operation Encompass?") == "Operation Encompass"
    assert topic_of("which councils use the Signs of Safety model") == "the Signs of Safety model"


def test_evaluation_rules():
    ev = "Leaders have a clear understanding of the quality of practice"
    assert quotes_evidence(
        "Senior leaders have a clear understanding of the quality of practice.", ev
    )
    assert not quotes_evidence("Leaders are ambitious for children.", ev)
    row = "2.1 Adoption performance Inadequate 2.2 Experiences and progress of care leavers Good"
    assert quotes_evidence("2.1 Adoption performance Inadequate", row)
    assert not quotes_evidence("Adoption performance Good", row)
    assert not quotes_evidence("care leavers", row)
    assert states_grade("Its overall effectiveness was judged requires improvement [1].",
                        "requires improvement to be good")  # fmt: skip
    assert states_grade("It was a focused visit: focused visits are not graded [1].", "not graded")
    assert not states_grade("It was judged good [1].", "inadequate")


# -- follow-ups counted from the report a conversation was about ----------------------------


def _dated(rid: str, kind: str, y: int, m: int) -> ReportRecord:
    return ReportRecord(
        source=f"{rid}.pdf", sha256=rid, size=1, status="indexed", report_id=rid,
        report_type=kind, subject="Wakefield", inspection_start=date(y, m, 1),
        inspection_end=date(y, m, 12),
    )  # fmt: skip


def test_next_previous_and_since_count_from_the_carried_report():
    from assistant.question import QuestionResolver
    from assistant.records import Answer, Context

    ilacs = "Inspection of local authority children's services"
    res = QuestionResolver(
        [
            _dated("i2016", ilacs, 2016, 5),
            _dated("v2018", "Focused visit", 2018, 2),
            _dated("i2018", ilacs, 2018, 10),
            _dated("i2022", ilacs, 2022, 3),
        ]
    )
    first = Answer("q", "a", False, context=Context(subjects=("Wakefield",), report_ids=("v2018",)))
    nxt = res.understand("Did they improve by the next full inspection?", [first])
    assert nxt.context.report_ids == ("i2018",) and nxt.context.carried
    since = res.understand("have they kept that up since?", [first])
    assert since.context.report_ids == ("i2018", "i2022")
    before = res.understand("and what about the previous inspection?", [first])
    assert before.context.report_ids == ("i2016",)
    compared = res.understand("How does that compare with the previous inspection?", [first])
    assert compared.context.report_ids == ("v2018", "i2016")
    last = Answer("q", "a", False, context=Context(subjects=("Wakefield",), report_ids=("i2022",)))
    none = res.understand("and how did they do at the next one?", [last])
    assert (
        none.abstention is not None and none.abstention.reason is AbstainReason.PERIOD_NOT_COVERED
    )


def test_short_follow_up_naming_a_judgement_asks_for_its_grade():
    r = Router(PLACES, None)
    assert r.route("and what about help and protection?", True, after_grades=True).kind == "grade"
    assert r.route("and what about help and protection?", True, after_grades=False).kind == (
        "passages"
    )


def test_a_force_the_index_lacks_is_not_read_as_its_county_council():
    from assistant.question import QuestionResolver

    lancs = ReportRecord(
        source="l.pdf", sha256="l", size=1, status="indexed", report_id="l", subject="Lancashire",
        report_type="Inspection of local authority children's services",
    )  # fmt: skip
    u = QuestionResolver([lancs]).understand("What PEEL grade did Lancashire Constabulary get?")
    assert u.abstention is not None and u.abstention.reason is AbstainReason.SUBJECT_NOT_INDEXED
    assert u.abstention.missing == ("Lancashire Constabulary",)
    assert QuestionResolver([lancs]).understand("How did Lancashire do?").context.subjects == (
        "Lancashire",
    )


def _dated_in(rid: str, subject: str, y: int) -> ReportRecord:
    return replace(
        _dated(rid, "Inspection of local authority children's services", y, 3), subject=subject
    )


def test_carried_context_gives_way_to_what_the_new_question_says():
    from assistant.question import QuestionResolver
    from assistant.records import Answer, Context

    res = QuestionResolver(
        [_dated_in("w2018", "Wakefield", 2018), _dated_in("w2022", "Wakefield", 2022),
         _dated_in("l2015", "Leeds", 2015), _dated_in("l2022", "Leeds", 2022)]
    )  # fmt: skip
    listed = Answer(
        "q", "a", False, context=Context(date_from=date(2023, 1, 1), date_to=date(2023, 12, 31))
    )
    # A new place drops the earlier turn's year; "last time" is the newest report.
    u = res.understand("how was Leeds rated last time?", [listed])
    assert u.abstention is None and u.context.report_ids == ("l2022",)
    assert not u.context.date_from
    # A period the earlier turn asked for and no report covers is not carried into a new question.
    leeds_2019 = Answer(
        "q",
        "a",
        True,
        context=Context(
            subjects=("Leeds",), date_from=date(2019, 1, 1), date_to=date(2019, 12, 31)
        ),
    )
    u = res.understand("What is Ofsted's budget?", [leeds_2019])
    assert u.abstention is None and u.context.date_from is None
    # A covered period is still carried to a short follow-up about the same place.
    leeds_2015 = replace(
        leeds_2019,
        context=replace(leeds_2019.context, date_from=date(2015, 1, 1), date_to=date(2015, 12, 31)),
    )
    u = res.understand("and care leavers?", [leeds_2015])
    assert u.context.report_ids == ("l2015",) and u.context.carried


@pytest.mark.parametrize(
    "question",
    [
        "Has Croydon got better since 2017? What's the latest?",
        "have things got worse in Leeds since 2015",
    ],
)
def test_got_better_or_worse_since_asks_for_the_timeline(router, question):
    assert router.route(question).kind is RouteKind.TIMELINE


def test_an_improvement_question_with_a_topic_keeps_the_topic(router):
    r = router.route(
        "Which priority actions came out of Southampton's remote focused visit in May 2021?"
    )
    assert r.kind is RouteKind.IMPROVE and "remote" in r.topic


def test_template_sentences_and_template_openings_are_boilerplate():
    from assistant.boilerplate import Boilerplate

    def chunk(i: int, text: str) -> Chunk:
        return Chunk(
            id=f"r{i}:0", report_id=f"r{i}", source=f"r{i}.pdf", ordinal=0, text=text,
            embed_text=text, page_start=1, page_end=1, pdf_page_start=1, pdf_page_end=1,
        )  # fmt: skip

    places = ["Leeds", "Bury", "Hull", "Derby", "Luton", "Poole", "Slough", "Wigan", "York", "Bath"]
    chunks = [
        chunk(
            i,
            f"This letter summarises the findings of the visit to {p} on {i + 1} May. "
            f"Inspectors looked at the arrangements in {p} for children in need number {i} "
            f"and for the {['front door', 'care leavers', 'disabled children'][i % 3]}. "
            f"Children in {p} wait {i + 2} weeks for an assessment of their needs.",
        )
        for i, p in enumerate(places * 2)
    ]
    a = AnswerSettings()
    found = Boilerplate(
        chunks,
        min_reports=a.boilerplate_reports,
        opening_share=a.boilerplate_opening_share,
        opening_words=a.boilerplate_opening_words,
    )
    assert "This letter summarises the findings of the visit to Wakefield on 3 June." in found
    assert "Inspectors looked at the arrangements in Kent for children in need of help." in found
    assert "Children in Kent wait 9 weeks for an assessment of their needs." in found
    assert "Inspectors found that children wait too long for an assessment." not in found


def test_who_holds_a_role_is_answered_only_by_a_sentence_naming_role_and_person():
    from assistant.rerank import states_what_is_asked

    leaders = [
        "Since that inspection, corporate and senior leaders have failed to improve services."
    ]
    lead = ["Lead inspector: Dana Whitcombe, His Majesty’s Inspector"]
    named = ["The leader of the council, Councillor Priya Oduya, chairs the improvement board."]
    q = "who was leader of Wakefield council when the 2022 inspection took place?"
    assert not states_what_is_asked(q, leaders + lead)
    assert states_what_is_asked(q, named)
    assert not states_what_is_asked(
        "who is the current chief inspector of ofsted?",
        [
            "Her Majesty’s Chief Inspector of Education, Children’s Services and Skills leads the work."
        ],
    )
    assert states_what_is_asked("who was the lead inspector for Wakefield?", lead)
    assert states_what_is_asked("and who were the inspectors?", lead)


def test_a_grade_question_about_no_place_asks_for_the_list(router):
    q = "which councils got an outstanding overall ofsted result in reports published june 2019?"
    assert router.route(q).kind is RouteKind.LIST


def test_a_press_release_the_user_is_writing_is_no_kind_of_report():
    held = ["press release", "inspection", "focused visit", "area SEND inspection"]
    q = "I need a line from Ofsted's 2024 Redbridge report for a press release celebrating it"
    assert kinds_named(q, held) == []
    assert kinds_named("what did the HMIC press release say?", held) == ["press release"]
