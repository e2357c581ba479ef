"""Rerank: every score that orders passages and sentences after retrieval, in one place.

Passages are ordered by dense similarity, keyword score, the question's term coverage, the
reciprocal-rank fusion score and a preference for a subject's newest report; the top passages
are then reordered by their best sentence. Sentences get a bonus for stating the figure a
question asks for and for coming from the newest report.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.route_words import QUOTE_ASK
from assistant.settings import RerankWeights
from vectorstore.keyword import tokenize
from vectorstore.records import Hit

_QUESTION_WORDS = frozenset(
    [
        "what",
        "how",
        "did",
        "does",
        "do",
        "which",
        "who",
        "whom",
        "why",
        "when",
        "where",
        "give",
        "me",
        "quote",
        "about",
        "find",
        "said",
        "say",
        "says",
        "inspectors",
        "inspector",
        "report",
        "reports",
        "council",
        "councils",
        "authority",
        "authorities",
        "local",
        "tell",
        "found",
        "anything",
        "something",
        "latest",
        "recent",
        "most",
        "newest",
    ]
)

_MONEY_USE = re.compile(
    r"\b(?:budget\w*|spen[dt]\w*|cost\w*|fund\w*|invest\w*|pa(?:y|id|yment)s?|salar\w+|wages?|"
    r"grants?|expenditure|overspen\w*|underspen\w*|allocat\w*|saving\w*|financ\w*|"
    r"resourc\w*|money|price\w*|fees?)\b",
    re.I,
)
ASKS_MONEY = re.compile(
    r"\b(sala?e?r(?:y|ies)|wages?|budgets?|costs?|spend|spent|pay|paid|funding|earn\w*)\b", re.I
)
ASKS_NUMBER = re.compile(
    # At the start, or after an opening clause ("In Devon's 2015 inspection, how many ...");
    # "a quote on how much they improved" asks for words, not a figure.
    r"^(?:[^,?]*,\s*)?(?:(?:exactly|precisely|roughly|approximately|about|and|but|so|ok|"
    r"(?:can|could) (?:you|u) tell me|do (?:you|u) know|tell me) )?"
    r"(?:how many|how much|what (?:number|percentage|proportion|share|rate)|"
    r"what(?: is| was| were|['’]?s) the (?:[\w-]+ ){0,3}?(?:number|percentage|proportion|rate|ratio)(?! of (?:progress|improvement|change))|"
    r"what(?: is| was| were|['’]?s) (?:the |their |its )?(?:average|mean|median|typical)\b(?! quality))\b"
    # "… need the actual number", "give me the exact figure"
    r"|\b(?:actual|exact|precise) (?:number|figure|count|total)s?\b",
    re.I,
)
MONEY = re.compile(r"£\s?\d|\d\s?(?:pounds|million|billion|k)\b", re.I)
NUMBER = re.compile(
    # "in one child's case", "one of the teams" count nothing; "only one child" does.
    r"\b(?!(?:19|20)\d\d\b)\d|(?<!\bin )\bone\b(?!\s+(?:of|child['’]s|another|case|example)\b)|"
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|twenty|thirty|forty|fifty|hundred|thousand|million|half|third|quarter|per cent|"
    r"percent)\b",
    re.I,
)


def asks_figure(question: str) -> bool:
    """True when a question asks for a figure or an amount."""
    return bool(ASKS_NUMBER.search(question) or ASKS_MONEY.search(question))


def content_terms(text: str) -> set[str]:
    """Stemmed content words of a question (question words and names of the trade left out)."""
    return {t for t in tokenize(text) if t not in _QUESTION_WORDS and not t.isdigit()}


def coverage(terms: set[str], hits: list[Hit]) -> float:
    """Share of the terms that the passages hold between them (1.0 when there are none)."""
    if not terms:
        return 1.0
    have: set[str] = set()
    for h in hits:
        have |= set(tokenize(h.chunk.embed_text))
    return len(terms & have) / len(terms)


def rank_passages(
    hits: list[Hit],
    terms: set[str],
    k: int,
    prefer: tuple[str, ...],
    weights: RerankWeights,
    in_period: bool = False,
    quote: bool = False,
) -> list[Hit]:
    """Score fused hits, order them, drop near-repeats and keep the k best (ranks set).

    Args:
        hits: Fused candidates (dense and keyword scores filled in).
        terms: The question's content terms (subject names left out).
        k: How many to keep.
        prefer: Report ids ranked a little higher (a subject's newest report).
        weights: The score weights (``retrieval.weights``).
        in_period: The search was limited to a period: undated passages rank a little lower.
        quote: The question asks for a quote: a report's summary pages rank higher.
    """
    w = weights
    top_kw = max((h.keyword or 0.0) for h in hits) if hits else 1.0
    top_kw = top_kw or 1.0
    lead = w.lead + (w.lead_quote if quote else 0.0)
    for h in hits:
        cov = len(terms & set(tokenize(h.chunk.embed_text))) / len(terms) if terms else 0.0
        h.rerank = (
            w.dense * (h.dense or 0.0)
            + w.keyword * (h.keyword or 0.0) / top_kw
            + w.coverage * cov
            + w.rrf * h.fused
            + (w.newest if h.chunk.report_id in prefer else 0.0)
            - (w.undated if in_period and _undated(h) else 0.0)
            + (lead if h.chunk.pdf_page_start <= w.lead_pages else 0.0)
        )
    hits = sorted(hits, key=lambda h: h.rerank or 0.0, reverse=True)
    return renumber(diversify(hits, k))


def _undated(hit: Hit) -> bool:
    c = hit.chunk
    return not (c.inspection_start or c.inspection_end or c.published)


def renumber(hits: list[Hit]) -> list[Hit]:
    """Set 1-based ranks in list order."""
    for i, h in enumerate(hits, 1):
        h.rank = i
    return hits


def diversify(hits: list[Hit], k: int) -> list[Hit]:
    """Drop passages that mostly repeat a better-ranked one (summaries repeat body sentences
    word for word), so the top passages show k different things."""
    out: list[Hit] = []
    seen: set[str] = set()
    for h in hits:
        sents = {
            " ".join(x.lower().split())
            for x in re.split(r"(?<=[.!?])\s+", h.chunk.text)
            if len(x) > 60
        } or {" ".join(h.chunk.text.lower().split())[:200]}
        if len(sents & seen) * 2 > len(sents):
            continue
        seen |= sents
        out.append(h)
        if len(out) == k:
            break
    return out


def sentence_bonus(
    question: str, newest: tuple[str, ...], weights: RerankWeights
) -> Callable | None:
    """Extra score for a sentence: stating a figure, an amount or a person in the role when the
    question asks for one, and coming from the subject's newest report when no period was named."""
    w = weights
    money = bool(ASKS_MONEY.search(question))
    number = bool(ASKS_NUMBER.search(question))
    person = bool(ASKS_PERSON.search(question))
    quote = bool(w.lead_sentence and QUOTE_ASK.search(question))
    if not (money or number or person or newest or quote):
        return None

    def bonus(s) -> float:
        states = (money and MONEY.search(s.text)) or (number and NUMBER.search(s.text))
        named = person and states_person_asked(question, [s.text])
        return (
            (w.figure_bonus if states else 0.0)
            + (w.person_bonus if named else 0.0)
            + (w.newest_sentence_bonus if s.hit.chunk.report_id in newest else 0.0)
            + (w.lead_sentence if quote and s.hit.chunk.pdf_page_start <= w.lead_pages else 0.0)
        )

    return bonus


# "who was the leader of Bradford council", "who is the current chief inspector": a person in a
# role. The role's last word, singular, must stand in a cited sentence beside a person's name.
ASKS_PERSON = re.compile(
    r"^\s*(?:and\s+)?who\s+(?:is|was|were|are)\s+(?:the\s+)?(?:current\s+|then\s+|new\s+)?"
    r"(?P<role>[a-z][a-z'’ -]{1,40}?)(?=\s+(?:of|for|at|in|when|during|that|who|on)\b|\s*\?|\s*$)",
    re.I,
)
_PERSON_NAME = re.compile(r"\b[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)+\b")
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "her",
        "his",
        "majesty",
        "majesty’s",
        "majesty's",
        "inspector",
        "inspectors",
        "chief",
        "children",
        "children’s",
        "children's",
        "services",
        "service",
        "council",
        "borough",
        "city",
        "county",
        "local",
        "authority",
        "board",
        "trust",
        "safeguarding",
        "department",
        "education",
        "ofsted",
        "office",
        "standards",
        "skills",
        "social",
        "care",
        "lead",
        "team",
        "director",
        "youth",
        "support",
        "panel",
        "partnership",
        "group",
        "court",
        "police",
        "health",
        "family",
        "families",
        "assistant",
        "executive",
        "leader",
        "in",
        "of",
        "and",
        "for",
        "with",
        "this",
        "that",
    ]
)


