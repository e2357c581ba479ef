"""Graded judgements and improvement points of an inspection report.

The extractor reads a report's pages as ``(printed page number, page text)`` pairs, the page text
holding one paragraph or heading per line (``ParsedReport.page_texts()`` gives exactly that). It
also copes with one *printed line* per line, as ``pymupdf``'s ``page.get_text()`` gives: every
pattern is matched on the page text with its whitespace collapsed, so line breaks do not matter.

Layouts it knows:

* ``ofsted-lac-2013`` -- the 2013 inspections of looked after children services: a four-point
  scale with *adequate*, section headings such as ``Capacity to improve Grade 3 (adequate)`` and a
  "Record of main findings" table at the end.
* ``ofsted-sif`` -- the 2013-2017 single inspection framework (SIF), combined with the review of
  the Local Safeguarding Children Board (LSCB), and its re-inspections: the front page states
  ``Children's services in X are inadequate`` (or ``The overall judgement is ...``) and lists the
  numbered judgements; the LSCB judgement is stated separately.
* ``ofsted-ilacs`` -- the 2018+ inspections of local authority children's services (ILACS): a
  ``Judgement / Grade`` table on the front page and headings such as
  ``The experiences and progress of children in care: good``.
* ``hmic`` -- HMIC/HMICFRS documents: PEEL pillar questions ("How effective is the force at
  ...? Good") are read when graded; HMICFRS's "adequate" keeps ``grade_key`` None (it sits
  between good and requires improvement on that five-point scale). Child protection
  inspections are not graded.

Precision comes first: a grade is taken only from the fixed statements of a layout, never from
prose. When two statements of the same judgement disagree, neither is kept. What a report does not
state is absent, and ``Catalogue.notes`` says why.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ingest.records import Judgement

FRAMEWORKS = ("ofsted-lac-2013", "ofsted-sif", "ofsted-ilacs", "hmic", "other")
"""The values ``Catalogue.framework`` takes (besides None: could not tell)."""

GRADE_KEYS = ("outstanding", "good", "requires_improvement", "inadequate")

# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def collapse_ws(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends.

    Args:
        text: Any text.

    Returns:
        The text with runs of whitespace (line breaks included) replaced by one space.
    """
    return _WS.sub(" ", text).strip()


def is_verbatim(quote: str, page_text: str) -> bool:
    """Tell whether a quote is a verbatim substring of a page once whitespace is collapsed.

    Args:
        quote: The quoted text.
        page_text: The text of the page it claims to come from.

    Returns:
        True when ``collapse_ws(quote)`` is non-empty and occurs in ``collapse_ws(page_text)``.
    """
    q = collapse_ws(quote)
    return bool(q) and q in collapse_ws(page_text)


def grade_key(grade: str) -> str | None:
    """Normalise a grade as printed to one of ``GRADE_KEYS``.

    The 2013 looked-after-children scale's *adequate* (a service that only meets minimum
    requirements) maps to ``requires_improvement``, the grade that replaced it; ``Grade 1`` to
    ``Grade 4`` map by number.

    Args:
        grade: The grade as the report prints it, e.g. ``"Requires improvement to be good"``,
            ``"Grade 4 (inadequate)"``, ``"adequate"``.

    Returns:
        The normalised grade, or None when the words are not a grade.
    """
    g = collapse_ws(grade).lower()
    if "inadequate" in g:
        return "inadequate"
    if "outstanding" in g:
        return "outstanding"
    if "requires improvement" in g or "require improvement" in g or "adequate" in g:
        return "requires_improvement"
    if "good" in g:
        return "good"
    m = re.search(r"grade\s*([1-4])", g)
    if m:
        return {"1": "outstanding", "2": "good", "3": "requires_improvement", "4": "inadequate"}[
            m.group(1)
        ]
    return None


