"""What a report says about itself: title, inspectorate, type, subject, dates, lead inspector.

Everything comes from the report's own text (cover page, running headers, file properties).
What the report does not state stays None, with a note in ``ReportMetadata.notes``.
"""

from __future__ import annotations

import re

from ingest.dates import parse_date, parse_month_range, parse_range, parse_span
from ingest.records import Paragraph, ReportMetadata
from ingest.report_kind import detect_kind
from ingest.subjects import LOCAL_AUTHORITIES, POLICE_FORCES, SubjectResolver, canonical_subject
from ingest.titles import CONTACT, tidy_title

_INSPECTION_DATES = re.compile(r"inspection dates?\s*:?\s*(.{6,60})", re.I)
_PUBLISHED = re.compile(r"(?:report\s+)?published\s*:?\s*(.{6,40})", re.I)
_LEAD = re.compile(
    r"(?i:lead|reporting|managing)[ \t]+(?i:inspector)[ \t]*:?[ \t]*([A-Z][A-Za-z'’\-]+(?:[ \t]+[A-Z][A-Za-z'’\-]+){0,3})"
)
_LETTER_KIND = re.compile(
    r"(?im:^(focused|monitoring)\s+visit\s+to\b)|(?i:this\s+letter\s+summarises\s+the\s+findings\s+of\s+"
    r"(?:a|the|our)\s+(?:\w+\s+)?(focused|monitoring)\s+visit\b)"
)
_VISIT_ON = re.compile(
    r"findings\s+of\s+(?:a|the|our)\s+[^.]{0,40}?visit\s+to\s+[^.]{3,120}?\s+on\s+"
    r"(\d{1,2}(?:st|nd|rd|th)?(?:\s+[A-Z][a-z]+)?(?:\s*(?:,|and|to|–|-)\s*\d{1,2}(?:st|nd|rd|th)?"
    r"(?:\s+[A-Z][a-z]+)?)*\s+[A-Z][a-z]+\s+\d{4})",
)
_LETTER_INSPECTORS = re.compile(
    r"(?i:inspectors\s+for\s+this\s+visit\s+were|the\s+inspectors\s+were|lead\s+inspector\s+was)"
    r"\s+([A-Z][A-Za-z'’\-]+(?:\s+[A-Z][A-Za-z'’\-]+){1,3})"
)
_LETTER_TITLE = re.compile(
    r"^(?:Focused|Monitoring)\s+visit\s+to\s+.{3,120}?(?:services|council)\s*$", re.I
)
_VISIT_TITLE = re.compile(
    r"(?:Focused|Monitoring|Joint targeted area inspection) visit to (.+?)\s+"
    r"(?:local\s+authority\s+)?children[’']s\s+services",
    re.I,
)
_TOPIC_NOT_PLACE = re.compile(r"\b(?:safeguarding|looked\s+after|services\s+for)\b", re.I)
_ILACS_TITLE = re.compile(
    # The place between "Inspection of" and "children's services", never a run over them
    # ("Inspection of children's services: X Council Inspection of children's services").
    r"Inspection of ((?:(?!children[’']s\s+services|Inspection\s+of\b).){1,80}?)\s+"
    r"(?:local\s+authority\s+)?children[’']s\s+(?:social\s+care\s+)?services",
    re.I,
)
# A later title order: "Inspection of children's services: Marlow Vale Council".
_SERVICES_TITLE = re.compile(
    r"Inspection of (?:local\s+authority\s+)?children[’']s\s+(?:social\s+care\s+)?services"
    r"\s*[:,–-]?\s+(?:(?:in|for|at)\s+)?((?:The\s+)?[A-Z][\w'’&-]*(?:\s+(?:(?:of|and|upon|on|"
    r"the)\s+)?[A-Z][\w'’&-]*){0,5})\s*$"
)
_COUNCIL = re.compile(
    r"^((?:The\s+)?(?:London Borough of|Royal Borough of|City of|Borough of|Metropolitan Borough of|County of)?\s*"
    r"[A-Z][\w,&'’\-. ]{1,60}?(?:\s+(?:County|City|Borough|Metropolitan Borough|District))?\s+"
    r"(?:Council|Corporation))\s*$"
)
_FORCE = re.compile(r"\b((?:[A-Z][a-z]+\s+){1,3}(?:Police|Constabulary))\b")
# Labels other inspectorates print their dates under ("Dates of inspection: ...").
_DATES_LABEL = re.compile(
    r"(?:dates?\s+of\s+(?:the\s+)?(?:inspection|visit|fieldwork|on-?site\s+(?:work|inspection))|"
    r"inspection\s+(?:took\s+place|was\s+carried\s+out|fieldwork)|fieldwork(?:\s+dates?)?|"
    r"(?:visit|on-?site)\s+dates?|inspected\s+(?:on|between|from)|inspection\s+period)"
    r"\s*:?\s*(.{6,90})",
    re.I,
)
_PUBLISHED_LABEL = re.compile(
    r"(?:publication\s+date|dates?\s+of\s+publication|date\s+published|published\s+on)\s*:?\s*(.{6,40})",
    re.I,
)
# A partnership, a youth justice service or a safeguarding partnership named after its council.
_PARTNERSHIP = re.compile(
    r"((?:[A-Z][\w'’&,.-]*|and|of|upon|on|with)(?:\s+(?:[A-Z][\w'’&,.-]*|and|of|upon|on|with)){0,6}?)"
    r"\s+(?:[Ll]ocal\s+[Aa]rea\s+[Pp]artnership|Youth\s+(?:Justice|Offending)\s+(?:Service|Team|Partnership)|"
    r"(?:Safeguarding\s+)?(?:Children\s+)?Safeguarding\s+Partnership)"
)
# The cover's first lines say what a report is; further down it may mention other kinds.
_TITLE_LINES = 8
_KIND_WORD = re.compile(r"\b(?:inspection|visit|assessment|review|report|PEEL|SEND)\b", re.I)
_EVERY_SUBJECT = SubjectResolver(set(LOCAL_AUTHORITIES) | set(POLICE_FORCES))
_HMIC = re.compile(r"HM Inspectorate of Constabulary|HMICFRS|\bHMIC\b")
_OFSTED = re.compile(r"\bOfsted\b|ofsted\.gov\.uk|Office for Standards in Education")


