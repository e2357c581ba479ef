"""The evaluation's scoring rules: where the evidence ranks, and what counts as evidence."""

from __future__ import annotations

from assistant.evaluate import Row, Summary, _ranks

Q = {"sources": ["a.pdf", "b.pdf"], "evidence": "Caseloads are too high in the assessment teams"}


def test_evidence_is_the_labelled_span_in_a_listed_source():
    passages = [
        ("c.pdf", "Caseloads are too high in the assessment teams."),  # not a listed source
        ("a.pdf", "Leaders are ambitious."),
        ("b.pdf", "Inspectors found caseloads  are too high in the assessment-\nteams."),
    ]
    assert _ranks(passages, Q) == (2, None)
    passages[2] = ("b.pdf", "Inspectors found that caseloads are too high in the assessment teams.")
    assert _ranks(passages, Q) == (2, 3)


def test_cross_report_phrases_count_in_any_listed_source():
    q = dict(Q, type="cross_report", evidence_any=["Mockingbird", "mocking bird"])
    passages = [("c.pdf", "The Mockingbird model."), ("b.pdf", "The ‘Mocking Bird’ model.")]
    assert _ranks(passages, q) == (2, 2)
    assert _ranks(passages[:1], q) == (None, None)


def test_overall_evidence_rate_leaves_cross_report_questions_to_their_own_row():
    s = Summary("x")
    s.rows = [
        Row("q1", "fact", True, source_rank=1, evidence_rank=1),
        Row("q2", "fact", True, source_rank=1, evidence_rank=None),
        Row("q3", "cross_report", True, source_rank=1, evidence_rank=None),
        Row("q4", "unanswerable", False, abstained=True),
    ]
    assert s.metrics()["evidence_hit@5"] == 0.5
    assert s.metrics("cross_report")["evidence_hit@5"] == 0.0
    assert s.metrics()["abstention_unanswerable"] == 1.0
