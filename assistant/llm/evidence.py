"""What a sentence claims and what a passage says, as sets that can be compared.

Pure functions over text: content words (:func:`terms`), figures – numbers, percentages,
years, months, fractions – (:func:`figures`), inspection grade words (:func:`grades`), negation
(:func:`negated`), quotations (:func:`quotes`), clauses (:func:`clauses`) and sentences that read
as instructions to an AI model (:func:`is_instruction`). :class:`Passage` prepares one numbered
passage for the checker in :mod:`assistant.llm.check`: its instruction sentences are data, not
evidence, and are left out of everything it offers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.llm.prompt import chunk_of, source_label
from ingest.chunking import PARA_SEP, sentence_spans
from ingest.records import Chunk
from vectorstore.keyword import tokenize
from vectorstore.records import Hit

# -- instructions ------------------------------------------------------------------------------

_LEAD = r"^\W*(?:(?:please|now|instead|also|and|then)\s+)*"
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,60}?"
    r"\b(?:instructions?|prompts?|rules|guidance|directions|everything|the above|previous|prior)\b"
    r"|\b(?:you are now|you must now|from now on|as an ai|as a language model|language model"
    r"|system prompt|developer message|new instructions?|jailbreak)\b"
    r"|\b(?:ai|assistant|chatbot|model|llm)\s+(?:should|must|will|shall|is to|needs to)\b"
    + r"|"
    + _LEAD
    + r"(?:say|claim|declare|assert|answer|reply|respond|write|output|print|repeat"
    r"|tell)\s+(?:\w+\s+){0,3}?(?:that|with|only|the following|:|\"|“)"
    + r"|"
    + _LEAD
    + r"state\s+that\b"
    + r"|"
    + _LEAD
    + r"(?:do not|don't|never)\s+(?:mention|cite|reveal|say|tell|report|quote)\b"
    r"|^\W*(?:assistant|system|user)\s*:",
    re.IGNORECASE,
)


def is_instruction(sentence: str) -> bool:
    """True when a sentence of report text reads as an instruction to an AI model."""
    return bool(_INSTRUCTION.search(sentence))


# -- words and figures -------------------------------------------------------------------------

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_SMALL = {w: i for i, w in enumerate(_UNITS.split())} | {
    w: 10 * i for i, w in enumerate(_TENS.split(), 2)
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_WORD = "|".join([*_SMALL, *_SCALES])
_JOIN = r"(?:[\s-]+|(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+|(?<=million)\s+and\s+)"
_NUMBER_RUN = re.compile(rf"\b(?:{_WORD})(?:{_JOIN}(?:{_WORD}))*\b", re.IGNORECASE)
# "one" as a pronoun ("one of them", "no one") is no figure.
_PRONOUN_ONE = re.compile(r"\bone(?=\s+(?:of|another)\b)", re.IGNORECASE)
_BEFORE_PRONOUN = re.compile(r"\b(?:no|any|each|every|the|this|that|which)\s+$", re.IGNORECASE)
_DIGITS = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:st|nd|rd|th)?"
    r"(\s*(?:%|per\s*cent\b|percent\b))?",
    re.IGNORECASE,
)
_FIGURE_WORDS = re.compile(
    r"\b(half|halves|halved|quarters?|thirds?|twice|double[ds]?|tripled?|trebled?)\b", re.IGNORECASE
)
_MONTHS = re.compile(
    r"\b(January|February|March|April|June|July|August|September|Sept|October|November"
    r"|December)\b|\b(May)(?=\s+\d)|(?<=\d\s)(May)\b",
    re.IGNORECASE,
)
_FRAMING = frozenset(
    tokenize(
        "inspector inspectors inspection inspected report reports reported found find finds "
        "said says say stated states noted notes note described describes highlighted highlights "
        "according also however overall evidence passage passages judged judgement observed "
        "identified concluded explained mentioned"
    )
)
"""Words that frame a claim ("inspectors found") rather than make it."""


def _number_value(run: str) -> str:
    total = current = 0
    for w in re.findall(r"[a-z]+", run.lower()):
        if w in _SMALL:
            current += _SMALL[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in _SCALES:
            total += max(current, 1) * _SCALES[w]
            current = 0
    return str(total + current)


def spell_digits(text: str) -> str:
    """Text with spelt-out numbers as digits ("twenty-five" → "25"; "one of", "no one" left)."""
    keep = {m.start() for m in _PRONOUN_ONE.finditer(text)}

    def swap(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() == "one" and (
            m.start() in keep or _BEFORE_PRONOUN.search(text[max(0, m.start() - 8) : m.start()])
        ):
            return word
        return _number_value(word)

    return _NUMBER_RUN.sub(swap, text)


def terms(text: str) -> set[str]:
    """Stemmed content words, spelt-out numbers as digits."""
    return set(tokenize(spell_digits(text)))


def content_terms(text: str) -> set[str]:
    """:func:`terms` less the words that only frame a claim ("inspectors found")."""
    return terms(text) - _FRAMING


def _number(raw: str) -> str:
    raw = raw.replace(",", "")
    whole, _, frac = raw.partition(".")
    frac = frac.rstrip("0")
    return str(int(whole)) + (f".{frac}" if frac else "")


def figures(text: str) -> set[str]:
    """The figures a text states: "18", "10%" (a percentage), "2022", "november", "half".

    Spelt-out numbers count as digits; a percentage is ``n%`` whether written ``n%``,
    ``n per cent`` or ``n percent``; ordinals count as their number ("18th" → "18").
    """
    out: set[str] = set()
    for m in _DIGITS.finditer(spell_digits(text)):
        out.add(_number(m.group(1)) + ("%" if m.group(2) else ""))
    for m in _MONTHS.finditer(text):
        month = next(g for g in m.groups() if g).lower()
        out.add("september" if month == "sept" else month)
    out |= {w.lower() for w in _FIGURE_WORDS.findall(text)}
    return out


def stated_figures(text: str) -> set[str]:
    """:func:`figures`, with each percentage also standing as its plain number."""
    out = figures(text)
    return out | {f[:-1] for f in out if f.endswith("%")}


_GRADE = re.compile(r"\b(outstanding|good|requires?\s+improvement|inadequate|adequate)\b", re.I)


def grades(text: str) -> set[str]:
    """Inspection grade words in a text ("outstanding", "good", "requires improvement", ...)."""
    out = set()
    for g in _GRADE.findall(text):
        g = " ".join(g.lower().split())
        out.add("requires improvement" if g == "require improvement" else g)
    return out


_NEGATION = re.compile(
    r"\b(?:not(?!\s+only\b)|no(?!\.\s*\d)|never|none|nobody|nothing|nowhere|neither|nor|cannot"
    r"|without|unable|lacks?|lacked|lacking|fail(?:s|ed|ing)?\s+to)\b|\w(?:n[’']t)\b",
    re.IGNORECASE,
)


def negated(text: str) -> bool:
    """True when a text holds a negation ("not", "no", "never", "without", "fails to", "n't"...)."""
    return bool(_NEGATION.search(text))


_CLAUSE_BREAK = re.compile(
    r"\s*[,;:—–]\s*|\s+-\s+"
    r"|\s+(?=(?:but|although|though|whereas|while|however|yet|despite|except)\b)",
    re.IGNORECASE,
)


def clauses(sentence: str) -> list[str]:
    """The clauses of a sentence, split at punctuation and contrasting conjunctions."""
    return [c for c in _CLAUSE_BREAK.split(sentence) if c and c.strip()]


# -- quotations --------------------------------------------------------------------------------

_QUOTE = re.compile(r"“([^”]*)”|\"([^\"]*)\"|(?<!\w)‘(.+?)’(?!\w)|(?<![\w'])'(.+?)'(?![\w'])")
_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def quotes(text: str) -> tuple[str, ...]:
    """The words a text puts in quotation marks (“…”, "…", ‘…’ or '…')."""
    return tuple(next(g for g in m.groups() if g is not None) for m in _QUOTE.finditer(text))


def normalise(text: str) -> str:
    """Whitespace collapsed; curly quotes, apostrophes and dashes made plain."""
    return " ".join(text.translate(_TYPOGRAPHY).split())


def quote_key(quote: str) -> str:
    """A quotation as compared: normalised, without punctuation at its ends."""
    return normalise(quote).strip(" .,;:!?")


# -- passages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """A clause of a passage sentence: its content words and whether it is negated."""

    text: str
    terms: frozenset[str]
    negated: bool


@dataclass(frozen=True)
class PassageSentence:
    """A sentence of a passage (never an instruction sentence).

    Attributes:
        text: The sentence, verbatim.
        offset: Where it starts in the chunk's text.
        terms: Its content words.
        clauses: Its clauses.
    """

    text: str
    offset: int
    terms: frozenset[str]
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class Passage:
    """A numbered passage prepared for checking; its instruction sentences left out of all.

    Attributes:
        chunk: The passage.
        sentences: Its sentences.
        segments: Runs of consecutive sentences of one paragraph, normalised (a quotation must
            lie within one).
        terms: Content words of its sentences.
        meta: Content words of its source line and section.
        figures: Figures of its sentences and of its source line (title, dates).
        grades: Grade words of its sentences.
    """

    chunk: Chunk
    sentences: tuple[PassageSentence, ...]
    segments: tuple[str, ...]
    terms: frozenset[str]
    meta: frozenset[str]
    figures: frozenset[str]
    grades: frozenset[str]

    @classmethod
    def of(cls, passage: Hit | Chunk) -> Passage:
        """Prepare a hit or chunk."""
        chunk = chunk_of(passage)
        text = chunk.text
        sentences: list[PassageSentence] = []
        runs: list[list[int]] = []
        joined = True  # whether the next sentence may continue the current run
        prev_end = 0
        for a, b in sentence_spans(text):
            sent = text[a:b]
            if is_instruction(sent):
                joined = False  # a quotation may not run across it
                continue
            if runs and joined and PARA_SEP not in text[prev_end:a]:
                runs[-1][1] = b
            else:
                runs.append([a, b])
            joined, prev_end = True, b
            parts = tuple(Clause(c, frozenset(content_terms(c)), negated(c)) for c in clauses(sent))
            sentences.append(PassageSentence(sent, a, frozenset(terms(sent)), parts))
        body = " ".join(s.text for s in sentences)
        label = source_label(chunk)
        stem = chunk.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        meta = " ".join(b for b in (label, chunk.section, stem) if b)
        return cls(
            chunk=chunk,
            sentences=tuple(sentences),
            segments=tuple(normalise(text[a:b]) for a, b in runs),
            terms=frozenset(terms(body)),
            meta=frozenset(terms(meta)),
            figures=frozenset(stated_figures(body) | stated_figures(label)),
            grades=frozenset(grades(body)),
        )

    def holds_quote(self, quote: str) -> bool:
        """True when the quotation is one contiguous verbatim span of one segment.

        Only whitespace, typographic quotes, apostrophes and dashes, punctuation at the
        quotation's ends and the case of its first letter may differ; an ellipsis (a quotation
        stitched from two places) never matches.
        """
        key = quote_key(quote)
        if not key or "..." in key or "…" in key:
            return False
        keys = {key, key[0].swapcase() + key[1:]}
        return any(k in seg for seg in self.segments for k in keys)