# A grade as printed. Longest alternatives first. Case-insensitive only inside the group, so that
# the boundary after it can look at the case of the next word.
_GRADE = (
    r"(?i:grade\s*[1-4]\s*\(\s*(?:outstanding|good|adequate|inadequate)\s*\)"
    r"|requires?\s+improvement\s+to\s+be\s+good"
    r"|requires?\s+improvement"
    r"|outstanding|inadequate|adequate|good)"
)
# What may follow a grade: the end, a full stop, or a word that does not start in lower case
# (the next heading or sentence). "are good and improving" is therefore not a grade statement.
# (A footnote mark may sit after the full stop: "require improvement.2 The authority ...".)
_AFTER_GRADE = r"(?=\.?\s*$|\.?\s+[^a-z\s]|\.(?=[A-Z])|\.\d{1,2}(?:\s|$))"
_AFTER_GRADE_OR_BECAUSE = r"(?=\.?\s*$|\.?\s+[^a-z\s]|\.(?=[A-Z])|\.\d{1,2}(?:\s|$)|\s+because\b)"
_APOS = "['\u2019]"


@dataclass
class Catalogue:
    """What a report states about its graded judgements and what needs to improve.

    Attributes:
        framework: "ofsted-lac-2013", "ofsted-sif", "ofsted-ilacs", "hmic", "other", or None
            when the layout could not be told.
        judgements: The graded judgements, in the order the report states them.
        improvements: The "What needs to improve" / "Areas for improvement" / recommendation
            points, verbatim (whitespace collapsed).
        improvement_pages: Printed page where each of ``improvements`` starts (same order).
        notes: Why something is absent or was dropped, keyed by judgement key or topic
            ("framework", "overall", "improvements", ...).
    """

    framework: str | None = None
    judgements: list[Judgement] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    improvement_pages: list[int] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> Judgement | None:
        """Return the judgement with a normalised key, or None."""
        for j in self.judgements:
            if j.key == key:
                return j
        return None

    @property
    def overall(self) -> Judgement | None:
        """The overall effectiveness judgement, if the report states one."""
        return self.get("overall")


# --------------------------------------------------------------------------------------------
# Judgement labels per layout
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Label:
    key: str
    pattern: str  # regex for the label as printed (first letter matched case-sensitively)


def _label(key: str, words: str) -> _Label:
    """A label regex: words separated by any whitespace, first letter as printed, rest any case."""
    first, rest = words[0], words[1:]
    rest = re.sub(r"\\? ", r"\\s+", re.escape(rest).replace("\\ ", " "))
    return _Label(key, f"{re.escape(first)}(?i:{rest})")


_ILACS_LABELS = [
    _label(
        "impact_of_leaders",
        "The impact of leaders on social work practice with children and families",
    ),
    _label(
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
    ),
    _label("children_in_care", "The experiences and progress of children in care and care leavers"),
    _label("children_in_care", "The experiences and progress of children in care"),
    _label("care_leavers", "The experiences and progress of care leavers"),
    _label("overall", "Overall effectiveness"),
]

_SIF_LABELS = [
    _label("help_and_protection", "Children who need help and protection"),
    _label("children_in_care", "Children looked after and achieving permanence"),
    _label("adoption", "Adoption performance"),
    _label("care_leavers", "Experiences and progress of care leavers"),
    _label("leadership", "Leadership, management and governance"),
]

_SIF_HEADINGS = [
    _label(
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
    ),
    _label(
        "children_in_care",
        "The experiences and progress of children looked after and achieving permanence",
    ),
    _label("leadership", "Leadership, management and governance"),
]

_LAC_LABELS = [
    _label("overall", "Overall effectiveness"),
    _label("capacity_to_improve", "Capacity to improve"),
    _label("outcomes", "Outcomes for looked after children and young people"),
    _label("quality_of_provision", "Quality of provision"),
    _label("leadership", "Leadership and management"),
]

