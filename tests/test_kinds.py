"""Reports of every kind, including kinds no layout describes: kind, authors, subject, dates and
verdict read from the document; steering, filters and catalogue answers over a real index."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import REPORT_TEXTS, ilacs_pdf, render_pdf
from kind_docs import KIND_DOCS, SEND_OUTCOME, UNDATED, WEXLEY_CONCLUSION

from assistant.kinds import kind_of, kinds_named, recorded_kinds
from assistant.question import QuestionResolver
from assistant.records import AbstainReason
from assistant.settings import Settings
from ingest.dates import parse_range, parse_span
from ingest.parse import parse_file
from ingest.report_kind import detect_kind, inspectorates_named, kind_from_title
from vectorstore.records import Filters, ReportRecord


@pytest.fixture(scope="module")
def kind_files(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("kinds")
    for name, doc in KIND_DOCS.items():
        render_pdf(doc.spec, d / f"{name}.pdf")
    (subject, year), words = next(iter(REPORT_TEXTS.items()))
    ilacs_pdf("Bedford Borough", 2021, words, d / "bedford-ilacs-2021.pdf")
    (d / "wigan-young-carers.txt").write_text(UNDATED, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def kinds_assistant(kind_files, tmp_path_factory, embedder):
    from conftest import index_reports

    from assistant.core import Assistant

    settings, index, _ = index_reports(
        [kind_files], Settings(index_dir=tmp_path_factory.mktemp("kinds-index")), embedder
    )
    return Assistant(settings, index=index, embedder=embedder)


# -- reading the document ---------------------------------------------------------------------


@pytest.mark.parametrize("name", list(KIND_DOCS))
def test_kind_authors_subject_dates_and_verdict_are_read(name, kind_files):
    doc = KIND_DOCS[name]
    report = parse_file(kind_files / f"{name}.pdf", kind_files, ocr=False)
    md = report.metadata
    assert md.kind == doc.kind, md.notes
    assert tuple(md.inspectorates) == doc.inspectorates
    assert md.subject == doc.subject
    assert (md.inspection_start, md.inspection_end, md.published) == (
        doc.start,
        doc.end,
        doc.published,
    )
    assert {j.key: j.grade_key for j in report.judgements} == doc.grades
    if doc.outcome:
        assert report.judgements[0].grade == doc.outcome
    assert len(report.improvements) == doc.improvements


def test_a_report_of_a_kind_never_seen_gets_a_plausible_kind_subject_dates_and_outcome(
    kind_files,
):
    report = parse_file(kind_files / "assurance-wexley-2025.pdf", kind_files, ocr=False)
    md = report.metadata
    assert md.kind == "assurance review"
    assert md.report_type == "Assurance review"
    assert md.inspectorate == "Northland Inspectorate of Care Standards"
    assert md.subject == "Wexley"
    assert (md.inspection_start, md.inspection_end) == (date(2025, 9, 2), date(2025, 9, 5))
    assert md.published == date(2025, 10, 30)
    outcome = report.metadata.framework, report.judgements[0]
    assert outcome[0] == "generic"
    assert (outcome[1].grade, outcome[1].page) == (WEXLEY_CONCLUSION, 2)
    assert all(c.kind == "assurance review" for c in _chunks(report))


def _chunks(report):
    from ingest.chunking import chunk_report

    return chunk_report(report, lambda t: len(t.split()))


def test_dates_with_day_names_and_kinds_from_titles():
    assert parse_range("Monday 4 March to Friday 8 March 2024") == (
        date(2024, 3, 4),
        date(2024, 3, 8),
    )
    assert parse_span("Published 3 May 2024") == (None, None)
    assert kind_from_title("Thematic inspection of the response to domestic abuse") == (
        "thematic inspection"
    )
    assert kind_from_title("Northland annual summary") is None
    assert kind_from_title(
        "Tameside metropolitan borough Inspection of local authority children's social care"
    ) == ("inspection")
    # A title's own name before the kind is no part of the kind.
    assert kind_from_title("Found but not safe: an inspection of the police response") == (
        "inspection"
    )
    assert detect_kind("", "An unusual paper", None).kind == "report"
    assert inspectorates_named(
        "Ofsted, the Care Quality Commission and His Majesty's\nInspectorate of Probation"
    ) == ("Ofsted", "CQC", "HMI Probation")
    # One body named twice, once run into the heading after it on a flattened page.
    assert inspectorates_named(
        "Care Standards Inspectorate for England Findings Leadership: Strong "
        "Care Standards Inspectorate for England"
    ) == ("Care Standards Inspectorate for England",)


def test_users_names_of_kinds_and_kinds_the_index_holds():
    assert kinds_named("How did the SEND inspection in Dorset turn out?") == [
        "area SEND inspection"
    ]
    assert kinds_named("what did the JTAI find, and the PEEL inspection?") == [
        "joint targeted area inspection",
        "PEEL assessment",
    ]
    assert kinds_named("the joint inspection of Bedford") == ["joint inspection"]
    assert kinds_named("the assurance review of Wexley", ["assurance review"]) == [
        "assurance review"
    ]
    held = ["inspection", "joint targeted area inspection", "area SEND inspection"]
    assert recorded_kinds("joint inspection", held) == tuple(held[1:])
    assert recorded_kinds("JTAI", held) == ("joint targeted area inspection",)
    assert recorded_kinds("PEEL", held) == ()


def test_an_undated_report_is_never_filtered_out_by_a_period():
    dated = ReportRecord(
        "a.pdf", "1", 1, "indexed", report_id="a", subject="Dorset", kind="inspection",
        inspection_start=date(2021, 3, 1), inspection_end=date(2021, 3, 12),
    )  # fmt: skip
    undated = ReportRecord(
        "b.pdf", "2", 1, "indexed", report_id="b", subject="Dorset", kind="area SEND inspection"
    )
    u = QuestionResolver([dated, undated]).understand("What did Dorset's March 2024 report say?")
    assert u.abstention is None
    assert u.context.report_ids == ("b",)


# -- over a real index ------------------------------------------------------------------------


def test_every_report_and_passage_carries_its_kind(kinds_assistant):
    reports = kinds_assistant.reports(include_failed=False)
    by_source = {r.source: r for r in reports}
    for name, doc in KIND_DOCS.items():
        r = by_source[f"{name}.pdf"]
        assert kind_of(r) == doc.kind and tuple(r.inspectorates) == doc.inspectorates
    assert kind_of(by_source["bedford-ilacs-2021.pdf"]) == "inspection"
    assert kind_of(by_source["wigan-young-carers.txt"]) == "thematic inspection"
    hits = kinds_assistant.retrieve(
        "waiting for speech and language therapy", Filters(kinds=("area SEND inspection",))
    )
    assert hits and {h.chunk.kind for h in hits} == {"area SEND inspection"}


def test_a_period_finds_the_new_kind_of_report_and_an_undated_one(kinds_assistant):
    a = kinds_assistant.ask(
        "What did inspectors find about speech and language therapy in Bedford in March 2024?"
    )
    assert not a.abstained, a.text
    assert a.citations[0].source == "send-bedford-2024.pdf"
    # No place named: the date filter of the search itself lets the undated report through.
    a = kinds_assistant.ask("How long did young carers wait for an assessment in 2023?")
    assert not a.abstained, a.text
    assert any(c.source == "wigan-young-carers.txt" for c in a.citations)


def test_the_outcome_is_answered_from_the_catalogue_with_a_verified_citation(kinds_assistant):
    a = kinds_assistant.ask("What was the outcome of Bedford's SEND inspection?")
    assert a.mode == "catalogue" and not a.abstained, a.text
    assert SEND_OUTCOME in a.text
    cite = a.citations[0]
    assert cite.source == "send-bedford-2024.pdf" and cite.page == 2
    assert SEND_OUTCOME in " ".join(cite.passage.split())


def test_a_grade_in_the_reports_own_scale_is_answered_from_the_catalogue(kinds_assistant):
    a = kinds_assistant.ask("How was Marlow Vale rated overall?")
    assert a.mode == "catalogue" and not a.abstained, a.text
    assert "strong" in a.text.lower() and "good" not in a.text.lower(), a.text
    assert a.citations[0].source == "scale-marlow-vale-2026.pdf"
    assert "Overall effectiveness: Strong" in " ".join(a.citations[0].passage.split())


def test_a_report_without_a_grade_says_so_plainly(kinds_assistant):
    a = kinds_assistant.ask("What grade did Cheshire East get in the JTAI?")
    assert "not graded" in a.text and "no grade" in a.text, a.text
    assert a.citations and a.citations[0].source == "jtai-cheshire-east-2024.pdf"


def test_a_kind_the_place_has_no_report_of_abstains_saying_which_reports_exist(
    kinds_assistant,
):
    a = kinds_assistant.ask("What did the PEEL inspection of Bedford say about neglect?")
    assert a.abstained and a.abstention.reason is AbstainReason.KIND_NOT_HELD
    assert "area SEND inspection (2024)" in a.text and "inspection (2021)" in a.text, a.text


def test_a_joint_inspections_second_inspectorate_counts_as_held(kinds_assistant):
    a = kinds_assistant.ask("What did the CQC find about Bedford's neurodevelopmental waits?")
    assert a.abstention is None or a.abstention.reason is not AbstainReason.KIND_NOT_HELD, a.text


def test_reports_by_kind_in_the_catalogue_and_its_json(kinds_assistant):
    from assistant.catalogue import report_json

    cat = kinds_assistant.catalogue
    send = cat.list_reports(kind="the SEND inspection")
    assert sorted(r.source for r in send) == [
        "send-bedford-2024.pdf",
        "send-northumberland-2016.pdf",
    ]
    joint = {r.source for r in cat.list_reports(kind="joint inspection")}
    assert joint == {r.source for r in send} | {"jtai-cheshire-east-2024.pdf"}
    peel = report_json(cat.report(cat.list_reports(kind="PEEL")[0]))
    assert (peel["kind"], peel["inspectorates"], peel["subject"]) == (
        "PEEL assessment",
        ["HMICFRS"],
        "Dorset Police",
    )
    assert {j["judgement"]: j["grade"] for j in peel["judgements"]}["Investigating crime"] == (
        "adequate"
    )


def test_the_api_filters_by_kind(kinds_assistant):
    from assistant.web.schemas import AskRequest, ReportsQuery
    from assistant.web.service import Service

    service = Service(kinds_assistant)
    listed = service.reports(ReportsQuery(kind="JTAI"))
    assert [r["source"] for r in listed] == ["jtai-cheshire-east-2024.pdf"]
    answer = service.ask(AskRequest(question="What did inspectors find?", kind="PEEL"))
    assert answer["citations"] and {c["source"] for c in answer["citations"]} == {
        "peel-dorset-2024.pdf"
    }


@pytest.mark.slow
def test_the_cli_filters_by_kind(kinds_assistant, cli_env):
    import json
    import subprocess
    import sys

    index = str(kinds_assistant.settings.store.index_dir)
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "reports", "--kind", "the SEND inspection",
         "--index", index, "--json"],
        capture_output=True, text=True, env=cli_env, timeout=300, check=True,
    )  # fmt: skip
    rows = json.loads(out.stdout)
    assert {r["kind"] for r in rows} == {"area SEND inspection"} and len(rows) == 2
    bad = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "what was found?", "--kind", "prison",
         "--index", index],
        capture_output=True, text=True, env=cli_env, timeout=300,
    )  # fmt: skip
    assert bad.returncode != 0 and "no indexed report is of kind 'prison'" in bad.stderr


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        ("Area SEND inspection of Dorset local area partnership", "Dorset"),
        (
            "Area SEND inspection of Bournemouth, Christchurch and Poole Local Area Partnership",
            "Bournemouth, Christchurch and Poole",
        ),
        ("Inspection of Leeds Youth Justice Service", "Leeds"),
        ("PEEL 2021/22: An inspection of Sampleshire Constabulary", "Sampleshire Constabulary"),
        ("Joint inspection of child protection arrangements in Hartlepool", "Hartlepool"),
    ],
)
def test_partnerships_services_and_forces_are_read_as_their_subject(title, subject):
    from ingest.metadata import extract_metadata
    from ingest.records import Paragraph

    paras = [Paragraph(title, 1, 1, 1, 1, is_heading=True), Paragraph("Ofsted", 1, 1, 1, 1)]
    assert extract_metadata(paras, file_type="pdf").subject == subject
