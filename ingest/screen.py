"""Does a parsed file look like an inspection report? Generic signals, no list of files.

A stray ``notes.txt`` or a folder's ``README.md`` must not become a "report" that answers
questions. A file is held back when it is a folder's own documentation (README, LICENCE,
CHANGELOG… by the usual names), or when its opening names no inspectorate, has no inspection
or visit wording, states no date and has no report title ("Report on …", "… Report"). Any
one of those signals is enough to keep a file, so reports of kinds the index has never seen
(joint inspections, PEEL assessments, probation or CQC reports, press releases) go through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from ingest.records import ParsedReport

HELD_REASON = "not an inspection report"
HEAD_CHARS = 8000  # the opening that is read: a report says what it is on its first pages

# The conventional names of a folder's own documentation, whatever the extension.
FOLDER_DOCS = re.compile(
    r"^(?:read[ _-]?me|licen[cs]e|copying|changelog|changes|contributing|authors|notice|"
    r"install|manifest)$",
    re.IGNORECASE,
)
INSPECTORATE = re.compile(
    r"\b(?:Ofsted|HMICFRS|HMIC|HMIP|HMI\s+Probation|CQC|Estyn|Inspectorate|"
    r"Care\s+Quality\s+Commission|Office\s+for\s+Standards\s+in\s+Education|"
    r"(?:Her|His)\s+Majesty'?s?\s+Inspector|HM\s+Inspector|Inspector\s+of\s+\w+)",
    re.IGNORECASE,
)
INSPECTION_WORDING = re.compile(
    r"\b(?:inspect(?:ion|ions|ed|ing|ors?|orate)?|(?:focused|monitoring|assurance|"
    r"area|joint|pilot)\s+visits?|PEEL|safeguarding\s+(?:review|audit)|"
    r"serious\s+case\s+review|thematic\s+review)\b",
    re.IGNORECASE,
)
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}\.?,?\s+(?:19|20)\d\d|{MONTH}\s+\d{{1,2}},?\s+"
    rf"(?:19|20)\d\d|{MONTH}\s+(?:19|20)\d\d|\d{{1,2}}/\d{{1,2}}/(?:19|20)\d\d|"
    rf"(?:19|20)\d\d-\d\d-\d\d)\b",
    re.IGNORECASE,
)
# A title line: "Report on Gammaford", "Annual Report", "# Report of the review into …"
REPORT_TITLE = re.compile(
    r"^\W*(?:Report\s+(?:on|of|into|for|to)\b|(?:[A-Z][\w'’&,-]*\s+){1,8}Report\b)", re.MULTILINE
)


@dataclass(frozen=True)
class Screening:
    """What the screen found in a file's opening.

    Attributes:
        held: True when the file does not look like an inspection report.
        reason: Why it is held ("" when it is not).
        signals: The signals found ("inspectorate", "inspection wording", "date",
            "report title"), or "folder documentation" when the name held it.
    """

    held: bool
    reason: str
    signals: tuple[str, ...]


def screen_text(head: str, name: str) -> Screening:
    """Screen a file by its name and the opening of its text.

    Args:
        head: The first few thousand characters of the file's text.
        name: The file's path or name (only its last part's stem is read).

    Returns:
        The screening: held, with the reason, or kept, with the signals that kept it.
    """
    stem = PurePosixPath(name).name.split(".", 1)[0]
    if FOLDER_DOCS.match(stem):
        return Screening(
            True,
            f"{HELD_REASON}: a folder's own documentation file ({PurePosixPath(name).name})",
            ("folder documentation",),
        )
    found = tuple(
        label
        for label, pattern in (
            ("inspectorate", INSPECTORATE),
            ("inspection wording", INSPECTION_WORDING),
            ("date", DATE),
            ("report title", REPORT_TITLE),
        )
        if pattern.search(head)
    )
    if found:
        return Screening(False, "", found)
    return Screening(
        True,
        f"{HELD_REASON}: it names no inspectorate and has no inspection wording, dates or "
        "report title",
        (),
    )


def screen_report(report: ParsedReport) -> Screening:
    """Screen a parsed file by its name and its opening paragraphs (title included)."""
    parts: list[str] = [report.metadata.title or ""]
    size = len(parts[0])
    for p in report.paragraphs:
        if size >= HEAD_CHARS:
            break
        parts.append(p.text)
        size += len(p.text) + 1
    return screen_text("\n".join(parts)[:HEAD_CHARS], report.source)