_LAC_HEADINGS = [
    _label(
        "overall", "Overall effectiveness of services for looked after children and young people"
    ),
    *_LAC_LABELS[1:],
]

_HMIC_LABELS = [
    _Label("effectiveness", r"How\s+effective\s+is\s+the\s+force\s+at\s+[^?]{3,160}\?"),
    _Label("efficiency", r"How\s+efficient\s+is\s+the\s+force\s+at\s+[^?]{3,160}\?"),
    _Label("legitimacy", r"How\s+legitimate\s+is\s+the\s+force\s+at\s+[^?]{3,160}\?"),
    _label("overall", "Overall judgement"),
]


def _alt(labels: Iterable[_Label]) -> str:
    return "|".join(f"(?P<L{i}>{lab.pattern})" for i, lab in enumerate(labels))


_NOT_JUDGED = r"(?i:not\s+judged|not\s+applicable)"


@dataclass
class _Cand:
    key: str
    judgement: str
    grade: str
    page: int
    quote: str
    rank: int  # 0 = primary statement (summary table); higher = supporting statement


class _Page:
    __slots__ = ("number", "raw", "flat", "lines")

    def __init__(self, number: int, raw: str) -> None:
        self.number = number
        self.raw = raw
        self.flat = collapse_ws(raw)
        self.lines = [collapse_ws(x) for x in raw.splitlines()]
        self.lines = [x for x in self.lines if x]


_GRADE_HEADER = re.compile(r"\s*Grade\b(?!\s*[1-4])")


class _Table:
    """A summary table of "label grade" pairs, compiled once for a list of labels."""

    def __init__(self, labels: list[_Label], *, numbered: bool) -> None:
        self.labels = labels
        num = r"(?:\d(?:\.\d)?\.?\s*)?" if numbered else ""
        alt = _alt(labels)
        self.start = re.compile(rf"{num}(?:{alt})")
        # A grade or "Not judged"; the 2013 table may repeat the grade as a number ("Inadequate
        # Grade 4").
        self.pair = re.compile(
            rf"\s*(?P<q>{num}(?:{alt})\s*:?\s*(?P<g>{_GRADE}|{_NOT_JUDGED})"
            rf"(?:\s+Grade\s*[1-4](?!\s*\())?){_AFTER_GRADE}"
        )
        self.label = re.compile(rf"\s*{num}(?:{alt})")
        self.grade = re.compile(rf"\s*(?P<g>{_GRADE}|{_NOT_JUDGED}){_AFTER_GRADE}")

    def _which(self, m: re.Match[str]) -> int:
        return next(int(k[1:]) for k, v in m.groupdict().items() if k.startswith("L") and v)

    def run_at(self, page: _Page, pos: int, rank: int) -> list[_Cand]:
        """The pairs that follow each other from ``pos`` on."""
        run: list[_Cand] = []
        while (m := self.pair.match(page.flat, pos)) is not None:
            i = self._which(m)
            name = collapse_ws(m.group(f"L{i}"))
            run.append(
                _Cand(self.labels[i].key, name, m.group("g"), page.number, m.group("q"), rank)
            )
            pos = m.end()
        return run

    def find(self, page: _Page, rank: int, start: int = 0) -> list[_Cand]:
        """The longest run of at least two pairs on a page, or a column-wise table.

        A column-wise table has all its labels first, then as many grades.
        """
        text = page.flat
        best: list[_Cand] = []
        for m0 in self.start.finditer(text, start):
            run = self.run_at(page, m0.start(), rank)
            if len(run) > len(best):
                best = run
        if len(best) >= 2:
            return best
        for m0 in self.start.finditer(text, start):
            pos = m0.start()
            labs: list[tuple[int, str]] = []
            while (m := self.label.match(text, pos)) is not None:
                i = self._which(m)
                labs.append((i, collapse_ws(m.group(f"L{i}"))))
                pos = m.end()
            if len(labs) < 2:
                continue
            if (m := _GRADE_HEADER.match(text, pos)) is not None:
                pos = m.end()  # the table's "Grade" column header
            grades: list[str] = []
            while len(grades) < len(labs) and (m := self.grade.match(text, pos)) is not None:
                grades.append(m.group("g"))
                pos = m.end()
            if len(grades) == len(labs):
                quote = text[m0.start() : pos].strip()
                return [
                    _Cand(self.labels[i].key, name, g, page.number, quote, rank)
                    for (i, name), g in zip(labs, grades, strict=True)
                ]
        return []