def _names_a_person(text: str) -> bool:
    for m in _PERSON_NAME.finditer(text):
        if not {w.lower() for w in m.group(0).split()} & _NOT_NAMES:
            return True
    return False


# Other ways the reports write a role ("the DCS, Jo Bloggs", "Councillor Jo Bloggs, lead member").
_ROLE_FORMS = {
    "director": r"director|DCS",
    "executive": r"executive|CEO",
    "member": r"member|councillor|cllr|portfolio\s+holder",
    "holder": r"portfolio\s+holder|lead\s+member|councillor|cllr",
    "leader": r"leader",
    "commissioner": r"commissioner",
    "chair": r"chair|chairs|chairperson|chairman|chairwoman",
    "inspector": r"inspector|HMI",
}


def states_person_asked(question: str, texts: list[str]) -> bool:
    """A question asking who holds a role is answered only by a sentence that names the role
    (its head word, singular) with a person's name close by."""
    m = ASKS_PERSON.search(question)
    if m is None:
        return True
    head = m.group("role").split()[-1].lower().rstrip("s")
    if (
        head in {"lead", "the", "they", "it", "he", "she"}
        or len(head) < 3
        or (head.startswith(("insp", "insep")) and head.endswith(("or", "er")))
    ):
        head = "inspector"  # "who were the inspectors", "who was the lead", "inspecter"
    role = re.compile(rf"\b(?:{_ROLE_FORMS.get(head, re.escape(head))})s?\b", re.I)
    for t in texts:
        for r in role.finditer(t):
            if _names_a_person(t[max(0, r.start() - 60) : r.end() + 60]):
                return True
    return False


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
# What states no figure: a day of a date ("21 and 22 September 2022"), a postcode, an address.
_NOT_FIGURES = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?:\s*(?:and|to|-|–)\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+{_MONTH}\b"
    r"|\b[A-Z]{1,2}\d{1,2}[A-Z]?\s+\d[A-Z]{2}\b|\S+@\S+|\b(?:www\.|https?://)\S+"
    # Names and ages, not counts: "COVID-19", "section 47", "post-18", "16- and 17-year-olds",
    # "aged 18 to 25", "under-5s".
    r"|\bCOVID[-\s]?19\b|\bsection\s+\d+\b|\b(?:post|pre|over|under)[-\s]?\d{1,2}s?\b"
    r"|\b\d{1,2}-?(?:\s*(?:and|to|or|-|–)\s*\d{1,2})?[-\s]years?[-\s]olds?\b"
    r"|\baged\s+(?:between\s+)?\d{1,2}(?:\s*(?:and|to|-|–)\s*\d{1,2})?",
    re.I,
)


