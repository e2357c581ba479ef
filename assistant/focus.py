"""The topical part of a question, once its subject and period are applied as filters."""

from __future__ import annotations

import re

from assistant.periods import _MONTH_YEAR, _YEAR
from assistant.question import Understood

_ASKING = re.compile(
    r"\b(?:what|how|did|does|do|has|have|had|was|were|is|are|can|could|please|give|me|i|"
    r"tell|show|find|found|say|says|said|note|noted|report|reported|describe|described|"
    r"according|to|about|on|of|the|a|an|in|from|its|their|it|there|any|quote|quotes|"
    r"ofsted|inspectors?|inspection|inspections|re-inspection|report|reports|council|"
    r"county|city|borough|local|authority|authority's|children's|services|latest|recent|"
    r"most|newest|previous|last|first|earliest)\b",
    re.I,
)


_FRAME = re.compile(
    r"\b(?:according to (?:ofsted|(?:the )?inspectors?|the report)"
    r"|(?:did|do|does) (?:ofsted|hmic|hmicfrs|(?:the )?inspectors?) (?:find|say|note|report|mention|"
    r"identify|describe|see)"
    r"|(?:in|from|of) (?:its|the|their|this|that) (?:ofsted )?(?:inspection )?report"
    r"|(?:in|of|for) (?:the )?children['’]s (?:social care )?services"
    # A press officer's request: "I'd like a quotable line about", "give me a quote on".
    r"|(?:i['’]d like|i need|i want|can i have|could i have|can you give me|give me|find me|"
    r"pull|get me)(?: out)?(?: an?| some| the)?"
    r"(?: short| good| strong| positive| clear| exact| verbatim| direct)?"
    r" (?:quotable )?(?:quotes?|lines?|sentences?|soundbites?|extracts?|excerpts?|statements?|"
    r"snippets?)(?: (?:from|in) the (?:report|letter))?(?: (?:about|on|regarding|for|that))?"
    r"|quotable (?:lines?|quotes?)"
    # What the press officer is writing: "I'm drafting a press release on X's result.",
    # "For our newsletter:", "an exact quote from the report".
    r"|(?:i['’]m|i am|we['’]re|we are) (?:drafting|writing|preparing|putting together|working on)"
    r" (?:a|an|our|the|some) [^.?!:]{0,80}?[.:!,]\s*(?=\w)"
    r"|(?:(?:it['’]s|it is|this is|that['’]s) )?(?:for|in) (?:our|a|the|an|my) (?:\w+ )?(?:newsletters?|press releases?|statements?|"
    r"website|briefings?|bulletins?|social media posts?|posts?|tweets?|annual reports?|"
    r"speech(?:es)?|articles?|blogs?)\b[:,]?"
    r"|an? (?:exact|verbatim|direct|word-for-word) (?:quote|quotation|line|sentence)s?"
    r"(?: (?:from|in) the (?:[\w-]+ )?(?:report|letter|inspection))?"
    r"|(?:ILACS|SIF|JTAI) (?:result|report|inspection|judgement)s?"
    r"|ofsted['’]?s?|hmic(?:frs)?['’]?s?)\b",
    re.I,
)
# Words a topic cannot end on ("care leavers by" → "care leavers"), longest first.
_DANGLING = ("at the end of", "during", "from", "for", "by", "in", "of", "at")


def strip_dangling(text: str) -> str:
    """The text without the prepositions it ends on ("visits in the spring of" keeps "the
    spring"; "care leavers by at" becomes "care leavers").

    Walks back from the end one word at a time, never rescanning: an anchored pattern with a
    repeated group would retry from every word of a long run of prepositions (quadratic).
    """
    end = len(text.rstrip())
    while True:
        for word in _DANGLING:
            start = end - len(word)
            if start > 0 and text[start - 1].isspace() and text[start:end].lower() == word:
                end = _rstrip_at(text, start - 1)
                break
        else:
            return text[:end]


def _rstrip_at(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def focus_query(question: str, u: Understood) -> str:
    """The topical part of a question, once its subject and period are applied as filters.

    "What did inspectors find in 2015 about Lambeth's follow-up with children who had gone
    missing from care?" becomes "follow-up with children who had gone missing from care?" for
    ranking inside the steered reports. Falls back to the question when too little is left.
    """
    text = question
    for s in u.context.subjects:
        text = re.sub(rf"\b{re.escape(s)}(?:['’]s)?\b", " ", text, flags=re.I)
    text = _MONTH_YEAR.sub(" ", text)
    text = re.sub(
        rf"\b(?:in|since|after|before|from|during|between|and|to)?\s*{_YEAR}\b",
        " ",
        text,
        flags=re.I,
    )
    # Words that only frame the question: every report is an inspection report about
    # children's services, so they carry no topic (and pull in the back-page boilerplate).
    text = _FRAME.sub(" ", " ".join(text.split()))
    words = text.split()
    # Drop the leading question frame ("What did inspectors find about ..."), keep the topic.
    i = 0
    while i < len(words) and _ASKING.fullmatch(words[i].strip("?,.:;'’\"").lower() or "x"):
        i += 1
    topic = strip_dangling(" ".join(words[i:]).strip(" ,.;:?")).strip(" ,.;:")
    content = [w for w in topic.split() if not _ASKING.fullmatch(w.strip("?,.:;'’\"").lower())]
    return topic if len(content) >= 2 else question
