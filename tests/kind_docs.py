"""Generated reports of the kinds beyond Ofsted's graded inspections and visits.

Each is laid out the way its inspectorates lay such reports out (cover, running header, dates,
the verdict in the report's own scheme, improvement lists), written here from scratch:

* an area SEND inspection of a local area partnership (Ofsted and CQC), with its outcome statement;
* a joint local area SEND inspection letter of the older framework (a written statement of
  action required);
* a joint targeted area inspection letter (four inspectorates; no grade, priority actions);
* a PEEL assessment of a police force (graded question areas; only a publication date);
* a youth justice inspection of HM Inspectorate of Probation (an overall rating);
* a report of an inspectorate no layout knows (an "assurance review" with its conclusion);
* an inspection under an invented framework that declares its own grade scale;
* ``UNDATED``, a plain-text thematic report that prints no date at all.

``KIND_DOCS`` maps a short name to the spec and what must be read from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from conftest import Block, PdfSpec, wrap

SEND_OUTCOME = (
    "The local area partnership's special educational needs and/or disabilities (SEND) "
    "arrangements lead to inconsistent experiences and outcomes for children and young people "
    "with SEND."
)
WSOA = (
    "As a result of the findings of this inspection and in accordance with the Children Act "
    "2004, Her Majesty's Chief Inspector has determined that a written statement of action is "
    "required because of significant areas of weakness in the local area's practice."
)
WEXLEY_CONCLUSION = (
    "Wexley Youth Justice Service keeps most children safe and helps them stay out of trouble, "
    "but its work with victims is not yet reliable."
)


@dataclass(frozen=True)
class KindDoc:
    """A generated report and what ingest must read from it.

    Attributes:
        name: Short id (the file is ``<name>.pdf``).
        spec: The PDF.
        kind: The kind expected.
        subject: The subject expected.
        inspectorates: The inspectorates expected (in order).
        start, end, published: The dates expected (None: not stated).
        grades: Judgement key -> normalised grade (None: stated without one).
        outcome: The outcome sentence expected verbatim, if any.
        improvements: How many improvement points are expected.
    """

    name: str
    spec: PdfSpec
    kind: str
    subject: str
    inspectorates: tuple[str, ...]
    start: date | None
    end: date | None
    published: date | None
    grades: dict[str, str | None] = field(default_factory=dict)
    outcome: str | None = None
    improvements: int = 0


def _paras(*texts: str) -> list[Block]:
    return [Block("p", wrap(t)) for t in texts]


def _bullets(*texts: str) -> list[Block]:
    return [Block("b", wrap(t, 70)) for t in texts]


SEND_IMPROVE = [
    "Leaders across education, health and care should make sure that education, health and "
    "care plans are completed within 20 weeks and are reviewed each year.",
    "The integrated care board should reduce the time children wait for a neurodevelopmental "
    "assessment, and keep families informed while they wait.",
]

SEND_2024 = PdfSpec(
    header="Area SEND inspection of Bedford Borough Local Area Partnership",
    footer="Ofsted and Care Quality Commission",
    first_printed=1,
    cover=[
        ("Area SEND inspection of Bedford", 22, True),
        ("Borough Local Area Partnership", 22, True),
        ("Inspection dates: 4 to 8 March 2024", 12, False),
        ("Dates of previous inspection: 11 to 15 June 2018", 12, False),
        ("Date of publication: 10 May 2024", 12, False),
    ],
    pages=[
        [],  # the cover page
        [
            Block("h", ["Inspection outcome"]),
            *_paras(SEND_OUTCOME),
            *_paras(
                "Ofsted and the Care Quality Commission (CQC) will carry out a full reinspection "
                "within approximately three years. The next monitoring inspection will take "
                "place within 18 months."
            ),
            Block("h", ["Information about the local area partnership"]),
            *_paras(
                "Bedford Borough Council and the Bedfordshire, Luton and Milton Keynes Integrated "
                "Care Board are jointly responsible for the planning and commissioning of "
                "services for children and young people with SEND in Bedford Borough."
            ),
        ],
        [
            Block("h", ["What is it like to be a child or young person with SEND in this area?"]),
            *_paras(
                "Many children and young people with SEND wait too long for speech and language "
                "therapy. Families told inspectors that they had to repeat their story to "
                "different professionals.",
                "Children who attend the specialist nursery make strong progress in their "
                "communication and independence.",
            ),
            Block("h", ["Areas for improvement"]),
            *_bullets(*SEND_IMPROVE),
        ],
    ],
)

SEND_2016 = PdfSpec(
    header="Joint local area SEND inspection in Northumberland",
    footer="Ofsted and CQC",
    first_printed=1,
    cover=[
        ("Joint local area SEND inspection in", 20, True),
        ("Northumberland", 20, True),
        ("Dates of inspection: 14 November 2016 to 18 November 2016", 12, False),
        ("Published: 19 January 2017", 12, False),
    ],
    pages=[
        [],  # the cover page
        [
            *_paras(
                "Between 14 November 2016 and 18 November 2016, Ofsted and the Care Quality "
                "Commission (CQC) conducted a joint inspection of the local area of "
                "Northumberland to judge the effectiveness of the area in implementing the "
                "disability and special educational needs reforms.",
                WSOA,
            ),
            Block("h", ["Main findings"]),
            *_paras(
                "Leaders have been too slow to understand how well the reforms are working. "
                "Too few parents feel that their views are listened to."
            ),
        ],
    ],
)

JTAI_PRIORITIES = [
    "Leaders in the police and children's social care should make sure that strategy "
    "discussions include health professionals when children are at risk of exploitation.",
    "The partnership should make sure that return home interviews are offered to every child "
    "who has been missing.",
]

JTAI = PdfSpec(
    header="Joint targeted area inspection of Cheshire East",
    footer="Ofsted, CQC, HMICFRS and HMI Probation",
    first_printed=1,
    cover=[
        ("Joint targeted area inspection of the", 18, True),
        ("multi-agency response to children at risk of", 18, True),
        ("criminal exploitation in Cheshire East", 18, True),
    ],
    pages=[
        [],  # the cover page
        [
            *_paras(
                "This letter summarises the findings of a joint targeted area inspection (JTAI) "
                "of the multi-agency response to children at risk of criminal exploitation in "
                "Cheshire East.",
                "The inspection took place from 20 to 24 May 2024. It was carried out by "
                "inspectors from Ofsted, the Care Quality Commission (CQC), His Majesty's "
                "Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS) and His "
                "Majesty's Inspectorate of Probation (HMI Probation).",
            ),
            Block("h", ["Headline findings"]),
            *_paras(
                "Children at risk of criminal exploitation are identified quickly by schools and "
                "the police. The exploitation hub shares information well, and disruption "
                "activity has reduced the number of children carrying knives."
            ),
        ],
        [
            Block("h", ["Areas for priority action"]),
            *_bullets(*JTAI_PRIORITIES),
            Block("h", ["Next steps"]),
            *_paras(
                "The partnership is required to prepare a written statement of proposed action "
                "responding to the findings outlined in this letter."
            ),
        ],
    ],
)

PEEL = PdfSpec(
    header="PEEL 2023–2025: An inspection of Dorset Police",
    footer="His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
    first_printed=1,
    cover=[
        ("PEEL 2023–2025", 22, True),
        ("Police effectiveness, efficiency and legitimacy", 16, False),
        ("An inspection of Dorset Police", 16, False),
        ("His Majesty's Inspectorate of Constabulary and Fire & Rescue Services", 11, False),
        ("Published: 12 April 2024", 12, False),
    ],
    pages=[
        [],  # the cover page
        [
            Block("h", ["Our judgements"]),
            *_paras(
                "Dorset Police is good at preventing crime.",
                "Dorset Police is adequate at investigating crime.",
                "The force requires improvement at responding to the public.",
                "Dorset Police is outstanding at building and developing its workforce.",
            ),
        ],
        [
            Block("h", ["Investigating crime"]),
            *_paras(
                "The force does not always supervise investigations well. Victims of burglary "
                "are not always kept informed, and too many cases are closed before all lines of "
                "enquiry are followed."
            ),
            Block("h", ["Areas for improvement"]),
            *_bullets("The force should make sure it answers emergency calls within ten seconds."),
        ],
    ],
)

PROBATION = PdfSpec(
    header="An inspection of youth justice services in Wigan",
    footer="HM Inspectorate of Probation",
    first_printed=1,
    cover=[
        ("An inspection of youth justice services in", 20, True),
        ("Wigan", 20, True),
        ("HM Inspectorate of Probation", 12, False),
        ("Fieldwork dates: 4 to 8 September 2023", 12, False),
        ("Published: 30 November 2023", 12, False),
    ],
    pages=[
        [],  # the cover page
        [
            Block("h", ["Overall findings"]),
            *_paras(
                "Overall, Wigan Youth Justice Service is rated as: Good.",
                "Staff know the children well and build trusting relationships with them. "
                "Out-of-court disposal work is a strength.",
            ),
        ],
        [
            Block("h", ["Ratings by standard"]),
            *_paras("1.1 Governance and leadership: Good", "1.2 Staff: Outstanding"),
            Block("h", ["Recommendations"]),
            *_bullets(
                "The youth justice service should improve the quality of its risk of harm "
                "assessments."
            ),
        ],
    ],
)

# An invented framework that declares its own grade scale (no report here grades in it).
DECLARED_SCALE = PdfSpec(
    header="Inspection of children's services: Marlow Vale Council",
    footer="Care Standards Inspectorate for England",
    first_printed=1,
    cover=[
        ("Inspection of children's services", 20, True),
        ("Marlow Vale Council", 20, True),
        ("Inspection dates: 9 to 13 March 2026", 12, False),
        ("Published: 24 April 2026", 12, False),
    ],
    pages=[
        [],  # the cover page
        [
            Block("h", ["About this inspection"]),
            *_paras(
                "This inspection was carried out under the 2026 framework. Grades are given on "
                "a four-point scale: exceptional, strong, expected standard and needs attention.",
            ),
            Block("h", ["Grades"]),
            *_paras(
                "Overall effectiveness: Strong",
                "Help and protection: Expected standard",
                "Children in care: Needs attention",
            ),
        ],
        [
            Block("h", ["What we found"]),
            *_paras(
                "Social workers know their children well. Leadership is strong and stable, and "
                "plans for children in care are not always reviewed on time."
            ),
        ],
    ],
)

# A report card in Ofsted's renewed words, which it does not explain.
REPORT_CARD = PdfSpec(
    header="Report card: Harlow Brook Council",
    footer="Ofsted",
    first_printed=1,
    cover=[
        ("Inspection of local authority children's services", 20, True),
        ("Harlow Brook Council", 20, True),
        ("Inspection dates: 2 to 6 February 2026", 12, False),
    ],
    pages=[
        [],  # the cover page
        [
            Block("h", ["Report card"]),
            *_paras(
                "Leadership",
                "Strong standard",
                "Help and protection",
                "Expected standard",
                "Care leavers",
                "Needs attention",
            ),
        ],
    ],
)

# Lines that look like ratings in words no scale of this report holds.
NO_SCALE = PdfSpec(
    header="A review of partnership working: Marlow Vale",
    footer="Care Standards Inspectorate for England",
    first_printed=1,
    cover=[("A review of partnership working in Marlow Vale", 20, True)],
    pages=[
        [],
        [
            Block("h", ["Findings"]),
            *_paras("Leadership: Strong", "Partnerships: Exceptional"),
        ],
    ],
)


NEVER_SEEN = PdfSpec(
    header="Northland Inspectorate of Care Standards",
    footer="Assurance review: Wexley Youth Justice Service",
    first_printed=1,
    cover=[
        ("Assurance review of Wexley Youth", 20, True),
        ("Justice Service", 20, True),
        ("Dates of on-site work: 2 to 5 September 2025", 12, False),
        ("Date of publication: 30 October 2025", 12, False),
    ],
    pages=[
        [],  # the cover page
        [
            Block("h", ["Our conclusion"]),
            *_paras(WEXLEY_CONCLUSION),
            Block("h", ["What we found"]),
            *_paras(
                "Reviewers read the records of 24 children. Plans to keep children safe were "
                "clear in most cases, and children said their workers listened to them. Victims "
                "were not always contacted before a decision about a restorative meeting."
            ),
        ],
        [
            Block("h", ["What needs to improve"]),
            *_bullets(
                "The service should contact every victim before deciding how to work with a child.",
                "Managers should check that safety plans are reviewed when a child's "
                "circumstances change.",
            ),
        ],
    ],
)

# A report whose dates are printed nowhere: a period must still find it.
UNDATED = """Thematic inspection of support for young carers in Wigan

