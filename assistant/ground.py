"""Ground: decline a question that names what the index does not hold.

Run after understanding and before routing, so that a grade question about "Bolton School" is
not answered with Bolton council's grade. A question is declined, saying what is missing and
what the index does hold, when it names

* a kind of report no indexed report is (a PEEL assessment, an area SEND inspection);
* an inspectorate or kind of institution no indexed report is about (a CQC hospital inspection,
  an HM Inspectorate of Prisons report, a school's own inspection);
* a proper name (a person, a school, a home, a hospital) that no indexed passage contains.
"""

from __future__ import annotations

import re
from collections import Counter

from assistant.kinds import covers, kind_of, kinds_named
from assistant.records import AbstainReason, Abstention
from assistant.route import mask_places
from ingest.dates import MONTHS
from ingest.subjects import SubjectResolver
from vectorstore.records import ReportRecord

# Inspectorates and institutions outside what children's services and police reports cover,
# each with the inspectorate or kind of report that would have to be indexed to answer it.
_ELSEWHERE: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p, re.I if flags else 0), what, needs)
    for p, what, needs, flags in (
        (r"\b(?:CQC|Care\s+Quality\s+Commission)\b", "Care Quality Commission reports", "CQC", 1),
        (r"(?i:\bHM\s*I(?:nspectorate\s+of)?\s*Prisons\b)|\bHMIP\b|\bHMP\s+[A-Z]|\b[A-Z][a-z]+\s+YOI\b|"
         r"\bprison\s+(?:inspection|report|rating)s?\b",
         "prison inspection reports", "HMI Prisons", 0),
        (r"\bHM\s*I(?:nspectorate\s+of)?\s*Probation\b", "probation inspection reports",
         "HMI Probation", 1),
        (r"\b[A-Z][a-z]+\s+Hospital\b|\b[Hh]ospital(?:['’]s)?\s+(?:inspection|rating|report)s?\b|"
         r"\b[Mm]aternity\s+(?:services|unit|ward)|\bGP\s+(?:practice|surgery)\b|\bNHS\s+[Tt]rust",
         "hospital or health service inspection reports", "CQC", 0),
        (r"\bEstyn\b|\bCare\s+Inspectorate\b|\bEducation\s+Scotland\b",
         "reports of inspectorates outside England", "other", 1),
        (r"\bUniversity\s+of\s+[A-Z][a-z]+|\b[A-Z][a-z]+\s+University\b|\bOffice\s+for\s+Students\b|"
         r"(?i:\buniversit(?:y|ies)(?:['’]s?)?\s+(?:rating|inspection|review|teaching|degree|course)s?\b)",
         "reports on universities", "Office for Students", 0),
        (r"(?i:\bTEF\b|\buniv[a-z]*\s+of\s+[a-z]{3,})",
         "reports on universities", "Office for Students", 0),
        (r"\bfire\s+and\s+rescue\b|\bfire\s+(?:service|authority|brigade)s?\b", "fire and rescue service reports",
         "Fire", 1),
        (r"\b(?:school|academy|college|nursery)['’]s\s+(?:ofsted\s+)?(?:inspection|grade|rating|report)"
         r"|\b(?:[A-Z][a-z]+\s+){1,6}(?:School|Academy|College|Nursery)\b",
         "inspection reports of individual schools", "school", 0),
    )
)  # fmt: skip