def _find_all(page: _Page, regex: re.Pattern[str], key: str, rank: int) -> list[_Cand]:
    out = []
    for m in regex.finditer(page.flat):
        out.append(
            _Cand(key, collapse_ws(m.group("j")), m.group("g"), page.number, m.group("q"), rank)
        )
    return out


# "is"/"are" and a grade, or "require(s) improvement".
_VERB = r"(?=are\s|is\s|requires?\s)(?:(?:are|is)\s+)?"
# SIF front page: "Children's services in Norfolk are inadequate", "The overall judgement is that
# children's services require improvement", "Children's services require improvement to be good".
_SIF_OVERALL = re.compile(
    rf"(?P<q>(?P<j>(?:The\s+overall\s+judgement\s+is\s+that\s+)?[Cc]hildren{_APOS}s\s+services?"
    rf"(?:\s+in\s+(?:the\s+)?[A-Z][^.;:]{{0,80}}?)?)\s+"
    rf"{_VERB}(?P<g>{_GRADE})){_AFTER_GRADE_OR_BECAUSE}"
)
_SIF_OVERALL_2 = re.compile(
    rf"(?P<q>(?P<j>The\s+overall\s+judgement)\s+is\s+(?P<g>{_GRADE})){_AFTER_GRADE}"
)
# LSCB: "The Local Safeguarding Children Board requires improvement", "The effectiveness of the
# Local Safeguarding Children Board (LSCB) is good", "The effectiveness of the LSCB is good".
_LSCB = re.compile(
    r"(?P<q>(?P<j>The\s+(?:judgement\s+for\s+the\s+)?(?:effectiveness\s+of\s+the\s+)?"
    r"(?:Local\s+Safeguarding\s+Children\s+Board(?:\s+\(LSCB\))?|LSCB))\s+"
    rf"{_VERB}(?P<g>{_GRADE})){_AFTER_GRADE_OR_BECAUSE}"
)


# SIF body: "The graded judgement for adoption performance is that it is good".
_SIF_GRADED = re.compile(
    r"(?P<q>The\s+graded\s+judgement\s+(?:for|about)\s+(?:the\s+)?"
    r"(?P<j>(?P<adoption>adoption(?:\s+performance)?)|(?:experiences?\s+and\s+progress\s+of\s+)?care\s+leavers)"
    rf"\s+(?:is\s+that\s+(?:it|they)\s+)?{_VERB}(?P<g>{_GRADE})){_AFTER_GRADE}",
    re.I,
)


def _lac_heading_regexes() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (
            lab.key,
            re.compile(
                rf"(?P<q>(?P<j>{lab.pattern})\s+(?P<g>Grade\s*[1-4]\s*\(\s*(?i:outstanding|good|adequate|inadequate)\s*\)))"
            ),
        )
        for lab in _LAC_HEADINGS
    ]


def _heading_regexes(labels: list[_Label], *, colon: bool) -> list[tuple[str, re.Pattern[str]]]:
    sep = r"\s*:\s*" if colon else r"\s+"
    tail = _AFTER_GRADE if colon else r"(?=\s+Summary\b)"
    return [
        (lab.key, re.compile(rf"(?P<q>(?P<j>{lab.pattern}){sep}(?P<g>{_GRADE})){tail}"))
        for lab in labels
    ]