def _inspectorate(text: str) -> str | None:
    ofsted = len(_OFSTED.findall(text))
    hmic = _HMIC.findall(text)
    if hmic and len(hmic) >= ofsted:
        return "HMICFRS" if any("FRS" in h or "Fire" in text[:5000] for h in hmic) else "HMIC"
    if ofsted:
        return "Ofsted"
    return None


def _report_type(head: str, file_type: str) -> str | None:
    low = head.lower()
    if "press release" in low or (file_type in ("text", "html") and "has today published" in low):
        return "Press release"
    # A visit letter names the framework it was carried out under ("in line with the inspection
    # of local authority children's services (ILACS) framework"): the visit comes first.
    m = _LETTER_KIND.search(head)
    if m:
        return (m.group(1) or m.group(2)).capitalize() + " visit"
    if re.search(r"inspection of .{0,60}local authority children[’']s services", low):
        return "Inspection of local authority children's services"
    if "inspection of services for children in need of help and protection" in low:
        return "Inspection of services for children in need of help and protection, children looked after and care leavers"
    if re.search(r"inspection of children[’']s social care services", low):
        return "Inspection of local authority children's services"
    if "inspection of looked after children services" in low:
        return "Inspection of looked after children services"
    if "child protection inspection" in low:
        return "Child protection inspection"
    if "focused visit" in low:
        return "Focused visit"
    if "monitoring visit" in low:
        return "Monitoring visit"
    return None