_NAME = re.compile(
    r"\b(?:[A-Z][a-z’']+|[A-Z]{2,}|St\.?)(?:\s+(?:of|the|and|upon|on|de|[A-Z][a-z’']+|[A-Z]{2,}))*"
    r"\s+(?:[A-Z][a-z’']+|[A-Z]{2,})\b"
)
# Runs of capitalised words are bounded ({0,5}): unbounded, a long run with no "House" at its
# end is retried from every word of it (quadratic in the length of the question).
_INSTITUTION = re.compile(
    r"\b[A-Z][a-z’']+(?:\s+[A-Z][a-z’']+){0,5}\s+(?:House|Lodge|Court|Hall|Home|Centre|Center|"
    r"School|Academy|College|Hospital|Trust|Clinic|Unit|Village)\b"
)
# A named school or home typed in lower case ("st bede's school", "oakwood primary school").
_INSTITUTION_TYPED = re.compile(
    r"\bst\.?\s+[a-z’']+(?:['’]s)?\s+(?:(?:primary|secondary|high|junior|infant|catholic|"
    r"church)\s+)?(?:school|academy|college|hospital|nursery|church)\b"
    r"|\b[a-z’']{4,}\s+(?:primary|secondary|high|junior|infant)\s+(?:school|academy)\b"
    # "willow lodge childrens home", "harris academy": a named home or academy.
    r"|\b(?:(?!the\b|and\b|for\b|our\b|their\b)[a-z’']{3,}\s+)?"
    r"(?!the\b|and\b|for\b|our\b|their\b|an?\b|residential\b|virtual\b|free\b|local\b)"
    r"[a-z’']{3,}\s+(?:lodge|grange|manor|academy)\b",
    re.I,
)
# Words that start a question or name the trade: a capitalised run of only these is no name.
_OPENERS = (
    "under", "after", "before", "since", "during", "with", "without", "about", "according",
    "following", "across", "between", "if", "as", "by", "compared", "regarding", "within",
    "over", "into", "through", "but", "so", "also", "then", "now", "this", "that", "these",
    "those", "my", "our", "your", "we", "you", "they",
)  # fmt: skip
_COMMON = frozenset(
    [
        # Words that open a sentence ("Under Ofsted's new framework, …") are no part of a name.
        *_OPENERS,
        "what",
        "who",
        "whom",
        "which",
        "when",
        "where",
        "why",
        "how",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "would",
        "should",
        "has",
        "have",
        "had",
        "tell",
        "give",
        "show",
        "list",
        "name",
        "please",
        "i",
        "i'd",
        "i'm",
        "in",
        "on",
        "at",
        "for",
        "from",
        "the",
        "a",
        "an",
        "and",
        "of",
        "to",
        "ofsted",
        "ofsted's",
        "hmic",
        "hmicfrs",
        "hmi",
        "council",
        "council's",
        "councils",
        "children",
        "children's",
        "childrens",
        "services",
        "service",
        "social",
        "care",
        "inspection",
        "inspections",
        "inspector",
        "inspectors",
        "report",
        "reports",
        "local",
        "authority",
        "authorities",
        "borough",
        "county",
        "city",
        "district",
        "police",
        "constabulary",
        "force",
        *MONTHS,
        "focused",
        "visit",
        "visits",
        "monitoring",
        "letter",
        "press",
        "release",
        "ilacs",
        "sif",
        "jtai",
        "send",
        "peel",
        "judgement",
        "overall",
        "effectiveness",
        "leadership",
        "leaders",
        "adoption",
        "help",
        "protection",
        "leavers",
        "looked",
        "after",
        "safeguarding",
        "board",
        "lscb",
        "mash",
        "x",
        "area",
        "areas",
        "partnership",
        "england",
        "uk",
        "government",
        "department",
        "education",
        "dfe",
        "covid",
        "covid-19",
        "england's",
        "her",
        "majesty's",
        "majesty",
        "chief",
        "executive",
        "director",
        "quote",
        "line",
        "statement",
    ]
)


# Opinions and forecasts: "is Cornwall a better council to work for than Devon?", "should
# Herefordshire's services be handed to a trust?", "do you think ...", "will they be outstanding
# next time?". Questions about what a report says should happen ("what should X improve") are
# findings, not opinions.
_OPINION = re.compile(
    r"\bin\s+(?:your|ur)\s+(?:own\s+)?(?:view|opinion)\b|"
    r"^\s*(?:do\s+(?:you|u|ya)\s+(?:think|reckon|believe)|"
    r"what\s+do\s+(?:you|u)\s+(?:think|reckon)|would\s+(?:you|u)\s+(?:say|recommend|advise))\b"
    r"|\bbetter\s+(?:council|place|authority|employer|borough|county)s?\s+to\s+work\b"
    r"|\b(?:better|worse|nicer)\s+(?:place|council|employer)\b[^?]*\bthan\b"
    r"|^\s*should\s+(?!(?:the\s+)?(?:report|inspectors?|ofsted)\b)[^?]{2,80}?\s+be\s+"
    r"(?:handed|taken|given|transferred|put|placed|moved|closed|privatised|outsourced|run|"
    r"scrapped|abolished|merged|sacked|replaced)\b"
    r"|^\s*(?:will|is\s+\S+(?:\s+\S+){0,3}\s+likely\s+to|are\s+\S+(?:\s+\S+){0,3}\s+likely\s+to)"
    r"\b[^?]{0,80}\b(?:next|future|upcoming|again)\b",
    re.I,
)