_LAC_HEADING_RES = _lac_heading_regexes()
_ILACS_HEADING_RES = _heading_regexes(
    [lab for lab in _ILACS_LABELS if lab.key != "overall"], colon=True
)
_SIF_HEADING_RES = _heading_regexes(_SIF_HEADINGS, colon=False)

# --------------------------------------------------------------------------------------------
# Framework
# --------------------------------------------------------------------------------------------

_NOT_FOUND = re.compile(r"\bReport not found\b|document you requested no longer exists", re.I)
_HMIC = re.compile(
    rf"HM\s+Inspectorate\s+of\s+Constabulary|Her\s+Majesty{_APOS}s\s+Inspectorate\s+of\s+Constabulary|"
    r"\bHMICFRS\b|\bHMIC\b"
)
_LAC = re.compile(rf"Inspection\s+of\s+looked\s+after\s+children(?:{_APOS}s)?\s+services", re.I)
_SIF = re.compile(
    r"(?:Re-?inspection|Inspection)\s+of\s+services\s+for\s+children\s+in\s+need\s+of\s+help|"
    r"Review\s+of\s+the\s+effectiveness\s+of\s+the\s+Local\s+Safeguarding\s+Children",
    re.I,
)
_ILACS = re.compile(
    rf"Inspection\s+of\s+(?:the\s+)?[A-Z][^.]{{0,90}}?children{_APOS}s\s+(?:social\s+care\s+)?services|"
    rf"Inspection\s+of\s+children{_APOS}s\s+social\s+care\s+services|"
    r"\b(?:Focused|Monitoring)\s+visit\b",
    re.I,
)
_VISIT = re.compile(r"\b(?:Focused|Monitoring)\s+visit\b", re.I)
_LSCB_ONLY = re.compile(
    r"^(?:\S+\s+){0,12}?Review\s+of\s+the\s+effectiveness\s+of\s+the\s+Local\s+Safeguarding", re.I
)


def detect_framework(pages: Sequence[tuple[int, str]]) -> tuple[str | None, str]:
    """Tell a report's layout from its first pages.

    Args:
        pages: ``(printed page number, page text)`` pairs in reading order.

    Returns:
        ``(framework, why)``: one of ``FRAMEWORKS`` or None, and the evidence or the reason.
    """
    head = collapse_ws(" ".join(t for _, t in pages[:3]))
    if not head:
        return None, "the document has no text (a scanned file without OCR?)"
    if _NOT_FOUND.search(head) and len(head) < 3000:
        return "other", "not a report: the file is a 'Report not found' web page"
    ofsted = re.search(r"\bOfsted\b", head) is not None
    if _LAC.search(head):
        return "ofsted-lac-2013", "front page: 'Inspection of looked after children services'"
    if _SIF.search(head):
        return "ofsted-sif", "front page: single inspection framework / LSCB review title"
    if _ILACS.search(head):
        return "ofsted-ilacs", "front page: inspection of local authority children's services"
    if _HMIC.search(head) and not ofsted:
        return "hmic", "names HM Inspectorate of Constabulary"
    if ofsted:
        return "other", "an Ofsted document of no known inspection layout"
    return None, "no known inspection layout on the first pages"


# --------------------------------------------------------------------------------------------
# Improvements
# --------------------------------------------------------------------------------------------