def extract_metadata(
    paragraphs: list[Paragraph],
    *,
    file_type: str,
    cover: list[tuple[str, float, bool]] | None = None,
    running: list[str] | None = None,
    props: dict[str, str] | None = None,
) -> ReportMetadata:
    """Report metadata from the report's own words.

    Args:
        paragraphs: The parsed paragraphs, in order.
        file_type: "pdf", "html", "docx", "text" or "markdown".
        cover: Page-1 lines of a PDF with their font size and boldness.
        running: Running header and footer lines removed from the pages.
        props: File properties (PDF metadata, HTML meta tags, Word core properties).

    Returns:
        The metadata; unknown fields None with a note why.
    """
    running = running or []
    props = props or {}
    first = [p for p in paragraphs if p.pdf_page_start <= 2][:60] or paragraphs[:60]
    head = "\n".join([*running, *(p.text for p in first)])
    body = "\n".join(p.text for p in paragraphs[:400])
    md = ReportMetadata()
    md.inspectorate = _inspectorate(head + "\n" + body)
    md.report_type = _report_type(head, file_type)

    # Title: the big lines of the cover, else the first heading, else the file's title property.
    if cover:
        big = max((s for t, s, _ in cover if not re.fullmatch(r"[\d\s|]+", t)), default=0)
        lines = []
        for text, size, _bold in cover:
            if re.match(r"(inspection dates?|report published|published)\b", text, re.I):
                break
            if re.fullmatch(r"[\d\s|]+", text):
                continue  # a printed page number
            if size >= max(14.0, big * 0.5) and text.strip().lower() != "and":
                lines.append(text.strip())
        if lines:
            md.title = " ".join(lines[:8])  # a long title wraps over many lines
    if not md.title:
        h = next((p.text for p in paragraphs[:10] if p.is_heading), None)
        if (
            file_type in ("text", "markdown")
            and paragraphs
            and len(paragraphs[0].text.split()) <= 20
        ):
            h = paragraphs[0].text  # a plain-text release opens with its headline
        md.title = h or props.get("title") or props.get("og:title")
    if md.title and CONTACT.search(md.title):
        md.title = None  # the letterhead, not a title
    if not md.title or CONTACT.search(md.title):
        md.title = next(
            (p.text for p in first if _LETTER_TITLE.match(p.text.strip())),
            next((p.text for p in paragraphs[:10] if p.is_heading), None),
        )
    if md.title:
        md.title = re.sub(r"\s+", " ", md.title).strip()

    # Kind and authors: from the title, the framework wording, the cover and running headers.
    title_lines = "\n".join(_cover_text(first, cover).splitlines()[:_TITLE_LINES])
    found = detect_kind("\n".join([*running, title_lines]), md.title, md.report_type)
    md.kind = found.kind
    md.inspectorates = list(found.inspectorates)
    md.notes["kind"] = found.reason
    if md.inspectorates and (md.inspectorate not in md.inspectorates or len(md.inspectorates) > 1):
        md.inspectorate = md.inspectorates[0]  # the first-named author leads
    if md.report_type is None and found.kind != "report":
        md.report_type = found.kind[0].upper() + found.kind[1:]

    # Subject: the authority or force the report is about.
    m = _VISIT_TITLE.search(head) or _ILACS_TITLE.search(head)
    if m and not _TOPIC_NOT_PLACE.search(m.group(1)):
        # (The 2012-13 "Inspection of safeguarding and looked after children services" names a
        # topic there, not a place.)
        md.subject = canonical_subject(m.group(1))
    if not md.subject:
        titled = (m for p in first[:15] if (m := _SERVICES_TITLE.search(p.text.strip())))
        if (m := next(titled, None)) is not None:
            md.subject = canonical_subject(m.group(1))
    if not md.subject:
        md.subject = _partnership_or_force(md.title or "", head, md.inspectorate)
    if not md.subject and cover:
        # Older layouts print the authority's name as the cover's biggest line.
        big = max((sz for t, sz, _ in cover if not re.fullmatch(r"[\d\s|]+", t)), default=0)
        # Consecutive biggest lines are one name wrapped ("London Borough of Barking and" / ...).
        runs: list[str] = []
        previous_big = False
        for text, size, _bold in cover:
            t = text.strip()
            is_big = size >= big - 0.5 and bool(t) and not re.fullmatch(r"[\d\s|]+", t)
            if is_big and previous_big:
                runs[-1] = f"{runs[-1]} {t}"
            elif is_big:
                runs.append(t)
            previous_big = is_big
        names = [
            t
            for t in runs
            if not re.match(r"(re-?inspection|inspection|review|report|ofsted|\d)", t, re.I)
            and not _KIND_WORD.search(t)
        ]
        # A name the tables know wins over an earlier big line that only looks like one
        # ("Safeguarding and Looked After" above "London Borough of Hackney").
        md.subject = next((s for t in names if (s := _EVERY_SUBJECT.resolve(t))), None) or next(
            (s for t in names if (s := canonical_subject(t))), None
        )
    if not md.subject:
        for p in first[:15]:
            c = _COUNCIL.match(p.text.strip())
            if c:
                md.subject = canonical_subject(c.group(1))
                break
    if not md.subject and md.inspectorate in ("HMIC", "HMICFRS"):
        forces = _FORCE.findall(head)
        if forces:
            md.subject = canonical_subject(forces[0])
    if not md.subject:
        named = _EVERY_SUBJECT.find_in(md.title or "") or _EVERY_SUBJECT.find_in(head[:3000])
        if named:
            md.subject = named[0]
            md.notes["subject"] = "a local authority or force the first pages name"
    if not md.subject:
        md.notes["subject"] = "no local authority or police force named on the cover"
    md.title = tidy_title(md.title, (p.text for p in first[:30]))

    # Dates
    m = _INSPECTION_DATES.search(head)
    if m:
        md.inspection_start, md.inspection_end = parse_range(m.group(1))
    if md.inspection_start is None:
        m = _VISIT_ON.search(re.sub(r"\s+", " ", head))
        if m:
            md.inspection_start, md.inspection_end = parse_range(m.group(1))
    if md.inspection_start is None:
        m = _DATES_LABEL.search(re.sub(r"\s+", " ", head))
        if m:
            md.inspection_start, md.inspection_end = parse_range(m.group(1))
    if md.inspection_start is None:
        for line in running:
            s, e = parse_range(line)
            if s:
                md.inspection_start, md.inspection_end = s, e
                break
    if md.inspection_start is None and md.report_type == "Press release":
        m = re.search(r"carried out in ([^.]{3,60})", head)
        if m:
            md.inspection_start, md.inspection_end = parse_month_range(m.group(1))
    if md.inspection_start is None and md.kind not in ("press release", None):
        # A date range on the cover is the inspection's (a cover has no other span of days).
        md.inspection_start, md.inspection_end = parse_span(_cover_text(first, cover))
        if md.inspection_start is not None:
            md.notes["inspection_dates"] = "the date range on the cover"
    if md.inspection_start is None:
        md.notes["inspection_dates"] = "the report does not state its inspection dates"
    m = _PUBLISHED.search(head) or _PUBLISHED_LABEL.search(head)
    if m:
        md.published = parse_date(m.group(1))
    if md.published is None and (m := _PUBLISHED_LABEL.search(head)):
        md.published = parse_date(m.group(1))
    if md.published is None:
        for key in ("article:published_time", "date", "dc.date"):
            if key in props:
                md.published = parse_date(props[key]) or _iso(props[key])
                if md.published:
                    break
    if md.published is None:
        md.notes["published"] = "no publication date stated"
    m = _LEAD.search(head) or _LETTER_INSPECTORS.search(re.sub(r"\s+", " ", head))
    if m:
        name = re.sub(r"\s+(HMI|Her|His)$", "", m.group(1).strip())
        md.lead_inspector = re.sub(r"\s+(HMI|Her|His|Majesty).*$", "", name)
    else:
        md.notes["lead_inspector"] = "no lead inspector named"
    return md


