"""Misspelt places, answers that mix reports, and sentences that lean on the one before."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from conftest import ask_json

from assistant.answer import Composer, Sentence, depends_on_previous, report_label
from assistant.settings import Settings
from assistant.spelling import Correction, distance, near_places
from ingest.records import Chunk
from vectorstore.records import Hit, ReportRecord


def test_distance_counts_slips_and_stops_early():
    assert distance("cornwal", "cornwall", 1) == 1
    assert distance("nrofolk", "norfolk", 1) == 1  # two letters swapped: one slip
    assert distance("croydn", "croydon", 1) == 1
    assert distance("kensington", "kensingtn", 2) == 1
    assert distance("leeds", "norfolk", 1) == 2  # over the limit: limit + 1


def _variants(*names: str) -> dict[str, str]:
    return {n.lower(): n for n in names}


def test_near_places_reads_one_slip_and_asks_when_two_places_are_as_near():
    places = _variants("Cornwall", "Croydon", "Leeds", "North Yorkshire", "Alphaton", "Alphatin")
    never = lambda words: False  # noqa: E731

    [c] = near_places("What did inspectors find in Cornwal?", places, never)
    assert c == Correction("Cornwal", ("Cornwall",)) and c.taken == "Cornwall"
    assert c.describe() == "read “Cornwal” as Cornwall"
    [c] = near_places("how is north yorkshre doing", places, never)
    assert c.taken == "North Yorkshire" and c.typed == "north yorkshre"
    [c] = near_places("Alphaten's care leavers", places, never)
    assert c.taken is None and c.meant == ("Alphatin", "Alphaton")
    assert "did you mean Alphatin or Alphaton?" in c.describe()
    # Short words, other first letters and words spelt right are never read as places.
    assert near_places("Leds", places, never) == []
    assert near_places("Brovdon", places, never) == []
    assert near_places("Cornwall and Leeds", places, never) == []


def test_a_word_the_reports_use_is_no_misspelling():
    places = _variants("Leeds", "Cornwall")
    assert near_places("what leads to delays", places, lambda w: w == "leads") == []
    assert near_places("what leads to delays", places, lambda w: False)[0].taken == "Leeds"


def _report(rid: str, subject: str, year: int) -> ReportRecord:
    return ReportRecord(
        report_id=rid,
        source=f"{rid}.pdf",
        sha256=rid,
        size=1,
        status="indexed",
        title="Inspection of local authority children's services",
        subject=subject,
        inspectorate="Ofsted",
        inspection_start=date(year, 3, 1),
        inspection_end=date(year, 3, 12),
    )


def test_the_resolver_reads_a_misspelt_place_and_says_so():
    from assistant.question import QuestionResolver

    reports = [_report("c1", "Cornwall", 2019), _report("l1", "Leeds", 2022)]
    res = QuestionResolver(reports, in_reports=lambda words: words.lower() == "leads")
    u = res.understand("What did inspectors say about Cornwal's care leavers?")
    assert u.context.subjects == ("Cornwall",) and u.filters.subjects == ("Cornwall",)
    assert "read “Cornwal” as Cornwall" in u.context.description
    assert u.context.corrections == (Correction("Cornwal", ("Cornwall",)),)
    # A place spelt right is left alone; a real word is no place; without a check, no guesses.
    assert res.understand("How is Leeds doing?").context.corrections == ()
    assert res.understand("what leads to delays in Cornwall?").context.subjects == ("Cornwall",)
    assert QuestionResolver(reports).understand("Cornwal?").context.subjects == ()


def _chunk(rid: str, subject: str, year: int, text: str, n: int = 0) -> Chunk:
    return Chunk(
        id=f"{rid}:{n:04d}",
        report_id=rid,
        source=f"{rid}.pdf",
        ordinal=n,
        text=text,
        embed_text=text,
        page_start=1,
        page_end=1,
        pdf_page_start=1,
        pdf_page_end=1,
        subject=subject,
        inspectorate="Ofsted",
        inspection_start=date(year, 3, 1),
        inspection_end=date(year, 3, 12),
    )


def _sentences(chunk: Chunk, scores: list[float]) -> list[Sentence]:
    hit = Hit(chunk=chunk, rank=1)
    out, at = [], 0
    for part, score in zip(chunk.text.split("\n\n"), scores, strict=True):
        for sent in part.split("|"):
            at = chunk.text.index(sent, at)
            out.append(Sentence(sent, at, hit, score=score, vector=None))
            at += len(sent)
    return out


def _composer(embedder, **answer) -> Composer:
    s = Settings()
    return Composer(
        embedder,
        s.answer.model_copy(update=answer),
        weights=s.retrieval.weights,
        passages=3,
        embed_limit=10,
        confident=0.5,
    )


@pytest.fixture(scope="module")
def composer(embedder):
    return _composer(embedder)


def test_an_answer_never_opens_with_a_sentence_that_leans_on_the_one_before(composer):
    assert depends_on_previous("They reported that this has improved since the last visit.")
    assert depends_on_previous("However, plans for care leavers are not updated.")
    assert not depends_on_previous("It is clear that leaders know their services well.")
    assert not depends_on_previous("Social workers visit children regularly.")
    text = "Leaders have strengthened the front door.|They reported that this has improved."
    chunk = _chunk("a", "Testshire", 2022, text.replace("|", " "))
    lead, leaning = (
        Sentence(s, chunk.text.index(s), Hit(chunk=chunk, rank=1), score=sc)
        for s, sc in zip(text.split("|"), (0.2, 0.9), strict=True)
    )
    # The sentence it leans on is put first, though it scored lower.
    assert [s.text for s in composer.select([leaning, lead], 1)] == [lead.text, leaning.text]
    other = replace(lead, text="Managers check every referral within a day.", score=0.85)
    assert composer.select([leaning, other], 2)[0] is other


def test_sentences_are_spread_across_paragraphs(composer):
    chunk = _chunk(
        "a",
        "Testshire",
        2022,
        "Plans for care leavers are thorough.|Personal advisers keep in touch.|"
        "Advisers help young people find work.\n\n"
        "Care leavers live in suitable homes.",
    )
    one, two, three, other = _sentences(chunk, [0.9, 0.88])
    # Two sentences of one paragraph at most, while another paragraph offers one as good.
    chosen = composer.select([one, two, three, other], 3)
    assert [s.text for s in chosen] == [one.text, two.text, other.text]
    # With no limit, the best three are taken wherever they are.
    flat = _composer(composer.embedder, per_paragraph=0)
    assert [s.text for s in flat.select([one, two, three, other], 3)] == [
        one.text,
        two.text,
        three.text,
    ]


def test_an_answer_that_mixes_reports_names_each_sentences_report(composer):
    a = _chunk("a", "Norfolk", 2022, "Care leavers are well supported by their advisers.")
    b = _chunk("b", "Croydon", 2017, "Care leavers do not receive enough help with housing.")
    sa, sb = (Sentence(c.text, 0, Hit(chunk=c, rank=1), score=0.5) for c in (a, b))
    cited = composer.cite([sa, sb])
    assert cited.text == (f"Norfolk (2022): {a.text} [1] Croydon (2017): {b.text} [2]"), cited.text
    assert composer.cite([sa]).text == f"{a.text} [1]"  # one report: no labels
    assert report_label(replace(a, inspection_start=None, inspection_end=None)) == "Norfolk"
    # The same place and year twice: the kind tells them apart.
    c = replace(
        b, report_id="c", subject="Norfolk", inspection_end=date(2022, 6, 1), kind="focused visit"
    )
    sc = Sentence(c.text, 0, Hit(chunk=c, rank=1), score=0.4)
    assert "Norfolk (2022) focused visit: " in composer.cite([sa, sc]).text


def test_ask_reads_a_misspelt_place_and_cites_only_its_reports(assistant):
    a = assistant.ask("What did inspectors find about care leavers in Croydn?")
    assert a.context.subjects == ("Croydon",), a.context
    assert "read “Croydn” as Croydon" in a.context.description
    assert a.citations and {c.subject for c in a.citations} == {"Croydon"}


def test_cli_ask_json_shows_the_reading_of_a_misspelt_place(built_index, cli_env):
    settings, _ = built_index
    q = "How are care leavers supported in Norfolkk?"
    ctx = ask_json(settings.store.index_dir, q, cli_env)["context"]
    assert ctx["subjects"] == ["Norfolk"]
    assert ctx["corrections"] == [{"typed": "Norfolkk", "meant": ["Norfolk"]}]
    assert "read “Norfolkk” as Norfolk" in ctx["description"]


def test_cli_answer_mixing_reports_names_each_sentences_report(built_index, cli_env):
    settings, _ = built_index
    q = "What did inspectors find about return home interviews when children go missing?"
    a = ask_json(settings.store.index_dir, q, cli_env)
    reports = {c["report_id"] for c in a["citations"]}
    assert len(reports) > 1, a["answer"]  # the question names no place: several reports answer
    for c in a["citations"]:
        year = c["inspection_date"][-4:]
        assert f"{c['subject']} ({year}): {' '.join(c['quote'].split())} [{c['n']}]" in a["answer"]


def test_a_county_means_its_force_when_only_the_forces_reports_are_indexed():
    from assistant.question import QuestionResolver

    peel = replace(_report("p1", "Cumbria Constabulary", 2025), kind="PEEL assessment")
    res = QuestionResolver([peel])
    u = res.understand("How did Cumbria do in its PEEL for responding to the public?")
    assert u.abstention is None and u.context.subjects == ("Cumbria Constabulary",)
    # With the county's own report indexed, the county is the county.
    # A question about something else than policing is not steered to the force.
    other = res.understand("What rating did HMI Probation give Cumbria's youth justice service?")
    assert other.context.subjects == ()
    both = QuestionResolver(
        [_report("p1", "Cumbria Constabulary", 2025), _report("c1", "Cumbria", 2022)]
    )
    assert both.understand("How did Cumbria do?").context.subjects == ("Cumbria",)


def test_a_force_an_indexed_report_speaks_of_is_searched_not_declined():
    from assistant.question import QuestionResolver
    from assistant.records import AbstainReason

    reports = [_report("d1", "Derby", 2025)]
    question = "What did HMI Probation recommend Derbyshire Constabulary should do?"
    spoken = QuestionResolver(reports, in_reports=lambda w: w == "Derbyshire Constabulary")
    assert spoken.understand(question).abstention is None
    unknown = QuestionResolver(reports, in_reports=lambda w: False)
    assert unknown.understand(question).abstention.reason is AbstainReason.SUBJECT_NOT_INDEXED


def test_a_sentence_opening_word_is_no_part_of_a_name():
    from assistant.ground import proper_names
    from ingest.subjects import SubjectResolver

    resolver = SubjectResolver(["Hertfordshire"])
    q = "Under Ofsted's new 2026 framework, what overall effectiveness grade did Hertfordshire get?"
    assert proper_names(q, resolver) == []
    assert proper_names("After Jo Bloggs left, who led Hertfordshire?", resolver) == ["Jo Bloggs"]


def test_a_name_no_report_mentions_is_said_plainly():
    from assistant.question import QuestionResolver

    res = QuestionResolver(
        [_report("c1", "Cornwall", 2019)], in_reports=lambda w: w in {"Ofsted", "Cornwall"}
    )
    u = res.understand("What did Ofsted find about care leavers in Narnia?")
    assert u.context.subjects == () and u.context.corrections == (Correction("Narnia", ()),)
    assert "no place recognised: no indexed report mentions “Narnia”" in u.context.description
    assert res.understand("What did Ofsted find about care leavers?").context.corrections == ()