_START_HEADINGS = re.compile(
    r"^(?:What needs to improve(?: in this (?:local authority|area of social work practice))?|"
    r"Recommendations|Areas? for improvement|Areas? for priority action|"
    r"Priority and immediate action|What the local authority needs to improve|"
    r"What does the (?:local authority|LSCB|Local Safeguarding Children Board) need to improve)\s*[?:]?$",
    re.I,
)
_END_HEADINGS = re.compile(
    r"^(?:(?:The )?experiences and progress|(?:The )?impact of leaders|Summary\b|Executive summary|"
    r"(?:Main |Headline )?findings$|Overview$|Next steps$|"
    r"Inspection findings|Information about|Section \d|The local authority$|"
    r"Record of main findings|Contents$|Grade\s*[1-4]\s*\(|"
    r"What the inspection judgements? mean|The Local Safeguarding Children Board|"
    r"The effectiveness of the|Overall effectiveness|Annex|Local leadership|Inspection judgements|"
    r"Children living in this area|Previous Ofsted inspections|Child protection in this area|"
    r"Children looked after in this area|Key strengths and weaknesses|Inspection judgement about|"
    rf"The local authority{_APOS}s strengths|The LSCB{_APOS}s strengths|Progress since the last inspection|"
    r"(?:This|The) (?:local authority|LSCB|Board) has the following strengths)",
    re.I,
)
# A judgement heading such as "The experiences and progress of care leavers: good" ends a list.
_GRADE_HEADING = re.compile(rf"^[A-Z][^.]{{10,140}}:\s*{_GRADE}$")
_BULLET = re.compile(r"^[\uf000-\uf0ff\u25fc\u25aa\u25cf\u25a0\u2022\u2013\u2212\u2500\u2015\-]\s*")
_NUMBERED = re.compile(r"^(\d{1,3})\.(?:\s+|$)")
_SUBHEAD = re.compile(
    r"^(?:Immediately|Within (?:\w+ )?(?:three|six|\d+) months|Within \w+ months)\s*:?$", re.I
)
_INTRO = re.compile(
    r"^(?:In order to improve|To improve)\b.*(?:following action|should)|"
    r"^(?:There (?:are|were) no|The inspection did not find|No areas for)\b",
    re.I,
)
_PAGE_NO = re.compile(r"^\d{1,3}$")


def _is_subheading(line: str, next_line: str) -> bool:
    """A short title line inside a list ("Performance information"), not a point."""
    return (
        len(line.split()) <= 8
        and re.match(r"[a-z]", next_line) is None
        and re.match(r"[A-Z]", line) is not None
        and re.search(r"[.;:!?,)]$", line) is None
        and not _NUMBERED.match(line)
        and not _BULLET.match(line)
    )


@dataclass
class _Item:
    page: int
    parts: list[str] = field(default_factory=list)
    marked: bool = False  # started by a number or a bullet
    open: bool = True  # may still take continuation lines


def _improvements(pages: list[_Page]) -> tuple[list[str], list[int]]:
    """The points of the improvement lists, in order, with the page each starts on.

    Works on lines, whether a line is a paragraph or a printed line: a new point starts at a
    number or bullet, or at a capitalised line after a line that ends a sentence; headings inside
    a list ("Immediately:", "Performance information") separate points and are dropped.
    """
    items: list[_Item] = []

    def close() -> None:
        if items:
            items[-1].open = False

    in_section = False
    for page in pages:
        lines = page.lines
        is_contents = any(x.lower() == "contents" for x in lines[:6])
        for li, line in enumerate(lines):
            if _START_HEADINGS.match(line):
                in_section = not is_contents
                close()
                continue
            if not in_section:
                continue
            if _END_HEADINGS.match(line) or _GRADE_HEADING.match(line):
                in_section = False
                close()
                continue
            if _PAGE_NO.match(line):
                continue
            cur = items[-1] if items and items[-1].open else None
            if cur is not None and cur.marked and not cur.parts and not _BULLET.match(line):
                cur.parts.append(line)  # the text after a number or bullet on its own line
                continue
            ended = (
                cur is None or not cur.parts or re.search(r"[.;:!?]$", cur.parts[-1]) is not None
            )
            nxt = lines[li + 1] if li + 1 < len(lines) else ""
            if _SUBHEAD.match(line) or (ended and _is_subheading(line, nxt)):
                close()
                continue
            m = _NUMBERED.match(line) or _BULLET.match(line)
            if m:
                rest = line[m.end() :]
                items.append(_Item(page.number, [rest] if rest else [], marked=True))
                continue
            if cur is not None and not cur.parts:
                cur.page = page.number
                cur.parts.append(line)
            elif cur is not None and not (ended and re.match(r"[A-Z0-9(\u2018'\"\u201c]", line)):
                cur.parts.append(line)
            else:
                items.append(_Item(page.number, [line]))
    texts, pages_out = [], []
    for it in items:
        text = collapse_ws(" ".join(it.parts))
        if len(text) < 15 or _INTRO.search(text):
            continue
        if not it.marked and len(text.split()) <= 8 and not re.search(r"[.;:!?)]$", text):
            continue  # a heading that slipped through
        texts.append(text)
        pages_out.append(it.page)
    return texts, pages_out