def _cover_text(first: list[Paragraph], cover: list[tuple[str, float, bool]] | None) -> str:
    """The words of the first page: the cover lines of a PDF, else the first page's paragraphs."""
    if cover:
        return "\n".join(t for t, _, _ in cover)
    return "\n".join(p.text for p in first if p.pdf_page_start <= 1)


def _partnership_or_force(title: str, head: str, inspectorate: str | None) -> str | None:
    """The council a partnership or youth justice service is named after, or a police force
    ("Bedford Borough Local Area Partnership" is Bedford; "Sampleshire Constabulary" a force).
    The title is read first; the first pages only when the title names no place."""
    name = _partnership(title) or _force(title)
    if name:
        return name
    known = _EVERY_SUBJECT.find_in(title)
    if known:
        return known[0]
    return _partnership(head[:3000]) or (
        _force(head[:3000]) if inspectorate in ("HMIC", "HMICFRS") else None
    )


def _partnership(text: str) -> str | None:
    m = _PARTNERSHIP.search(text)
    if not m:
        return None
    words = re.sub(r"^(?:.*\b(?:of|for|to|in|by)\s+)?(?:the\s+)?", "", m.group(1), flags=re.I)
    parts = words.split()
    for i in range(len(parts)):
        known = _EVERY_SUBJECT.resolve(" ".join(parts[i:]))
        if known:
            return known
    # "Overall, Wexley Youth Justice Service ...": the sentence's opening is no part of a name.
    return canonical_subject(re.sub(r"^[A-Z][a-z]+,\s+", "", words))


def _force(text: str) -> str | None:
    forces = _FORCE.findall(text)
    if not forces:
        return None
    return canonical_subject(re.sub(r"^(?:An?|The|Of|In)\s+", "", forces[0]))


def _iso(text: str):
    from datetime import date

    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
