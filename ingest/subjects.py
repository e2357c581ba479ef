"""One resolver of subject names: local authorities and police forces, with their aliases.

The names themselves (and the words around a name) are in ``ingest.subject_names``.

Metadata extraction (the name a report prints on its front page) and question understanding (the
name a user types) both go through this module, so that "Norfolk County Council", "norfolk" and
"Norfolk's" all come out as "Norfolk", and "the Met" as "Metropolitan Police Service".

* ``canonical_subject(raw)`` normalises one name: council/borough/county prefixes and suffixes are
  stripped, "&" reads as "and", case, hyphens and full stops do not matter ("St. Helens"), and
  known aliases map to the canonical display name.
* ``SubjectResolver(known)`` resolves names and finds subjects mentioned in free text, limited to
  the subjects present in an index.

Canonical local authority names are the ones Ofsted's front pages print once "council" and the
like are taken away ("Inspection of Bedford Borough local authority children's services" gives
"Bedford"); police forces keep the name they call themselves ("Essex Police", "Norfolk
Constabulary", "Metropolitan Police Service").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.subject_names import (
    ALIASES,
    COMMON_WORDS,
    CONTEXT_AFTER,
    GENERIC,
    LOCAL_AUTHORITIES,
    NOT_AFTER,
    NOT_BEFORE,
    PLACE_BEFORE,
    POLICE_FORCES,
    PREFIXES,
    RARE_AS_WORDS,
    SMALL_WORDS,
    SUFFIXES,
)

# --------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*|&")


@dataclass(frozen=True)
class _Tok:
    norm: str  # lower case, "&" as "and", apostrophes and a possessive "'s" removed
    start: int
    end: int
    possessive: bool


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        low = raw.lower().replace("\u2019", "'")
        possessive = False
        if low == "&":
            low = "and"
        elif low.endswith("'s"):
            low, possessive = low[:-2], True
        elif low.endswith("s'") or low.endswith("'"):
            low = low.rstrip("'")
        low = low.replace("'", "")
        if low == "saint":
            low = "st"
        out.append(_Tok(low, m.start(), m.end(), possessive))
    return out


def _key(text: str) -> str:
    return " ".join(t.norm for t in _tokens(text))


def _build_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for name in LOCAL_AUTHORITIES:
        table[_key(name)] = name
    for name in POLICE_FORCES:
        table[_key(name)] = name
        for twin in _force_twins(name):
            table.setdefault(_key(twin), name)
    for alias, name in ALIASES.items():
        table[_key(alias)] = name
    for alias, name in _compass_short_forms().items():
        table.setdefault(_key(alias), name)
    return table


_COMPASS = (
    "North",
    "South",
    "East",
    "West",
    "North East",
    "North West",
    "South East",
    "South West",
)


def _compass_short_forms() -> dict[str, str]:
    """A short form with a compass point before it names the council with that point before
    the county: "South Glos" is South Gloucestershire, "N Lincs" North Lincolnshire."""
    known = set(LOCAL_AUTHORITIES)
    out: dict[str, str] = {}
    for alias, name in ALIASES.items():
        for point in _COMPASS:
            whole = f"{point} {name}"
            if whole in known:
                out[f"{point} {alias}"] = whole
                out[f"{''.join(w[0] for w in point.split())} {alias}"] = whole
    return out


def _force_twins(name: str) -> list[str]:
    """Other ways to write a force's name: "Essex Police" -> "Essex Constabulary", ..."""
    m = re.match(r"(.+?) (?:Police|Constabulary)(?: Service)?$", name)
    if not m or name.startswith("Police "):
        return []
    area = m.group(1)
    return [f"{area} {w}" for w in ("Police", "Constabulary", "Police Service", "Police Force")]


_TABLE = _build_table()
_PREFIX_TOKS = [tuple(t.norm for t in _tokens(p)) for p in PREFIXES]
_SUFFIX_TOKS = [tuple(t.norm for t in _tokens(s)) for s in SUFFIXES]
_CONTEXT_AFTER_KEYS = tuple(_key(w) for w in CONTEXT_AFTER)