# --------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------

_EXPECTED = {
    "ofsted-lac-2013": [
        "overall",
        "capacity_to_improve",
        "outcomes",
        "quality_of_provision",
        "leadership",
    ],
    "ofsted-sif": [
        "overall",
        "help_and_protection",
        "children_in_care",
        "adoption",
        "care_leavers",
        "leadership",
    ],
    "ofsted-ilacs": ["overall", "impact_of_leaders", "help_and_protection", "children_in_care"],
}


_ILACS_TABLE = _Table(_ILACS_LABELS, numbered=False)
_SIF_TABLE = _Table(_SIF_LABELS, numbered=True)
_LAC_TABLE = _Table(_LAC_LABELS, numbered=False)
_HMIC_TABLE = _Table(_HMIC_LABELS, numbered=False)


def _front_table(table: _Table, front: list[_Page], rank: int) -> list[_Cand]:
    """The summary table on the front pages; it may run on at the top of the next page."""
    for i, p in enumerate(front):
        run = table.find(p, rank)
        if run:
            if i + 1 < len(front):
                seen = {c.key for c in run}
                run += [c for c in table.run_at(front[i + 1], 0, rank) if c.key not in seen]
            return run
    return []


def _candidates(framework: str, pages: list[_Page]) -> list[_Cand]:
    content = [p for p in pages if p.flat]
    front = content[:2]
    cands: list[_Cand] = []
    if framework == "ofsted-ilacs":
        cands += _front_table(_ILACS_TABLE, front, 0)
        for p in content:
            for key, rx in _ILACS_HEADING_RES:
                cands += _find_all(p, rx, key, 1)
    elif framework == "ofsted-sif":
        for p in front:
            got = _find_all(p, _SIF_OVERALL, "overall", 0) + _find_all(
                p, _SIF_OVERALL_2, "overall", 0
            )
            if got:
                cands += got[:1]
                break
        cands += _front_table(_SIF_TABLE, front, 0)
        for p in content:
            cands += _find_all(p, _LSCB, "lscb", 0 if p in front else 1)
            for key, rx in _SIF_HEADING_RES:
                cands += _find_all(p, rx, key, 1)
            for m in _SIF_GRADED.finditer(p.flat):
                key = "adoption" if m.group("adoption") else "care_leavers"
                cands.append(
                    _Cand(key, collapse_ws(m.group("j")), m.group("g"), p.number, m.group("q"), 1)
                )
    elif framework == "ofsted-lac-2013":
        for p in content:
            i = p.flat.find("Record of main findings")
            if i >= 0:
                run = _LAC_TABLE.find(p, 0, start=i)
                if run:
                    cands += run
                    break
        for p in content:
            for key, rx in _LAC_HEADING_RES:
                cands += _find_all(p, rx, key, 1)
    elif framework == "hmic":
        for p in content:
            cands += _HMIC_TABLE.find(p, 0)
    return cands


