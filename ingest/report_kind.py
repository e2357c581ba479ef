"""What kind of report a document is, and which inspectorates wrote it, from its own words.

The kind is read from the title page, the running header and the framework wording of the first
pages: "focused visit", "area SEND inspection", "joint targeted area inspection", "PEEL
assessment", ... The graded inspections of Ofsted's children's services frameworks (ILACS, SIF,
the 2013 looked-after children inspections) and HMIC's inspections are all "inspection", the kind
users and the catalogue compare visits with. A document of a layout nobody described gets its
kind from its title ("Thematic inspection of ..." is a "thematic inspection") rather than
"unknown"; only a document with no such words at all is a "report".

Inspectorates are every body named as an author on the first pages (a joint inspection names
several), known ones under their usual short names, others ("Sampleshire Inspectorate of Care")
as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INSPECTION = "inspection"
"""The kind of the graded inspections (ILACS, SIF, 2013 looked-after children, HMIC)."""

REPORT = "report"
"""The kind of a document that names no kind of its own."""


@dataclass(frozen=True)
class ReportKind:
    """A report's kind and authors, as its first pages state them.

    Attributes:
        kind: Lower case: "inspection", "focused visit", "area SEND inspection", ...
        inspectorates: Every inspectorate named as an author, in order of first mention.
        reason: The words the kind was read from.
    """

    kind: str
    inspectorates: tuple[str, ...]
    reason: str


_APOS = "['\u2019]"
_KNOWN_INSPECTORATES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(p))
    for name, p in (
        ("Ofsted", r"\bOfsted\b|Office for Standards in Education"),
        ("CQC", r"\bCQC\b|Care Quality Commission"),
        ("HMICFRS", r"\bHMICFRS\b|Inspectorate of Constabulary and Fire\s*(?:&|and)\s*Rescue"),
        ("HMIC", rf"\bHMIC\b|(?:HM|(?:Her|His)\s+Majesty{_APOS}s)\s+Inspectorate\s+of\s+Constabulary(?!\s+and\s+Fire)"),
        ("HMI Probation", rf"\bHMI\s*Probation\b|(?:HM|(?:Her|His)\s+Majesty{_APOS}s)\s+Inspectorate\s+of\s+Probation"),
        ("HMI Prisons", rf"\bHMI\s*Prisons\b|(?:HM|(?:Her|His)\s+Majesty{_APOS}s)\s+Inspectorate\s+of\s+Prisons"),
        ("Estyn", r"\bEstyn\b"),
        ("Care Inspectorate Wales", r"\bCare Inspectorate Wales\b"),
    )
)  # fmt: skip
# An author nobody listed: "the Sampleshire Inspectorate of Care", "Northland Care Inspectorate".
_OTHER_INSPECTORATE = re.compile(
    r"\b((?:[A-Z][a-z]+[ \t]+){0,3}Inspectorate(?:[ \t]+(?:of|for)[ \t]+[A-Z][a-z]+"
    r"(?:[ \t]+(?:and[ \t]+)?[A-Z][a-z]+){0,3})?)"
)
_NOT_AN_AUTHOR = re.compile(r"^(?:The|An?|This|Our)\s+", re.I)

# (pattern on the first pages, kind), most specific first. Matched case-insensitively.
KIND_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), kind)
    for p, kind in (
        (r"\bjoint\s+targeted\s+area\s+inspection\b|\bJTAI\b", "joint targeted area inspection"),
        (r"\barea\s+SEND\s+(?:full\s+)?(?:re-?)?inspection|\blocal\s+area\s+SEND\b|"
         r"\blocal\s+area\s+partnership['\u2019]s\s+special\s+educational\s+needs|"
         r"\bSEND\s+inspection\s+of\b|\bjoint\s+local\s+area\s+SEND\b",
         "area SEND inspection"),
        (r"\bPEEL\b", "PEEL assessment"),
        (r"\binspection\s+of\s+youth\s+(?:offending|justice)\s+(?:services?|teams?)\b|"
         r"\byouth\s+(?:offending|justice)\s+(?:service|team)\s+inspection\b",
         "youth justice inspection"),
        (r"\binspection\s+of\s+(?:probation|adult\s+probation)\s+services?\b|"
         r"\bprobation\s+(?:service|delivery\s+unit)\s+inspection\b",
         "probation inspection"),
        (r"\bjoint\s+(?:thematic\s+)?inspection\s+of\b|\bjoint\s+inspection\b", "joint inspection"),
    )
)  # fmt: skip
# A title's own name for what it is: "Thematic inspection of ...", "Assurance review of ...".
_TITLE_KIND = re.compile(
    r"\b((?:[A-Za-z][a-z-]+\s+){0,3}?"
    r"(?:inspection|visit|review|assessment|audit|evaluation|survey|statement|report|letter))\b",
    re.I,
)
_TITLE_KIND_SKIP = frozenset({"the", "a", "an", "this", "our", "of", "final", "full", "published"})


def _common_name(names: list[str]) -> str:
    """The words every mention of one body shares around "Inspectorate": flattened pages run a
    name into the words before and after it ("Strong Care Standards Inspectorate for England
    Findings")."""
    parts = [n.split("Inspectorate", 1) for n in names]
    before = [p[0].split() for p in parts]
    after = [p[1].split() for p in parts]
    keep_before = 0
    while all(len(b) > keep_before for b in before) and (
        len({b[len(b) - 1 - keep_before] for b in before}) == 1
    ):
        keep_before += 1
    keep_after = 0
    while all(len(a) > keep_after for a in after) and len({a[keep_after] for a in after}) == 1:
        keep_after += 1
    head = before[0][len(before[0]) - keep_before :]
    tail = after[0][:keep_after]
    if tail and tail[-1] in ("of", "for", "and"):
        tail = tail[:-1]
    return " ".join([*head, "Inspectorate", *tail])


def inspectorates_named(text: str) -> tuple[str, ...]:
    """Every inspectorate a text names, in order of first mention.

    Args:
        text: The first pages and running headers of a report.

    Returns:
        Short names of known inspectorates ("Ofsted", "CQC", "HMICFRS", "HMI Probation", ...)
        and other bodies called an inspectorate as printed; each once.
    """
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for name, rx in _KNOWN_INSPECTORATES:
        m = rx.search(text)
        if m:
            found.append((m.start(), name))
            spans += [(x.start(), x.end()) for x in rx.finditer(text)]
    others: dict[str, list[tuple[int, str]]] = {}
    for m in _OTHER_INSPECTORATE.finditer(text):
        if any(a <= m.start() < b or m.start() <= a < m.end() for a, b in spans):
            continue
        name = _NOT_AN_AUTHOR.sub("", m.group(1)).strip()
        if name and name != "Inspectorate" and len(name.split()) >= 2:
            core = re.search(r"\S+\s+Inspectorate|Inspectorate\s+\S+\s+\S+", name)
            others.setdefault(core.group(0) if core else name, []).append((m.start(), name))
    found += [(group[0][0], _common_name([n for _, n in group])) for group in others.values()]
    names = [n for _, n in sorted(found)]
    if "HMICFRS" in names and "HMIC" in names:
        names.remove("HMIC")
    return tuple(dict.fromkeys(names))


def kind_from_title(title: str | None) -> str | None:
    """A kind from a report's title words: "Thematic inspection of ..." -> "thematic inspection".

    Args:
        title: The report's title, if read.

    Returns:
        The title's own name of the kind, lower case (initialisms kept), or None.
    """
    if not title:
        return None
    m = _TITLE_KIND.search(title)
    if m is None:
        return None
    words = m.group(1).split()
    # The kind's own words follow the last article: "Found but not safe: an inspection of …"
    # is an inspection, not a "not safe an inspection".
    cut = max((i + 1 for i, w in enumerate(words[:-1]) if w.lower() in _TITLE_KIND_SKIP), default=0)
    words = words[cut:]
    if len(words) > 1 and words[-1][0].isupper() and words[-2][0].islower():
        # "Tameside metropolitan borough Inspection of …": the case breaks where the kind
        # starts (a place's name ran into the title line).
        words = words[-1:]
    return " ".join(w if w.isupper() else w.lower() for w in words)


def detect_kind(head: str, title: str | None, report_type: str | None) -> ReportKind:
    """The kind of a report and its inspectorates.

    Args:
        head: Running headers and the cover page's text.
        title: The title read from the cover, if any.
        report_type: The type the framework wording gives ("Focused visit", "Press release",
            "Inspection of local authority children's services", ...), if recognised.

    Returns:
        The kind, the inspectorates and the evidence.
    """
    authors = inspectorates_named(head)
    low = (report_type or "").lower()
    if "press release" in low:
        return ReportKind("press release", authors, "a press release")
    if low.endswith("visit"):
        return ReportKind(low, authors, f"the letter says it is a {low}")
    # The title first; a graded framework's wording next (its pages may mention a JTAI or a
    # PEEL assessment in passing); the cover and running headers last.
    for text in (title or "", None, head):
        if text is None:
            if report_type:
                return ReportKind(INSPECTION, authors, f"a graded framework: {report_type}")
            continue
        for rx, kind in KIND_WORDS:
            m = rx.search(text)
            if m:
                return ReportKind(kind, authors, f"names itself: “{m.group(0)}”")
    from_title = kind_from_title(title)
    if from_title and from_title.lower() != REPORT:
        return ReportKind(from_title, authors, f"from its title: “{title}”")
    return ReportKind(REPORT, authors, "no kind named on the first pages")


__all__ = [
    "INSPECTION",
    "REPORT",
    "ReportKind",
    "detect_kind",
    "inspectorates_named",
    "kind_from_title",
]