def asks_opinion(question: str) -> bool:
    """True when a question asks for an opinion, a recommendation of the assistant's own or a
    forecast, none of which a report states ("according to the report" asks what it says)."""
    return bool(_OPINION.search(question)) and not _ATTRIBUTED.search(question)


_ATTRIBUTED = re.compile(
    r"\baccording\s+to\b|\b(?:reports?|inspectors?|ofsted|inspectorate)\s+(?:say|said|says|"
    r"recommend\w*|suggest\w*|find|found|think|thought|conclude\w*)\b",
    re.I,
)


def proper_names(question: str, resolver: SubjectResolver) -> list[str]:
    """Capitalised names in a question that are not places, periods or words of the trade."""
    text = mask_places(question, resolver)
    # An institution may carry a place's name ("Bolton School"): read those before masking.
    names = [m.group(0) for m in _INSTITUTION.finditer(question)]
    names += [m.group(0) for m in _INSTITUTION_TYPED.finditer(question)]
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        while words and words[0].lower().strip("’'") in _COMMON:
            words = words[1:]
        if len(words) >= 2 and any(w.lower().strip("’'") not in _COMMON for w in words):
            names.append(" ".join(words))
    out = []
    for n in names:
        n = re.sub(r"['’]s$", "", n.strip())
        if "X" in n.split() or len(n) < 5:
            continue
        out.append(n)
    return list(dict.fromkeys(out))


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[’']", "'", text).lower().split())


class Grounder:
    """Checks a question's names and kinds against what the index holds.

    Args:
        reports: The live reports.
        resolver: The subjects the index holds.
        mentions: Returns the texts of the passages that best match a phrase (keyword search).
    """

    def __init__(self, reports: list[ReportRecord], resolver: SubjectResolver, mentions) -> None:
        self.resolver = resolver
        self.mentions = mentions
        self.kinds = Counter(kind_of(r) for r in reports)
        # Every author of every report: a joint inspection's CQC counts as held.
        self.inspectorates = {
            i for r in reports for i in (r.inspectorates or [r.inspectorate]) if i
        }

    def holds(self) -> str:
        """What the index holds, in words ("412 inspections, 325 focused visits …")."""
        parts = [f"{n} {k}{'s' if n != 1 else ''}" for k, n in self.kinds.most_common()]
        by = ", ".join(sorted(self.inspectorates)) or "no inspectorate"
        return f"the index holds {', '.join(parts)} (by {by})"

    def check(self, question: str, subjects: tuple[str, ...] = ()) -> Abstention | None:
        """An abstention when the question names what no indexed report holds, or asks for an
        opinion or a forecast that no report gives, else None.

        Args:
            question: The question.
            subjects: The places it is steered to: a name it gives ("St Mary's children's home
                in Cornwall") must then stand in a report on one of them.
        """
        if asks_opinion(question):
            return Abstention(
                AbstainReason.OPINION,
                "The reports record what inspectors found; they give no opinion on this and "
                "make no forecasts. Ask what a report found or how it graded a council instead; "
                f"{self.holds()}.",
            )
        for kind in kinds_named(question, self.kinds):
            if not any(covers(kind, held) for held in self.kinds):
                return Abstention(
                    AbstainReason.KIND_NOT_HELD,
                    f"The index holds no {kind} reports; {self.holds()}.",
                    (kind,),
                )
        for rx, what, needs in _ELSEWHERE:
            m = rx.search(question)
            if m and not any(
                needs.lower() in held.lower() for held in (*self.inspectorates, *self.kinds)
            ):
                return Abstention(
                    AbstainReason.KIND_NOT_HELD,
                    f"The index holds no {what}; {self.holds()}.",
                    (m.group(0),),
                )
        for name in proper_names(question, self.resolver):
            want = _norm(name)
            if not any(want in _norm(t) for t in self.mentions(name, subjects)):
                on = f" on {' or '.join(subjects)}" if subjects else ""
                return Abstention(
                    AbstainReason.ENTITY_NOT_FOUND,
                    f"No indexed report{on} mentions “{name}”; {self.holds()}.",
                    (name,),
                )
        return None
