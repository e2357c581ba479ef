"""Answers: steering by subject and period, verified verbatim citations, abstention, follow-ups,
quotes, the CLI contract and the LangChain retriever. Real model, real index."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
from conftest import ask_json

from assistant.periods import Period, parse_period
from assistant.verify import QuoteNotVerbatimError, make_citation
from vectorstore.records import Filters

CLI = [sys.executable, "-m", "assistant.cli"]


def _assert_verified(answer, index):
    """Every quote is verbatim in its chunk and on the page it cites."""
    for c in answer.citations:
        chunk = index.chunks([c.chunk_id])[c.chunk_id]
        offset = chunk.text.find(c.quote)
        assert offset >= 0, c.quote
        assert chunk.page_at(offset).page == c.page
        assert c.line.startswith(f"“{c.quote}”")
        assert f"[{c.n}]" in answer.text


def test_answer_cites_verbatim_sentences(assistant, built_index):
    a = assistant.ask(
        "How quickly are return home interviews done for missing children in Norfolk?"
    )
    assert not a.abstained
    assert a.citations and "[1]" in a.text
    assert a.citations[0].subject == "Norfolk"
    assert "completed within three days" in " ".join(c.quote for c in a.citations)
    _assert_verified(a, built_index[1])
    assert set(a.timings_ms) == {"retrieve", "answer", "total"}


def test_year_steers_to_the_right_report(assistant):
    old = assistant.ask("What did inspectors say about care leavers in Croydon in 2017?")
    new = assistant.ask("What did inspectors say about care leavers in Croydon in 2024?")
    assert not old.abstained and not new.abstained
    assert all("2017" in c.source for c in old.citations)
    assert all("2024" in c.source for c in new.citations)
    assert "poorly" in old.text and "well" in new.text
    assert old.context.subjects == ("Croydon",) and old.context.date_from.year == 2017


def test_latest_report_means_newest(assistant):
    a = assistant.ask("What does the latest Croydon report say about leaders?")
    assert a.context.latest and len(a.context.report_ids) == 1
    assert all("2024" in c.source for c in a.citations)


def test_abstains_off_topic_and_on_missing_period(assistant):
    a = assistant.ask("What is the capital of France?")
    assert a.abstained and not a.citations
    assert "don't answer" in a.text
    assert len(a.passages) >= 1  # closest matches are still shown
    b = assistant.ask("What did inspectors find about Norfolk care leavers in 2031?")
    assert b.abstained and "2031" in b.text and not b.citations


def test_follow_up_carries_context(assistant):
    first = assistant.ask("What did inspectors find about missing children in Croydon in 2017?")
    follow = assistant.ask("And what about care leavers there?", history=[first])
    assert follow.context.carried
    assert follow.context.subjects == ("Croydon",)
    assert all("2017" in c.source for c in follow.citations)
    fresh = assistant.ask("And what about care leavers there?")
    assert not fresh.context.carried


def test_explicit_filters_win(assistant):
    a = assistant.ask("How are care leavers supported?", filters=Filters(subjects=("Norfolk",)))
    assert a.citations and all(c.subject == "Norfolk" for c in a.citations)
    p = assistant.ask(
        "What happens when children are held in custody?", filters=Filters(inspectorates=("HMIC",))
    )
    assert all(c.inspectorate == "HMIC" for c in p.citations)


def test_quotes_are_whole_sentences_with_citation_line(assistant):
    quotes = assistant.quote("care leavers", subject="Norfolk")
    assert quotes
    q = quotes[0].citation
    assert q.subject == "Norfolk" and q.quote.endswith(".")
    assert q.line.startswith("“") and "— Ofsted, Inspection of Norfolk local authority" in q.line
    assert ", page " in q.line and q.line.endswith(".")


def test_citation_refuses_words_not_in_the_passage(built_index):
    _, index = built_index
    chunk = index.manifest.live_chunks()[0]
    try:
        make_citation(1, chunk, "words the report never said")
    except QuoteNotVerbatimError:
        pass
    else:
        raise AssertionError("a made-up quote was accepted")


def test_parse_period():
    assert parse_period("Croydon in 2017").words == "2017"
    p = parse_period("Norfolk in November 2022")
    start, end = p.start, p.end
    assert (start.isoformat(), end.isoformat()) == ("2022-11-01", "2022-11-30")
    assert parse_period("since 2019").start.isoformat() == "2019-01-01"
    assert parse_period("no period here") == Period()
    # the inspection's own year wins over the period the report's figures cover
    q = "How many went missing between April and December 2014, according to the 2015 inspection?"
    assert parse_period(q).words == "2015"
    assert parse_period("Who led the June 2013 Ofsted inspection?").words == "June 2013"
    assert (
        parse_period("What changed since 2014, according to the 2020 report?").words == "since 2014"
    )


def test_langchain_retriever(assistant):
    docs = assistant.as_retriever(k=3).invoke("custody of children overnight")
    assert 1 <= len(docs) <= 3
    assert docs[0].metadata["subject"] == "Essex Police"
    assert {"source", "page_start", "page_end", "paragraphs", "section"} <= set(docs[0].metadata)


def test_cli_ask_contract(built_index, tmp_path, cli_env):
    settings, _ = built_index
    out = subprocess.run(
        [
            *CLI,
            "ask",
            "How are care leavers supported in Norfolk?",
            "--index",
            str(settings.store.index_dir),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert {"question", "answer", "abstained", "citations", "passages", "timings_ms"} <= set(d)
    assert {"n", "source", "title", "subject", "page", "paragraph", "quote"} <= set(
        d["citations"][0]
    )
    assert {"rank", "source", "page_start", "page_end", "paragraph", "text", "score"} <= set(
        d["passages"][0]
    )
    assert [p["rank"] for p in d["passages"]] == sorted(p["rank"] for p in d["passages"])
    qfile = tmp_path / "q.jsonl"
    qfile.write_text(
        "\n".join(
            json.dumps(x)
            for x in [
                {"id": "b", "question": "What is the capital of France?"},
                {"id": "a", "question": "How are care leavers supported in Croydon in 2024?"},
            ]
        )
    )
    out = subprocess.run(
        [
            *CLI,
            "ask",
            "--questions-file",
            str(qfile),
            "--index",
            str(settings.store.index_dir),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=300,
    )
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["b", "a"]
    assert lines[0]["abstained"] is True and lines[1]["abstained"] is False
    assert len(lines[0]["passages"]) >= 1
    out = subprocess.run(
        [
            *CLI,
            "quote",
            "custody",
            "--subject",
            "Essex Police",
            "--index",
            str(settings.store.index_dir),
            "--json",
        ],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=300,
    )
    q = json.loads(out.stdout)["quotes"][0]
    assert q["subject"] == "Essex Police" and q["citation"].startswith("“")


def test_sentence_vectors_are_stored_at_ingest(built_index):
    from ingest.chunking import sentence_spans

    index = built_index[1]
    chunks = index.manifest.live_chunks()
    stored = index.sentence_vectors([c.id for c in chunks])
    assert set(stored) == {c.id for c in chunks}
    for c in chunks:
        sv = stored[c.id]
        assert [tuple(s) for s in sv.spans.tolist()] == sentence_spans(c.text)
        assert np.allclose(np.linalg.norm(sv.vectors, axis=1), 1.0, atol=2e-3)  # float16


def test_answers_use_stored_sentence_vectors(built_index, embedder, monkeypatch):
    from assistant.core import Assistant

    settings, index = built_index
    a = Assistant(settings, index=index, embedder=embedder)
    real, embedded = embedder.embed_documents, []
    monkeypatch.setattr(embedder, "embed_documents", lambda t: embedded.extend(t) or real(t))
    got = a.ask("How quickly are return home interviews done for missing children in Norfolk?")
    assert not got.abstained
    assert "completed within three days" in " ".join(c.quote for c in got.citations)
    # Every candidate is scored with the vectors stored at ingest: nothing is embedded for a
    # confident match.
    assert embedded == []
    # A weak match has its leading sentences (at most 3) embedded on their own, for the
    # abstention rule's calibrated scale.
    a.ask("And what about the weather on the coast in Norfolk?")
    assert 0 < len(embedded) <= 3


def test_answers_embed_sentences_when_the_index_has_no_sentence_vectors(
    built_index, embedder, monkeypatch
):
    from assistant.core import Assistant

    settings, index = built_index
    a = Assistant(settings, index=index, embedder=embedder)
    a.composer.sentence_lookup = lambda ids: {}  # an index built before sentence vectors
    real, calls = embedder.embed_documents, []
    monkeypatch.setattr(embedder, "embed_documents", lambda t: calls.append(len(t)) or real(t))
    got = a.ask("How quickly are return home interviews done for missing children in Norfolk?")
    assert sum(calls) > 3 and max(calls) <= settings.retrieval.rerank_sentences
    assert "completed within three days" in " ".join(c.quote for c in got.citations)
    _assert_verified(got, index)


def test_a_question_asking_for_a_figure_is_answered_with_the_figure(fresh, embedder, tmp_path):
    from assistant.core import Assistant

    ingestor, index, settings = fresh
    src = tmp_path / "src"
    src.mkdir()
    (src / "adoption.txt").write_text(
        "Inspection of adoption in Westhaven\n\n"
        "The number of children adopted has risen, and more children were adopted this year "
        "than in any year before.\n\n"
        "Adopters are carefully prepared, and adopted children and their families get support "
        "for as long as they need it.\n\n"
        "Managers track the timeliness of adoption closely: 57 children moved to permanent "
        "homes with adoptive families last year.\n\n"
        "Foster carers are well trained and supported by their supervising social workers.",
        encoding="utf-8",
    )
    assert not ingestor.run([src]).failed
    a = Assistant(settings, index=index, embedder=embedder)
    got = a.ask("In the last inspection, how many children were adopted?")
    assert not got.abstained
    assert "57 children" in got.citations[0].quote


def test_a_subject_without_a_period_prefers_its_newest_report(built_index, embedder):
    from assistant.core import Assistant

    settings, index = built_index
    a = Assistant(settings, index=index, embedder=embedder)
    q = "What did inspectors say about the stability of the workforce in Croydon?"
    u = a.understand(q)
    assert u.filters.report_ids == () and len(u.newest) == 1  # a preference, not a filter
    got = a.ask(q)
    assert "2024" in got.citations[0].source
    assert any("2017" in h.chunk.source for h in got.passages)  # the older report still counts
    quotes = a.quote("the stability of the workforce", subject="Croydon")
    assert "2024" in quotes[0].citation.source


def test_focused_query_leaves_out_the_framing():
    from assistant.focus import focus_query
    from assistant.question import Understood
    from assistant.records import Context

    u = Understood("", Context(subjects=("Tameside",)), Filters(subjects=("Tameside",)))
    q = "What staffing problems did Ofsted find in Tameside children's services at the end of 2023?"
    assert focus_query(q, u) == "staffing problems"
    u = Understood("", Context(subjects=("Bradford",)), Filters(subjects=("Bradford",)))
    assert focus_query("Why had Bradford got worse by 2018, according to Ofsted?", u) == (
        "Why had got worse"
    )


def test_a_press_release_is_cited_by_its_publication_date_not_a_page(built_index, cli_env):
    settings, _ = built_index
    q = "What did HMIC find about Essex Police custody records?"
    cites = ask_json(settings.store.index_dir, q, cli_env)["citations"]
    assert cites and {c["source"] for c in cites} == {"essex-police-release.txt"}
    for c in cites:
        assert "press release" in c["citation"] and ", page " not in c["citation"], c["citation"]
        assert c["citation"].startswith(f"“{' '.join(c['quote'].split())}” — ")


def test_live_chunks_are_read_in_pages_whole(built_index):
    _, index = built_index
    whole = sorted(c.id for c in index.manifest.live_chunks())
    assert sorted(c.id for c in index.manifest.iter_live_chunks(step=2)) == whole
    assert len(whole) > 2
