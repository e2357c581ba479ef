"""Place names typed nearly right ("Cornwal" is read as Cornwall, and said so), and a county's
name read as its force where only the force's reports are indexed.

A word of the question is taken for a misspelt council or police force only when it is close to
one of the names (one typing slip, two in a long name), starts like it, and appears nowhere in
the indexed reports (so "leads" is never read as Leeds). When two names are equally close,
nothing is guessed: the question is answered as asked and the user is asked which one was meant.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ingest.subjects import SubjectResolver, is_police_force

_POLICING = re.compile(
    r"\b(?:PEEL|HMICF?R?S?|police|policing|force|constabulary|officers?|crimes?|criminal|"
    r"offenders?|custody|999|101|call\s+handling)\b",
    re.I,
)
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*")


@dataclass(frozen=True)
class Correction:
    """A word of the question read as a place name it nearly spells.

    Attributes:
        typed: The words as typed ("Cornwal").
        meant: The known names it is close to, nearest first: one when it was read as that
            name, several when it could be any of them (then none was assumed), none when it
            is close to no place and no indexed report mentions it.
    """

    typed: str
    meant: tuple[str, ...]

    @property
    def taken(self) -> str | None:
        """The name the words were read as, or None when it was unclear."""
        return self.meant[0] if len(self.meant) == 1 else None

    def describe(self) -> str:
        """For the context line: 'read “Cornwal” as Cornwall' or 'did you mean A or B?'."""
        if not self.meant:
            return f"no place recognised: no indexed report mentions “{self.typed}”"
        if self.taken:
            return f"read “{self.typed}” as {self.taken}"
        return f"“{self.typed}”: did you mean {' or '.join(self.meant)}?"


def distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance (a swap of two letters is one slip), or
    ``limit + 1`` as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _budget(key: str, min_letters: int, two_slips_from: int) -> int:
    letters = len(key.replace(" ", ""))
    return 0 if letters < min_letters else (2 if letters >= two_slips_from else 1)


def near_places(
    question: str,
    variants: Mapping[str, str],
    in_reports: Callable[[str], bool],
    min_letters: int = 5,
    two_slips_from: int = 9,
    skip: Iterable[str] = (),
) -> list[Correction]:
    """Words of a question that nearly spell a known place name.

    Args:
        question: The question.
        variants: Every spelling of every known place (lower-case key, e.g. "cornwall") and
            the name it stands for.
        in_reports: Whether a word, as typed, appears in the indexed reports (a real word
            or name there is no typing slip).
        skip: Lower-case words already recognised (part of a name the question spells right).
        min_letters: Shorter words are never read as misspelt (too many are other words one
            slip away: "Hove", "Hull", "Bath").
        two_slips_from: Names of this many letters or more may be misspelt by two slips.

    Returns:
        One correction per misspelt name, in the order of the question.
    """
    by_words: dict[int, list[tuple[str, str]]] = {}
    for key, name in variants.items():
        by_words.setdefault(key.count(" ") + 1, []).append((key, name))
    words = [
        (typed, typed.lower().replace("\u2019", "'"))
        for typed in (re.sub(r"['\u2019]s$", "", m.group(0)) for m in _WORD.finditer(question))
    ]
    skipped = {s.lower() for s in skip}
    out: list[Correction] = []
    i = 0
    while i < len(words):
        found = None
        for n in (3, 2, 1):
            span = words[i : i + n]
            if len(span) < n or any(w in skipped for _, w in span):
                continue
            key = " ".join(w for _, w in span)
            limit = _budget(key, min_letters, two_slips_from)
            if key in variants or limit == 0:
                continue
            found = _closest(key, by_words.get(n, ()), limit)
            if found:
                typed = " ".join(t for t, _ in span)
                if in_reports(typed):
                    found = None
                    continue
                out.append(Correction(typed, found))
                i += n
                break
        if not found:
            i += 1
    return out


# A capitalised word inside a sentence (a name), not its first word.
_INNER_NAME = re.compile(r"(?<=[a-z,;]\s)[A-Z][a-z]{3,}(?:['\u2019]s)?\b")


def unrecognised(question: str, in_reports: Callable[[str], bool]) -> list[Correction]:
    """Names inside the question that no indexed report mentions ("… in Narnia?"): the answer
    then draws on every report, and says that no place was recognised.

    Args:
        question: The question (one that named no known place).
        in_reports: Whether a word, as typed, appears in the indexed reports.
    """
    out = []
    for m in _INNER_NAME.finditer(question):
        word = re.sub(r"['\u2019]s$", "", m.group(0))
        if not in_reports(word):
            out.append(Correction(word, ()))
    return out


def word_slips(
    question: str, vocabulary: frozenset[str], known: Callable[[str], bool]
) -> list[tuple[str, str]]:
    """Words of the trade typed with a slip ("inspeciton", "leadrship", "publishd"): each with
    the one word of ``vocabulary`` it nearly spells (one slip from five letters, two from
    nine, the same first letter), unless the word as typed is a known word ("judge").

    Args:
        question: The question.
        vocabulary: The words a route is read from (lower case).
        known: Whether a word, as typed, is a word in its own right (one of the embedding
            model's whole words, or found in the indexed reports).
    """
    out = []
    for m in _WORD.finditer(question):
        word = m.group(0).lower()
        if len(word) < 5 or word in vocabulary or "'" in word or "\u2019" in word:
            continue
        limit = _budget(word, 5, 9)
        near = _closest(word, ((v, v) for v in vocabulary if len(v) >= 5), limit)
        if len(near) == 1 and not known(word):
            out.append((m.group(0), near[0]))
    return out


def _closest(key: str, names: Iterable[tuple[str, str]], limit: int) -> tuple[str, ...]:
    best: dict[str, int] = {}
    for variant, name in names:
        if variant[0] != key[0] or variant == key:
            continue
        d = distance(key, variant, limit)
        if d <= limit and d < best.get(name, limit + 1):
            best[name] = d
    if not best:
        return ()
    nearest = min(best.values())
    return tuple(sorted(n for n, d in best.items() if d == nearest))


def force_for_county(
    question: str, everyone: SubjectResolver, held: Sequence[str]
) -> tuple[str, ...]:
    """The indexed force a question means by its county's name: "How did Cumbria do in its
    PEEL?" when the index holds Cumbria Constabulary and no Cumbria council report (only for
    a question about policing).

    Args:
        question: The question.
        everyone: Resolves every council and force, indexed or not.
        held: The indexed subjects.

    Returns:
        The forces meant (none when the question names an indexed subject itself).
    """
    if not _POLICING.search(question):
        return ()  # "Cumbria's youth justice service" is no question about its police
    forces = []
    for name in everyone.find_in(question):
        if name in held:
            return ()
        key = name.lower() + " "
        same = [s for s in held if is_police_force(s) and s.lower().startswith(key)]
        if len(same) == 1:
            forces.append(same[0])
    return tuple(dict.fromkeys(forces))
