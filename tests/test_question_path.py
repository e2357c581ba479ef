"""The question path on questions phrased as other people phrase them: a grade stated as a
premise, a report picked before a dash, short follow-ups after grades, "the next one",
compass-point short forms, places outside England, universities and fire services, figures in
template-shaped lines, and forces a report only speaks of. Small records; the real model where
a stage embeds."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answer import Composer, Sentence
from assistant.decide import decide
from assistant.evidence import Evidence
from assistant.ground import Grounder
from assistant.periods import parse_period
from assistant.question import QuestionResolver
from assistant.records import AbstainReason, Answer, Context
from assistant.rerank import states_what_is_asked
from assistant.route import ExemplarRouter, RouteKind, Router
from assistant.route_words import main_clause
from assistant.settings import AbstentionSettings, Settings
from ingest.records import Chunk
from ingest.subjects import LOCAL_AUTHORITIES, POLICE_FORCES, SubjectResolver
from vectorstore.records import Hit, ReportRecord

PLACES = SubjectResolver([*LOCAL_AUTHORITIES, *POLICE_FORCES])
ILACS = "Inspection of local authority children's services"


@pytest.fixture(scope="module")
def router(embedder):
    return Router(PLACES, ExemplarRouter(embedder))


# -- route -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Despite its outstanding judgement in 2023, what did Norfolk still need to improve?", "improve"),
        ("After Kirklees was judged inadequate in 2016, which council was given responsibility "
         "for overseeing its improvement?", "passages"),
        ("whats the rate of looked after childen per 10,000 in darlington in the 2015 inspection?",
         "passages"),
        ("hackney front door focussed visit oct 2022 - what rating did they get?", "grade"),
        ("luton care leavers focused visit sept 2024 — did they get good or requires improvement?",
         "grade"),
        ("what grade did durham get from the focused visit in july 2021? was it inadequate given "
         "the priority actions?", "grade"),
        ("What did Ofsted tell Norfolk to improve after it was rated inadequate?", "improve"),
        ("How did Ofsted judge help and protection services for children in Norfolk?", "grade"),
        ("After the 2019 inspection, how was Norfolk rated?", "grade"),
    ],
)  # fmt: skip
def test_what_a_question_asks_decides_its_route(router, question, kind):
    assert router.route(question).kind == kind


def test_the_main_clause_of_a_question():
    q = "Despite its outstanding judgement in 2023, what did Norfolk still need to improve?"
    assert main_clause(q) == "what did Norfolk still need to improve?"
    # The clause after the comma asks about grades too: the question stays whole.
    q = "After its inadequate judgement, what grade did Norfolk get next?"
    assert main_clause(q) == q
    assert main_clause("leeds 2019 - what rating did they get?") == "what rating did they get?"
    # Words before a dash that pick the report stay when the question after it is no grade one.
    q = "leeds 2019 front door visit - what did they need to improve?"
    assert main_clause(q) == q


def test_short_follow_ups_after_grades_ask_for_the_grades():
    r = Router(PLACES, None)
    for q in (
        "and how did they do at the next one?",
        "what did they get at the next full inspectoin?",
        "have they kept that up since?",
    ):
        assert r.route(q, True, after_grades=True).kind is RouteKind.GRADE, q
        assert r.route(q, True, after_grades=False).kind is RouteKind.PASSAGES, q
    found = "what did they find about the front door at the next one?"
    assert r.route(found, True, after_grades=True).kind is RouteKind.PASSAGES


# -- understand ------------------------------------------------------------------------------


def _dated(rid: str, kind: str, y: int, m: int, subject: str = "Medway") -> ReportRecord:
    return ReportRecord(
        source=f"{rid}.pdf", sha256=rid, size=1, status="indexed", report_id=rid,
        report_type=kind, subject=subject, inspection_start=date(y, m, 1),
        inspection_end=date(y, m, 12),
    )  # fmt: skip


def test_the_next_one_is_the_next_of_the_same_kind():
    res = QuestionResolver(
        [
            _dated("i2019", ILACS, 2019, 7),
            _dated("v2019", "Focused visit", 2019, 11),
            _dated("v2021", "Focused visit", 2021, 5),
            _dated("i2023", ILACS, 2023, 7),
        ]
    )
    # The grade question of 2019 was steered to both reports of that year.
    prev = Answer(
        "q", "a", False, context=Context(subjects=("Medway",), report_ids=("i2019", "v2019"))
    )
    assert res.understand("and how did they do at the next one?", [prev]).context.report_ids == (
        "i2023",
    )
    assert res.understand("and the next visit?", [prev]).context.report_ids == ("v2021",)


def test_the_year_of_the_report_wins_over_the_dates_of_its_figures():
    q = "how many kids were home educated in BCP at the time of the 2020 focused visit compared to sept 2019?"
    p = parse_period(q)
    assert (p.start, p.end) == (date(2020, 1, 1), date(2020, 12, 31))
    p = parse_period(
        "what did the 2023 joint area SEND inspection say about waiting lists in March 2021?"
    )
    assert (p.start, p.end) == (date(2023, 1, 1), date(2023, 12, 31))
    assert parse_period("in November 2022").words == "November 2022"


def test_compass_points_before_short_forms():
    assert PLACES.find_in("what did ofsted tell south glos to sort out?") == [
        "South Gloucestershire"
    ]
    assert PLACES.find_in("N Lincs 2019 inspection") == ["North Lincolnshire"]
    assert PLACES.find_in("how is N Yorks doing") == ["North Yorkshire"]
    assert PLACES.find_in("glos 2022 inspection") == ["Gloucestershire"]


@pytest.mark.parametrize(
    ("question", "place"),
    [
        (
            "has belfast had an ofsted inspection of childrens social care? what did it say",
            "Belfast",
        ),
        ("What did inspectors find about Cardiff's care leavers?", "Cardiff"),
        ("glasgow childrens services inspection findings?", "Glasgow City"),
    ],
)
def test_places_outside_england_are_places_no_report_is_about(question, place):
    leeds = _dated("l", ILACS, 2022, 3, subject="Leeds")
    u = QuestionResolver([leeds]).understand(question)
    assert u.abstention is not None and u.abstention.reason is AbstainReason.SUBJECT_NOT_INDEXED
    assert u.abstention.missing == (place,)


def test_a_force_no_report_is_about_named_beside_a_place_must_be_named_by_the_answer():
    leeds = _dated("l", ILACS, 2022, 3, subject="Leeds")
    q = "What did HMICFRS say about West Yorkshire Police's child protection work in Leeds?"
    u = QuestionResolver([leeds]).understand(q)
    assert u.filters.subjects == ("Leeds",) and u.abstention is None
    assert u.spoken_of == ("West Yorkshire Police",)
    assert (
        QuestionResolver([leeds])
        .understand("How do Leeds' social workers work with the police?")
        .spoken_of
        == ()
    )


# -- ground ----------------------------------------------------------------------------------


def _grounder() -> Grounder:
    return Grounder(
        [_dated("l", ILACS, 2022, 3, subject="Durham")], PLACES, lambda phrase, subjects=(): []
    )


@pytest.mark.parametrize(
    "question",
    [
        "What did the latest quality review say about Durham University's social work degree?",
        "how did the Office for Students rate teaching quality at the University of Sheffield?",
        "What did the inspection of Durham's fire and rescue service find?",
    ],
)
def test_universities_and_fire_services_are_not_held(question):
    a = _grounder().check(question)
    assert a is not None and a.reason is AbstainReason.KIND_NOT_HELD


def test_questions_about_care_leavers_at_university_pass():
    assert _grounder().check("how many care leavers in Durham are at university?") is None


# -- decide ----------------------------------------------------------------------------------


def _sentence(text: str, passage: str | None = None) -> Sentence:
    passage = passage or text
    chunk = Chunk(
        id="r:0", report_id="r", source="r.pdf", ordinal=0, text=passage, embed_text=passage,
        page_start=1, page_end=1, pdf_page_start=1, pdf_page_end=1,
    )  # fmt: skip
    return Sentence(text, 0, Hit(chunk=chunk, rank=1), sim=0.7)


def test_a_force_a_report_only_speaks_of_is_answered_only_from_passages_naming_it():
    p = AbstentionSettings(below=0.3, soft_below=0.45, coverage=0.34)
    q = "What did HMIC's child protection inspection of Northumbria Police conclude?"
    other = _sentence("HMIC is inspecting the child protection work of every police force.")
    ev = Evidence(q, [other.hit], [other], 0.7, 1.0, [other], must_name=("Northumbria Police",))
    a = decide(ev, p)
    assert a is not None and a.reason is AbstainReason.SUBJECT_NOT_INDEXED
    assert a.missing == ("Northumbria Police",)
    named = _sentence(
        "The force's response to missing children was good.",
        "Northumbria Police works closely with the council. The force's response to missing "
        "children was good.",
    )
    ev = Evidence(q, [named.hit], [named], 0.7, 1.0, [named], must_name=("Northumbria Police",))
    assert decide(ev, p) is None


def test_a_date_or_a_postcode_states_no_figure():
    q = "How many complaints about Sheffield were upheld by the Ombudsman in 2022?"
    assert not states_what_is_asked(
        q, ["This letter summarises the findings of the focused visit on 21 and 22 September 2022."]
    )
    assert not states_what_is_asked(
        q, ["Write to the Information Policy Team, Kew, London TW9 4DU."]
    )
    assert states_what_is_asked(q, ["At 31 January 2017, 401 children were subject to a plan."])


def test_template_shaped_lines_count_when_they_state_the_figure_asked(embedder):
    figure = "At 31 March 2015, 200 children are being looked after by the local authority."
    other = "Children looked after by the local authority are visited regularly by their workers."
    passage = f"{other} {figure}"
    chunk = Chunk(
        id="r:0", report_id="r", source="r.pdf", ordinal=0, text=passage, embed_text=passage,
        page_start=1, page_end=1, pdf_page_start=1, pdf_page_end=1,
    )  # fmt: skip
    st = Settings()
    composer = Composer(
        embedder,
        st.answer,
        weights=st.retrieval.weights,
        passages=st.retrieval.rerank_passages,
        embed_limit=st.retrieval.rerank_sentences,
        confident=st.abstention.soft_below,
    )
    composer.is_boilerplate = lambda text: text.startswith("At 31 March")
    hits = [Hit(chunk=chunk, rank=1)]
    focus = "many children looked after by the local authority"
    ranked = composer.score_sentences(focus, hits, set(), figures=True)
    plain = composer.score_sentences(focus, [Hit(chunk=chunk, rank=1)], set(), figures=False)
    score = {s.text: s.score for s in ranked}
    before = {s.text: s.score for s in plain}
    assert score[figure] > before[figure]
    assert score[other] == pytest.approx(before[other])


def test_lowercase_schools_and_universities_are_checked():
    g = _grounder()
    a = g.check("did the durham inspection mention st bede's school at all?")
    assert a is not None and a.reason is AbstainReason.ENTITY_NOT_FOUND
    a = g.check("TEF rating for the univeristy of sheffield?")
    assert a is not None and a.reason is AbstainReason.KIND_NOT_HELD


def test_which_part_and_leaving_a_grade(router):
    r = router.route("Portsmouth got good overall in 2023 but which bit didn't make good?")
    assert r.kind is RouteKind.GRADE and r.all_judgements and r.areas == ()
    r = router.route(
        "In Redbridge's 2016 inspection, how was the experience and progress of care leavers judged?"
    )
    assert r.kind is RouteKind.GRADE


def test_a_summary_page_ranks_higher_for_a_quote():
    from assistant.rerank import rank_passages
    from assistant.settings import RerankWeights

    def hit(page: int) -> Hit:
        c = Chunk(
            id=f"r:{page}", report_id="r", source="r.pdf", ordinal=page, text=f"Text {page}.",
            embed_text=f"Text {page}.", page_start=page, page_end=page, pdf_page_start=page,
            pdf_page_end=page,
        )  # fmt: skip
        return Hit(chunk=c, dense=0.5)

    w = RerankWeights(lead=0.0, lead_quote=0.2)
    body, summary = hit(7), hit(1)
    body.dense = 0.6
    assert rank_passages([body, summary], set(), 2, (), w)[0] is body
    body, summary = hit(7), hit(1)
    body.dense = 0.6
    assert rank_passages([body, summary], set(), 2, (), w, quote=True)[0] is summary


# -- questions of a fifth round of writers -----------------------------------------------------


def test_a_judgements_full_label_a_weakest_area_and_coming_out_ask_for_grades(router):
    r = router.route(
        "In Devon's January 2020 inspection, how was the impact of leaders on social work "
        "practice judged?"
    )
    assert r.kind is RouteKind.GRADE and [a.keys[0] for a in r.areas] == ["impact_of_leaders"]
    r = router.route(
        "Which area was weakest in Peterborough's inspection published in January 2024?"
    )
    assert r.kind is RouteKind.GRADE and r.all_judgements
    r = router.route("Telford 2016 - how did adoption performance come out?")
    assert r.kind is RouteKind.GRADE and [a.keys[0] for a in r.areas] == ["adoption"]
    r = router.route("Which areas of practice in Hackney were weakest at the front door?")
    assert r.kind is RouteKind.PASSAGES


def test_a_figures_own_date_is_no_report_date():
    p = parse_period(
        "wakefield 2016 report - how many kids were on a CP plan at end of march 2016?"
    )
    assert (p.start, p.end) == (date(2016, 1, 1), date(2016, 12, 31))
    # Counted at a date: a report of that date or a later one gives it.
    p = parse_period("how many children were in care at the end of March 2016 in Wakefield?")
    assert (p.start, p.end) == (date(2016, 3, 1), date(2017, 12, 31))
    p = parse_period("what happened at the Leeds inspection in March 2016")
    assert (p.start, p.end) == (date(2016, 3, 1), date(2016, 3, 31))


@pytest.mark.parametrize(
    ("question", "opinion"),
    [
        ("is cornwall a better council to work for as a social worker than devon?", True),
        ("should herefordshire's children's services be handed over to a children's trust?", True),
        ("Will Leeds be outstanding at its next inspection?", True),
        ("Do you think Ofsted was fair to Slough?", True),
        ("What should Devon improve?", False),
        ("should social workers be given smaller caseloads according to the report?", False),
        ("What did the report say should happen to supervision?", False),
    ],
)
def test_opinions_and_forecasts_are_declined(question, opinion):
    a = _grounder().check(question)
    assert (a is not None and a.reason is AbstainReason.OPINION) is opinion


def test_an_average_asks_for_a_figure():
    q = "What was the average caseload per social worker in Leeds in 2022?"
    assert not states_what_is_asked(q, ["Caseloads are too high in the assessment teams."])
    assert states_what_is_asked(q, ["Social workers hold an average of 22 children."])


def test_a_press_officers_framing_is_no_topic():
    from assistant.focus import focus_query

    res = QuestionResolver(
        [_dated("e", ILACS, 2023, 6, "Essex"), _dated("r", ILACS, 2024, 6, "Redbridge")]
    )
    u = res.understand(
        "I'm drafting a press release on Essex's 2023 ILACS result. Can you give me a quotable "
        "sentence from the report about leadership and governance?"
    )
    assert focus_query(u.question, u) == "leadership and governance"
    u = res.understand(
        "For our newsletter: an exact quote from the 2024 Redbridge ILACS report summing up "
        "the service for children."
    )
    assert focus_query(u.question, u) == "summing up the service for children"


def test_better_or_worse_after_a_grade_asks_how_the_grades_moved():
    r = Router(PLACES, None)
    q = "is that better or worse than the previous one?"
    assert r.route(q, True, after_grades=True).kind is RouteKind.TIMELINE
    assert r.route(q, True, after_grades=False).kind is RouteKind.PASSAGES
    res = QuestionResolver([_dated("i2022", ILACS, 2022, 11, "Dudley")])
    prev = Answer("q", "a", False, context=Context(subjects=("Dudley",), report_ids=("i2022",)))
    assert res.understand(q, [prev]).context.subjects == ("Dudley",)


def test_a_full_inspection_asked_of_a_year_with_only_a_visit_is_declined():
    res = QuestionResolver(
        [
            _dated("v2021", "Focused visit", 2021, 3, "Trafford"),
            _dated("i2022", ILACS, 2022, 11, "Trafford"),
        ]
    )
    u = res.understand("What grade did Trafford get in its full ILACS inspection in 2021?")
    assert u.abstention is not None and u.abstention.reason is AbstainReason.KIND_NOT_HELD
    assert "focused visit (2021)" in u.abstention.message
    # Without the insistence, the year's visit is the report meant.
    u = res.understand("What did the 2021 inspection of Trafford find?")
    assert u.abstention is None and u.context.report_ids == ("v2021",)


@pytest.mark.parametrize(
    ("question", "kind", "every"),
    [
        ("where did Barnsley land in its 2023 inspection?", "grade", False),
        ("How did Oldham do in 2024?", "grade", False),
        ("best area for Camden in 2022?", "grade", True),
        ("was any judgement outstanding in Hackney's 2019 report?", "grade", True),
        ("Did Thurrock go up or down from 2019 to 2022?", "timeline", False),
        ("portsmouth may 2023 - what did help and protecton get?", "grade", False),
        ("How did inspectors think Oldham did on the front door?", "passages", False),
        ("Did caseloads in Kent go up or down from 2019 to 2022?", "passages", False),
        ("how did Leeds perform with children missing from care?", "passages", False),
    ],
)  # fmt: skip
def test_how_a_council_did_and_its_best_area_ask_for_grades(router, question, kind, every):
    r = router.route(question, carried_subject=True)
    assert (r.kind, r.all_judgements) == (kind, every)


def test_named_homes_and_academies_typed_in_lower_case_are_checked():
    for q, name in (
        ("ofsted report on willow lodge childrens home in stockton - what grade?", "willow lodge"),
        ("whats the ofsted grade for harris academy?", "harris academy"),
    ):
        a = _grounder().check(q)
        assert a is not None and a.reason is AbstainReason.ENTITY_NOT_FOUND and a.missing == (name,)
    assert _grounder().check("what did the virtual school and the academy trust do?") is None


def test_a_rate_with_words_before_it_asks_for_a_figure():
    q = "What was the social worker vacancy rate in Derby according to its 2022 inspection?"
    assert not states_what_is_asked(q, ["Workforce challenges remain in Derby."])
    assert states_what_is_asked(q, ["The vacancy rate is 18%."])


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("has surrey ever been rated outstanding?", "timeline"),
        ("When was Torbay last judged inadequate?", "timeline"),
        ("Which year did Rochdale get outstanding?", "timeline"),
        ("Knowsley's result in the report published March 2023?", "grade"),
        ("what did sunderland get last time round?", "grade"),
        ("When did inspectors visit Torbay's front door?", "passages"),
    ],
)
def test_when_or_ever_asks_for_every_grade_and_a_result_for_the_grade(router, question, kind):
    assert router.route(question, carried_subject=True).kind == kind


def test_before_the_years_one_is_before_that_report():
    p = parse_period("what was Wigan's rating before the 2023 one?")
    assert (p.start, p.end, p.words) == (None, date(2023, 12, 31), "before the 2023 report")


@pytest.mark.parametrize(
    ("question", "grade"),
    [
        ("did wakefield manage to climb out of inadequate when ofsted went back in nov 2021?",
         "inadequate"),
        ("T&W summer 2024 - was help & protection outstanding like all the rest or a notch lower",
         "outstanding"),
        ("darlington - the report that came out 1 sept 2015 - what was the bottom line verdict?",
         None),
    ],
)  # fmt: skip
def test_leaving_a_grade_a_yes_no_grade_and_a_verdict_ask_for_grades(router, question, grade):
    r = router.route(question, carried_subject=True)
    assert r.kind is RouteKind.GRADE and r.grade == grade


def test_one_in_passing_is_no_figure_and_do_u_think_asks_an_opinion():
    q = "How many children were in the care of the Isles of Scilly in July 2023?"
    assert not states_what_is_asked(q, ["For example, in one child's case, the plan was late."])
    assert states_what_is_asked(q, ["Only one child is in the care of the council."])
    a = _grounder().check("do u think swindon will be out of inadequate by its next inspection")
    assert a is not None and a.reason is AbstainReason.OPINION


@pytest.mark.parametrize(
    "question",
    [
        "how effective was the LSCB in Bolton in 2016?",
        "Kent 2013 LAC inspection - capacity to improve?",
        "hull 2016 care leavers - RI?",
        "Where does Slough stand now with Ofsted?",
    ],
)
def test_a_judgement_named_alone_or_how_effective_it_was_asks_its_grade(router, question):
    assert router.route(question, carried_subject=True).kind is RouteKind.GRADE


@pytest.mark.parametrize(
    ("question", "area"),
    [
        ("In Newham's February 2019 inspection, how were the experiences and progress of "
         "children who need help and protection judged?", "help and protection"),
        ("H&F ILACS published May 2024: overall?", "overall effectiveness"),
        ("liverpool ILACS may 2023 - how were LAC rated (not care leavers)?", "children in care"),
        ("what grade did CiC get in Leeds, rather than care leavers?", "children in care"),
    ],
)  # fmt: skip
def test_a_judgements_full_label_an_abbreviation_and_one_set_aside(router, question, area):
    r = router.route(question, carried_subject=True)
    assert r.kind is RouteKind.GRADE and [a.name for a in r.areas] == [area]


def test_any_councils_with_a_grade_asks_for_the_list(router):
    r = router.route("any councils get outstanding in every judgement in reports published 2024?")
    assert r.kind is RouteKind.LIST and r.grade == "outstanding"


def test_slips_of_typing_in_the_words_of_a_route_are_read_as_meant():
    from assistant.route_words import ROUTE_VOCABULARY
    from assistant.spelling import word_slips

    known = {"judge", "leads"}.__contains__  # words in their own right
    q = "brent 2018 inspeciton, what grade for help and protetcion? leadrship? publishd? judge"
    assert word_slips(q, ROUTE_VOCABULARY, known) == [
        ("inspeciton", "inspection"),
        ("protetcion", "protection"),
        ("leadrship", "leadership"),
        ("publishd", "published"),
    ]
    assert word_slips("leads judge", ROUTE_VOCABULARY, known) == []


@pytest.mark.parametrize(
    "question",
    [
        "whats the average number of cases per social worker in enfield?",
        "Exactly how many unaccompanied asylum-seeking children was Hounslow looking after?",
        "What is the caseload in Enfield? I need the actual number",
    ],
)
def test_a_figure_asked_for_is_answered_only_by_a_count(question):
    names = ["Demand rose after the COVID-19 pandemic; support continues post-18 under section 20."]
    ages = ["Most 16- and 17-year-olds aged 16 to 17 are well supported."]
    assert not states_what_is_asked(question, names) and not states_what_is_asked(question, ages)
    assert states_what_is_asked(question, ["There are 56 children, on average 18 each."])


def test_a_sum_answers_a_money_question_only_when_spent_or_budgeted():
    q = "What is West Sussex County Council's children's services budget for 2024-25?"
    assert not states_what_is_asked(q, ["They match a £5,000 mortgage deposit for care leavers."])
    assert states_what_is_asked(q, ["The council has invested £2 million in early help."])