def extract_catalogue(pages: Sequence[tuple[int, str]]) -> Catalogue:
    """Extract a report's framework, graded judgements and improvement points.

    Args:
        pages: ``(printed page number, page text)`` pairs in reading order; the text has one
            paragraph, heading or printed line per line, running headers and footers removed.

    Returns:
        The catalogue. Every judgement's ``quote`` is a verbatim substring of its page's text
        after whitespace is collapsed (see ``is_verbatim``).
    """
    pg = [_Page(n, t) for n, t in pages]
    cat = Catalogue()
    framework, why = detect_framework(pages)
    cat.framework = framework
    if framework not in _EXPECTED and framework != "hmic":
        cat.notes["framework"] = why
        cat.notes["overall"] = f"no graded judgements: {why}"
        return cat
    head = " ".join(p.flat for p in pg[:2])
    cands = _candidates(framework, pg)

    by_key: dict[str, list[_Cand]] = {}

    def norm(c: _Cand) -> str | None:
        # HMICFRS's five-point scale has "adequate" between good and requires improvement: it
        # has no normalised grade of the four (Ofsted's 2013 "adequate" maps to
        # requires_improvement).
        if framework == "hmic" and collapse_ws(c.grade).lower() == "adequate":
            return None
        return grade_key(c.grade)

    for c in cands:
        if grade_key(c.grade) is None:
            cat.notes.setdefault(
                c.key, f"the report states {collapse_ws(c.grade)!r} (p{c.page}: {c.quote!r})"
            )
            continue
        by_key.setdefault(c.key, []).append(c)
    order: list[str] = []
    for c in sorted(cands, key=lambda c: c.rank):
        if c.key not in order:
            order.append(c.key)
    for key in order:
        group = sorted(by_key.get(key, []), key=lambda c: c.rank)
        if not group:
            continue
        grades = Counter(norm(c) for c in group)
        if len(grades) > 1:
            seen = "; ".join(f"p{c.page}: {c.quote!r}" for c in group[:4])
            cat.notes[key] = f"conflicting statements, none kept: {seen}"
            continue
        c = group[0]
        cat.judgements.append(
            Judgement(
                judgement=c.judgement,
                grade=collapse_ws(c.grade),
                page=c.page,
                quote=collapse_ws(c.quote),
                key=key,
                grade_key=norm(c),
            )
        )

    found = {j.key for j in cat.judgements}
    if framework == "ofsted-sif" and _LSCB_ONLY.search(head) and "overall" not in found:
        cat.notes.setdefault(
            "overall",
            "LSCB review only: the document grades the Safeguarding Children Board, not the local authority",
        )
        for key in _EXPECTED["ofsted-sif"][1:]:
            cat.notes.setdefault(
                key, "LSCB review only: the local authority is not graded in this document"
            )
    elif framework == "ofsted-ilacs" and not found and _VISIT.search(head):
        cat.notes.setdefault("overall", "a focused or monitoring visit: such visits are not graded")
    elif framework == "hmic" and not found:
        cat.notes.setdefault(
            "overall", "no graded judgement stated (HMIC inspections of this kind are not graded)"
        )
    else:
        for key in _EXPECTED.get(framework, []):
            if key not in found:
                cat.notes.setdefault(
                    key, "not stated in the report's judgement summary or headings"
                )
    if framework == "ofsted-sif" and "lscb" not in found and "lscb" not in cat.notes:
        if re.search(r"Re-?inspection", head, re.I):
            cat.notes["lscb"] = "a re-inspection: the LSCB is not reviewed in this report"
        elif not re.search(
            r"Review\s+of\s+the\s+effectiveness\s+of\s+the\s+Local\s+Safeguarding", head, re.I
        ):
            cat.notes["lscb"] = (
                "the LSCB review is not part of this report (its title does not include it)"
            )
        else:
            cat.notes["lscb"] = "no LSCB judgement statement found"

    cat.improvements, cat.improvement_pages = _improvements(pg)
    if not cat.improvements:
        cat.notes["improvements"] = "no 'What needs to improve' / recommendations list found"
    return cat