Inspectors from the Northland Inspectorate of Care Standards visited Wigan to look at how young carers are identified and supported.

Young carers told inspectors that their school counsellor was the first person who asked about their caring role.

Too few young carers had an assessment of their own needs, and some waited many months for one.
"""

KIND_DOCS: dict[str, KindDoc] = {
    d.name: d
    for d in (
        KindDoc(
            "send-bedford-2024", SEND_2024, "area SEND inspection", "Bedford", ("Ofsted", "CQC"),
            date(2024, 3, 4), date(2024, 3, 8), date(2024, 5, 10),
            grades={"overall": None}, outcome=SEND_OUTCOME, improvements=2,
        ),
        KindDoc(
            "send-northumberland-2016", SEND_2016, "area SEND inspection", "Northumberland",
            ("Ofsted", "CQC"), date(2016, 11, 14), date(2016, 11, 18), date(2017, 1, 19),
            grades={"overall": None}, outcome=WSOA,
        ),
        KindDoc(
            "jtai-cheshire-east-2024", JTAI, "joint targeted area inspection", "Cheshire East",
            ("Ofsted", "CQC", "HMICFRS", "HMI Probation"), date(2024, 5, 20), date(2024, 5, 24),
            None, improvements=2,
        ),
        KindDoc(
            "peel-dorset-2024", PEEL, "PEEL assessment", "Dorset Police", ("HMICFRS",),
            None, None, date(2024, 4, 12),
            grades={
                "rated_preventing_crime": "good",
                "rated_investigating_crime": None,
                "rated_responding_to_the_public": "requires_improvement",
                "rated_building_and_developing_its_workforce": "outstanding",
            },
            improvements=1,
        ),
        KindDoc(
            "yjs-wigan-2023", PROBATION, "youth justice inspection", "Wigan", ("HMI Probation",),
            date(2023, 9, 4), date(2023, 9, 8), date(2023, 11, 30),
            grades={"overall": "good", "rated_governance_and_leadership": "good",
                    "rated_staff": "outstanding"},
            improvements=1,
        ),
        KindDoc(
            "scale-marlow-vale-2026", DECLARED_SCALE, "inspection", "Marlow Vale",
            ("Care Standards Inspectorate for England",), date(2026, 3, 9), date(2026, 3, 13),
            date(2026, 4, 24),
            grades={"overall": None, "rated_help_and_protection": None,
                    "rated_children_in_care": None},
        ),
        KindDoc(
            "assurance-wexley-2025", NEVER_SEEN, "assurance review", "Wexley",
            ("Northland Inspectorate of Care Standards",), date(2025, 9, 2), date(2025, 9, 5),
            date(2025, 10, 30), grades={"overall": None}, outcome=WEXLEY_CONCLUSION,
            improvements=2,
        ),
    )
}  # fmt: skip
