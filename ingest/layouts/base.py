"""What a layout is: ``Layout`` (detect and extract), ``Detection`` and the ``Catalogue`` it gives.

A layout is one kind of published document (the 2018+ ILACS report, the 2013-2017 single
inspection framework report, ...). Its module in ``ingest.layouts`` defines ``LAYOUT``, a
``Layout`` whose ``detect`` tells from the first pages whether a document is of its kind, and
whose ``extract`` reads the document's graded judgements and improvement points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ingest.layouts.improvements import read_improvements
from ingest.layouts.text import Page
from ingest.records import Judgement


@dataclass
class Catalogue:
    """What a report states about its graded judgements and what needs to improve.

    Attributes:
        framework: The framework of the report's layout ("ofsted-ilacs", "ofsted-sif",
            "ofsted-lac-2013", "hmic", "other"; see ``ingest.layouts.FRAMEWORKS``), or None when
            no layout claims the report.
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


@dataclass(frozen=True)
class Detection:
    """A layout's claim that a document is of its kind.

    Attributes:
        layout: The claiming layout's key.
        confidence: How specific the evidence is, in (0, 1]: 1.0 the document says what it is
            unmistakably; about 0.9 a layout's own title; about 0.6 a phrase several layouts
            share; 0.1 a fallback. The most confident claim wins.
        reason: The evidence, for ``Catalogue.notes`` and for people.
    """

    layout: str
    confidence: float
    reason: str


@dataclass(frozen=True)
class Layout:
    """One kind of document: how to recognise it and how to read it.

    Attributes:
        key: The registry key, unique ("ofsted-ilacs", "ofsted-lscb-review", ...).
        framework: What ``Catalogue.framework`` says for it; several layouts may share one
            (an LSCB review alone is ``ofsted-sif``, as the combined reports are).
        description: One line saying which documents these are.
        detect: The first pages (all pages are given) to a ``Detection``, or None when the
            document is not of this kind.
        extract: The pages of a document of this kind to its catalogue; its ``framework`` is
            this layout's.
    """

    key: str
    framework: str
    description: str
    detect: Callable[[Sequence[Page]], Detection | None]
    extract: Callable[[Sequence[Page]], Catalogue]


def with_improvements(cat: Catalogue, pages: Sequence[Page]) -> Catalogue:
    """Add a report's improvement points to its catalogue (or a note saying there are none).

    Args:
        cat: The catalogue, its judgements read.
        pages: The report's pages.

    Returns:
        The same catalogue.
    """
    found = read_improvements(pages)
    cat.improvements, cat.improvement_pages = found.points, found.pages
    if not cat.improvements:
        cat.notes["improvements"] = "no 'What needs to improve' / recommendations list found"
    return cat