def _smart_title(text: str) -> str:
    def fix(word: str, first: bool) -> str:
        parts = word.split("-")
        return "-".join(
            p if (p in SMALL_WORDS and not (first and i == 0)) else p[:1].upper() + p[1:]
            for i, p in enumerate(parts)
        )

    words = text.split(" ")
    return " ".join(fix(w, i == 0) for i, w in enumerate(words))


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def canonical_subject(raw: str) -> str | None:
    """Normalise a subject's name as printed in a report or typed by a user.

    Known local authorities and police forces (and their aliases) come out under their
    canonical display name; other names come out with council-style prefixes and suffixes
    stripped, "&" written "and", and all-lower or all-upper case title-cased.

    Args:
        raw: The name, e.g. ``"Norfolk County Council"``, ``"London Borough of Croydon"``,
            ``"st. helens"``, ``"BCP"``, ``"Essex Police"``.

    Returns:
        The canonical name (``"Norfolk"``, ``"Croydon"``, ``"St Helens"``,
        ``"Bournemouth, Christchurch and Poole"``, ``"Essex Police"``), or None for an empty or
        garbage input (no letters, only generic words like "council", or too long to be a name).
    """
    if not raw or not raw.strip():
        return None
    toks = _tokens(raw)
    if not toks or len(toks) > 12:
        return None
    norms = tuple(t.norm for t in toks)
    hit = _TABLE.get(" ".join(norms))
    if hit:
        return hit
    police = norms[-1] in ("police", "constabulary") or norms[0] == "police"
    lo, hi = 0, len(norms)
    if not police:
        changed = True
        while changed and hi > lo:
            changed = False
            for suf in _SUFFIX_TOKS:
                n = len(suf)
                if hi - lo > n and norms[hi - n : hi] == suf:
                    hi -= n
                    changed = True
                    break
            if not changed:
                for pre in _PREFIX_TOKS:
                    n = len(pre)
                    if hi - lo > n and norms[lo : lo + n] == pre:
                        lo += n
                        changed = True
                        break
            hit = _TABLE.get(" ".join(norms[lo:hi]))
            if hit:
                return hit
    rest = norms[lo:hi]
    if not rest or hi - lo > 7 or all(w in GENERIC for w in rest):
        return None
    if rest[-1] in SMALL_WORDS or rest[0] in SMALL_WORDS - {"the"}:
        return None  # cut off ("Barking and"): better no name than a wrong one
    if not any(re.search(r"[a-z]", w) for w in rest) or any(w.isdigit() for w in rest):
        return None
    text = raw[toks[lo].start : toks[hi - 1].end]
    if toks[hi - 1].possessive:
        text = raw[toks[lo].start : toks[hi - 1].end - 2]
    text = re.sub(r"\s*&\s*", " and ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:")
    if text == text.lower() or text == text.upper():
        text = _smart_title(text.lower())
    return text or None


def is_police_force(name: str) -> bool:
    """Tell whether a canonical subject name is a police force."""
    return name in POLICE_FORCES or re.search(r"\b(?:Police|Constabulary)\b", name) is not None