def states_what_is_asked(question: str, texts: list[str]) -> bool:
    """A question asking for a figure is answered only by sentences that state one (a date's
    day or a postcode is none), and one asking who holds a role only by a sentence naming the
    role and a person."""
    text = _NOT_FIGURES.sub(" ", " ".join(texts))
    # A sum answers a question about money only when spent, budgeted, invested or paid: a
    # "£5,000 mortgage deposit" is no children's services budget.
    if ASKS_MONEY.search(question) and not any(
        MONEY.search(t) and _MONEY_USE.search(t) for t in texts
    ):
        return False
    if not states_person_asked(question, texts):
        return False
    return not (ASKS_NUMBER.search(question) and not NUMBER.search(text))


def rerank_by_sentences(hits: list[Hit], cands: list, n: int, weights: RerankWeights) -> list[Hit]:
    """Reorder the top n passages by their best sentence's similarity to the question, blended
    with the passage score (sentence-level evidence is sharper than a passage's average)."""
    w = weights
    best: dict[str, float] = {}
    for s in cands:
        cid = s.hit.chunk.id
        best[cid] = max(best.get(cid, 0.0), s.sim + s.bonus)
    top, rest = hits[:n], hits[n:]
    if not best or len(top) < 2:
        return hits
    hi = max(h.rerank or 0.0 for h in top) or 1.0
    for h in top:
        # A passage none of whose sentences made the shortlist keeps a discounted dense score.
        sent = best.get(h.chunk.id, 0.85 * (h.dense or 0.0))
        h.rerank = round((1 - w.sentence) * (h.rerank or 0.0) / hi + w.sentence * sent, 4)
    top.sort(key=lambda h: h.rerank or 0.0, reverse=True)
    return renumber(top + rest)
