"""The evaluation's scoring rules: where the evidence ranks, and what counts as evidence."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CORPUS, requires_corpus

from assistant.evaluate import Passage, Question, Ranks, Row, Summary, ranks

ROOT = Path(__file__).resolve().parents[1]

Q = Question(
    id="q1",
    type="fact",
    question="Are caseloads too high?",
    answerable=True,
    sources=("a.pdf", "b.pdf"),
    evidence="Caseloads are too high in the assessment teams",
)


def test_evidence_is_the_labelled_span_in_a_listed_source():
    passages = [
        Passage("c.pdf", "Caseloads are too high in the assessment teams."),  # not listed
        Passage("a.pdf", "Leaders are ambitious."),
        Passage("b.pdf", "Inspectors found caseloads  are too high in the assessment-\nteams."),
    ]
    assert ranks(passages, Q) == Ranks(source=2, evidence=None)
    passages[2] = Passage(
        "b.pdf", "Inspectors found that caseloads are too high in the assessment teams."
    )
    assert ranks(passages, Q) == Ranks(source=2, evidence=3)


def test_a_bullet_glyph_copied_into_a_label_is_no_text():
    # The parser drops a list's bullet glyphs; a label copied from the page keeps them.
    q = replace(Q, evidence="What needs to improve? \u25fc Caseloads are too high")
    held = Passage("a.pdf", "What needs to improve?\n\nCaseloads are too high.")
    assert ranks([held], q) == Ranks(source=1, evidence=1)
    assert ranks([Passage("a.pdf", "What needs to improve?")], q).evidence is None


def test_cross_report_phrases_count_in_any_listed_source():
    q = replace(Q, type="cross_report", evidence_any=("Mockingbird", "mocking bird"))
    passages = [
        Passage("c.pdf", "The Mockingbird model."),
        Passage("b.pdf", "The ‘Mocking Bird’ model."),
    ]
    assert ranks(passages, q) == Ranks(2, 2)
    assert ranks(passages[:1], q) == Ranks(None, None)


def test_overall_evidence_rate_leaves_cross_report_questions_to_their_own_row():
    s = Summary("x")
    s.rows = [
        Row("q1", "fact", True, source_rank=1, evidence_rank=1),
        Row("q2", "fact", True, source_rank=1, evidence_rank=None),
        Row("q3", "cross_report", True, source_rank=1, evidence_rank=None),
        Row("q4", "unanswerable", False, abstained=True),
    ]
    assert s.metrics().evidence_hit_5 == 0.5
    assert s.metrics("cross_report").evidence_hit_5 == 0.0
    assert s.metrics().abstention_unanswerable == 1.0
    assert s.metrics().as_dict()["evidence_hit@5"] == 0.5  # the reports' column names


@requires_corpus
@pytest.mark.corpus
def test_the_blind_question_set_is_valid_against_the_corpus():
    """Every blind question's fields hold and its evidence is verbatim on its page."""
    import json
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks" / "qa"))
    from check_blind import check

    lines = (ROOT / "benchmarks" / "qa" / "blind.jsonl").read_text(encoding="utf-8").splitlines()
    problems = [(json.loads(x)["id"], check(json.loads(x), CORPUS)) for x in lines]
    assert len(lines) >= 300
    assert [p for p in problems if p[1]] == []
    assert {json.loads(x)["split"] for x in lines} == {"dev", "test"}


def test_the_blind_checker_catches_a_span_not_on_its_page(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks" / "qa"))
    from check_blind import check

    (tmp_path / "r.txt").write_text("Leaders know their services well.\n", encoding="utf-8")
    rec = {
        "id": "w9-001", "writer": "w9", "type": "finding", "style": "formal",
        "question": "How well do leaders know their services?", "history": [],
        "answerable": True, "sources": ["r.txt"], "pdf_page": 1,
        "evidence": "Leaders know their services well.", "evidence_any": [],
        "subject": "Leeds", "grade": None, "judgement": None, "split": "dev",
    }  # fmt: skip
    assert check(rec, tmp_path) == []
    assert check(dict(rec, evidence="Leaders do not know their services."), tmp_path)
    assert check(dict(rec, type="unanswerable"), tmp_path)


def test_a_quote_over_a_page_break_after_a_hyphen_is_verbatim(tmp_path):
    import pymupdf

    from assistant.evaluate.scoring import SourcePages

    doc = pymupdf.open()
    for lines in (["Leaders act.", "There is little evidence that homeless 16- and 17-"],
                  ["6", "year-olds are informed of their rights."]):  # fmt: skip
        page = doc.new_page()
        for i, line in enumerate(lines):
            page.insert_text((72, 72 + 14 * i), line)
    doc.save(tmp_path / "r.pdf")
    pages = SourcePages(tmp_path)
    quote = "There is little evidence that homeless 16- and 17- year-olds are informed"
    assert pages.holds("r.pdf", 1, quote)
    assert not pages.holds("r.pdf", 1, "homeless 16- and 17- year-olds are not informed")
    assert not pages.holds("r.pdf", 2, quote)


def test_a_quote_without_a_pages_raised_footnote_marker_is_verbatim(tmp_path):
    import pymupdf

    from assistant.evaluate.scoring import SourcePages

    doc = pymupdf.open()
    page = doc.new_page()
    text = "This is 20% of the total population in the area"
    end = 72 + pymupdf.get_text_length(text, fontsize=11)
    page.insert_text((72, 72), text)
    page.insert_text((end, 69), "3", fontsize=7)  # raised, as a footnote marker
    page.insert_text((end + pymupdf.get_text_length("3", fontsize=7), 72), ". More follows.")
    doc.save(tmp_path / "f.pdf")
    pages = SourcePages(tmp_path)
    assert pages.holds("f.pdf", 1, "This is 20% of the total population in the area.")
    assert not pages.holds("f.pdf", 1, "This is 20% of the total population in the arena.")


def test_a_history_given_as_chat_messages_keeps_the_users_turns():
    from assistant.evaluate.questions import Question

    rec = {"id": "x", "type": "followup", "question": "And care leavers?", "answerable": True,
           "history": [{"role": "user", "content": "How did Leeds do in 2022?"},
                       {"role": "assistant", "content": "Good overall. [1]"}]}  # fmt: skip
    assert Question.from_json(rec).history == ("How did Leeds do in 2022?",)
    assert Question.from_json(dict(rec, history=["Earlier?"])).history == ("Earlier?",)