class SubjectResolver:
    """Resolves names, and finds subjects in free text, among the subjects an index holds.

    Built once (it compiles a table of every variant of every known subject); ``find_in`` then
    looks a question up word by word, in well under a millisecond.

    Args:
        known: Canonical names present in the index (as ``canonical_subject`` gives them; other
            spellings are normalised too).
    """

    def __init__(self, known: Iterable[str]) -> None:
        self._known: dict[str, str] = {}  # canonical -> known spelling
        self._variants: dict[str, str] = {}  # key of a variant -> known spelling
        for name in known:
            if not name:
                continue
            canon = canonical_subject(name) or name
            self._known.setdefault(canon, name)
            self._variants.setdefault(_key(name), name)
            self._variants.setdefault(_key(canon), name)
        for key, canon in _TABLE.items():
            if canon in self._known:
                self._variants.setdefault(key, self._known[canon])
        for canon, name in self._known.items():
            for twin in _force_twins(canon):
                self._variants.setdefault(_key(twin), name)
        self._max_len = max((len(k.split()) for k in self._variants), default=0)

    @property
    def known(self) -> list[str]:
        """The known subjects, as given."""
        return list(self._known.values())

    @property
    def variants(self) -> dict[str, str]:
        """Every spelling and alias of the known subjects (lower-case, as words are compared)
        and the known name each stands for."""
        return dict(self._variants)

    def resolve(self, name: str) -> str | None:
        """Map any variant or alias of a known subject to its known name.

        Args:
            name: A name as printed or typed ("Norfolk County Council", "the Met", "Hull").

        Returns:
            The known subject's name, or None when the name is not one of the known subjects.
        """
        if not name:
            return None
        hit = self._variants.get(_key(name))
        if hit:
            return hit
        canon = canonical_subject(name)
        if canon is None:
            return None
        return self._known.get(canon) or self._variants.get(_key(canon))

    def find_in(self, text: str) -> list[str]:
        """Find the known subjects a free text mentions, in order of first mention.

        Matching is case-insensitive, on whole words, and the longest name wins ("North
        Yorkshire" is not also "York"); aliases and possessives ("Norfolk's") count. Names that
        are ordinary words ("Bury", "Reading") count only when capitalised and not at the start
        of a sentence, or when a council-ish word is next to them ("bury council").

        Args:
            text: A question or any text.

        Returns:
            The known subjects' names, each once.
        """
        toks = _tokens(text)
        found: list[str] = []
        i, n_toks = 0, len(toks)
        while i < n_toks:
            matched = 0
            for n in range(min(self._max_len, n_toks - i), 0, -1):
                span = toks[i : i + n]
                if not self._joined(text, span):
                    continue
                name = self._variants.get(" ".join(t.norm for t in span))
                if name is None or not self._plausible(text, toks, i, n):
                    continue
                if name not in found:
                    found.append(name)
                matched = n
                break
            i += matched or 1
        return found

    @staticmethod
    def _joined(text: str, span: list[_Tok]) -> bool:
        """Tokens of one name: no sentence break between them, no possessive inside."""
        for a, b in zip(span, span[1:], strict=False):
            if a.possessive:
                return False
            gap = text[a.end : b.start]
            if gap.strip(" ,-\u2013&\t") and not (a.norm == "st" and gap.strip() == "."):
                return False
            if "\n\n" in gap:
                return False
        return True

    @staticmethod
    def _plausible(text: str, toks: list[_Tok], i: int, n: int) -> bool:
        span = toks[i : i + n]
        key = " ".join(t.norm for t in span)
        before = toks[i - 1].norm if i > 0 else ""
        if before in NOT_AFTER.get(key, ()):
            return False
        after1 = toks[i + n].norm if i + n < len(toks) else ""
        if after1 in NOT_BEFORE.get(key, ()):
            return False
        if key not in COMMON_WORDS:
            return True
        after = " ".join(t.norm for t in toks[i + n : i + n + 2])
        context = span[-1].possessive or any(
            after == w or after1 == w or after.startswith(w + " ") for w in _CONTEXT_AFTER_KEYS
        )
        before2 = " ".join(t.norm for t in toks[max(0, i - 2) : i])
        if any(before2.endswith(w) for w in ("borough of", "city of", "county of", "council of")):
            context = True
        if re.fullmatch(r"(?:19|20)\d\d", after1) or (
            key in RARE_AS_WORDS and before in PLACE_BEFORE
        ):
            # "bury 2016 report", "care leavers in derby"
            context = True
        if context:
            return True
        first = text[span[0].start]
        if not first.isupper():
            return False
        head = text[: span[0].start].rstrip()
        sentence_start = not head or head[-1] in '.!?:;"\u201c(\n'
        return not sentence_start
