"""Saved conversations, share links, briefing notes, feedback, follow-ups and the cited page
image, over the app's real index and a running server (no browser)."""

from __future__ import annotations

import base64
import io
import json
import urllib.error
import urllib.request

import pytest
import test_ui_units as shared
from test_ui_units import PASSWORDS, report_id

from assistant.conversations import ConversationStore, Rating, feedback_jsonl
from assistant.records import Answer, Citation

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="session")
def ui_env(tmp_path_factory, embedder):
    return shared.get_ui_env(tmp_path_factory, embedder)


@pytest.fixture(scope="session")
def open_server(ui_env):
    yield shared.get_server("open", ui_env)
    shared.stop_servers()


@pytest.fixture(scope="session")
def auth_server(ui_env):
    yield shared.get_server("auth", ui_env)
    shared.stop_servers()


def _answer(question: str = "How are care leavers supported?") -> Answer:
    c = Citation(
        n=1,
        chunk_id="r:0",
        report_id="r",
        source="norfolk-2022.pdf",
        title="Inspection of Norfolk local authority children's services",
        subject="Norfolk",
        inspectorate="Ofsted",
        inspection_date="7 to 18 November 2022",
        page=2,
        pdf_page=2,
        paragraph=1,
        section=None,
        quote="Care leavers in Norfolk live in safe and suitable accommodation.",
        passage="Care leavers in Norfolk live in safe and suitable accommodation. More.",
        line="“Care leavers in Norfolk live in safe and suitable accommodation.” — Ofsted, "
        "Inspection of Norfolk local authority children's services, 7 to 18 November 2022, "
        "page 2, paragraph 1.",
    )
    return Answer(question, "Care leavers in Norfolk live in safe accommodation. [1]", False, [c])


def _call(url: str, auth: tuple[str, str] | None = None, method: str = "GET"):
    headers = {}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(auth).encode()).decode()
    req = urllib.request.Request(
        url, headers=headers, method=method, data=b"" if method == "POST" else None
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_store_keeps_each_users_conversations_apart(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    cid = store.append("alice", None, _answer("First question about Norfolk?"))
    assert store.append("alice", cid, _answer("And the second?")) == cid
    other = store.append("bob", cid, _answer("Bob's own?"))  # not Bob's: a new conversation
    assert other != cid
    store.close()
    store = ConversationStore(tmp_path / "c.sqlite3")  # reopened: still there
    [mine] = store.list("alice")
    assert (mine.id, mine.title, mine.turns) == (cid, "First question about Norfolk?", 2)
    assert store.get("bob", cid) is None
    conv = store.get("alice", cid)
    assert [a.question for a in conv.answers] == [
        "First question about Norfolk?",
        "And the second?",
    ]
    assert conv.answers[0].citations == _answer().citations
    token = store.share("alice", cid)
    assert token and store.share("alice", cid) == token and store.share("bob", cid) is None
    assert store.shared(token).summary.id == cid and store.shared("nope") is None
    assert store.delete("alice", cid) and store.shared(token) is None


def test_briefing_note_in_markdown_and_word_carries_the_citations(tmp_path):
    import docx

    from assistant.briefing import briefing_docx, briefing_markdown

    store = ConversationStore(tmp_path / "c.sqlite3")
    cid = store.append("alice", None, _answer())
    conv = store.get("alice", cid)
    md = briefing_markdown(conv)
    line = _answer().citations[0].line
    assert md.startswith("# Briefing note: How are care leavers supported?")
    assert "1. “Care leavers in Norfolk live in safe and suitable accommodation.”" in md
    assert "page 2, paragraph 1." in md
    doc = docx.Document(io.BytesIO(briefing_docx(conv)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "How are care leavers supported?" in text and f"[1] {line}" in text


def test_feedback_exports_as_evaluation_questions(tmp_path):
    from assistant.evaluate import load_questions

    store = ConversationStore(tmp_path / "c.sqlite3")
    store.add_feedback("alice", _answer(), Rating.HELPFUL, history=("Earlier?",))
    store.add_feedback("bob", _answer("Wrong one?"), Rating.WRONG_CITATION, "not page 2")
    abstained = Answer("Unanswered?", "The reports do not say.", True)
    store.add_feedback("bob", abstained, Rating.NOT_HELPFUL)
    out = tmp_path / "feedback.jsonl"
    out.write_text(feedback_jsonl(store.feedback()), encoding="utf-8")
    qs = load_questions(out)
    assert [q.question for q in qs] == [
        "How are care leavers supported?",
        "Wrong one?",
        "Unanswered?",
    ]
    good, wrong, missed = qs
    assert good.sources == ("norfolk-2022.pdf",) and good.evidence.startswith("Care leavers")
    assert good.history == ("Earlier?",) and good.answerable
    assert wrong.sources == () and wrong.evidence is None
    assert missed.answerable  # an unhelpful abstention: the reports should answer it
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert rows[1]["feedback"] == "wrong_citation" and rows[1]["comment"] == "not page 2"
    assert rows[1]["rejected_sources"] == ["norfolk-2022.pdf"]


def test_follow_ups_come_from_the_cited_report(ui_env):
    from assistant.followups import follow_ups

    a = ui_env.assistant.ask("Who did inspectors meet in Rutland in 2023?")
    assert not a.abstained and {c.subject for c in a.citations} == {"Rutland"}, a.text
    questions = follow_ups(ui_env.assistant.catalogue, a, 5)
    assert any(q.startswith("How was Rutland rated for each judgement") for q in questions)
    assert any("previous Rutland report" in q and "2018" in q for q in questions), questions
    assert follow_ups(ui_env.assistant.catalogue, Answer("q", "no", True), 3) == []


def test_saved_conversation_api_export_and_share(auth_server, ui_env):
    store = auth_server.app.state.conversations
    answer = ui_env.assistant.ask("Where do care leavers in Norfolk live?")
    cid = store.append("reader", None, answer)
    base = auth_server.url + "api"
    reader = ("reader", PASSWORDS["reader"])
    admin = ("admin", PASSWORDS["admin"])
    assert _call(f"{base}/conversations")[0] == 401
    status, _, body = _call(f"{base}/conversations", reader)
    assert status == 200 and cid in [c["id"] for c in json.loads(body)]
    assert _call(f"{base}/conversations/{cid}", admin)[0] == 404  # not the admin's
    status, headers, body = _call(f"{base}/conversations/{cid}/export.md", reader)
    assert status == 200 and headers["content-type"].startswith("text/markdown")
    assert answer.citations[0].line in body.decode()
    status, headers, body = _call(f"{base}/conversations/{cid}/export.docx", reader)
    assert status == 200 and body[:2] == b"PK"
    status, _, body = _call(f"{base}/conversations/{cid}/share", reader, "POST")
    token = json.loads(body)["token"]
    assert json.loads(body)["path"] == f"/?shared={token}"
    status, _, body = _call(f"{base}/shared/{token}", admin)
    assert status == 200 and json.loads(body)["answers"][0]["question"] == answer.question
    assert _call(f"{base}/shared/{token}")[0] == 401
    assert _call(f"{base}/admin/feedback", reader)[0] == 403


def test_cited_page_image_highlights_the_quote(open_server, ui_env):
    import pymupdf

    rid = report_id(ui_env, "norfolk-2022.pdf")
    quote = "Care leavers in Norfolk live in safe and suitable accommodation"
    url = f"{open_server.url}report-page/{rid}/2.png?q={urllib.request.quote(quote)}"
    status, headers, png = _call(url)
    assert status == 200 and headers["content-type"] == "image/png"
    assert int(headers["x-highlighted"]) >= 1
    _, plain_headers, plain = _call(f"{open_server.url}report-page/{rid}/2.png")
    assert plain_headers["x-highlighted"] == "0"

    def yellow(data: bytes) -> int:
        pix = pymupdf.Pixmap(data)
        s = pix.samples
        n = pix.n
        return sum(
            1 for i in range(0, len(s), n * 7) if s[i] > 230 and s[i + 1] > 190 and s[i + 2] < 120
        )

    assert yellow(png) > 50 and yellow(plain) == 0
    assert _call(f"{open_server.url}report-page/{rid}/9.png")[0] == 404
    suffolk = report_id(ui_env, "suffolk-2023.md")
    assert _call(f"{open_server.url}report-page/{suffolk}/1.png")[0] == 404


def test_copy_buttons_have_distinct_accessible_names():
    from assistant.web.render import citation_card

    a, b = _answer().citations[0], _answer().citations[0]
    b = Citation(**{**b.__dict__, "n": 2, "page": 5})
    cards = citation_card(a, "x1", {"r": "pdf"}, "[1]") + citation_card(
        b, "x2", {"r": "pdf"}, "[2]"
    )
    assert 'aria-label="Copy quote [1] with citation: Inspection of Norfolk' in cards
    assert 'aria-label="Copy quote [2] with citation: Inspection of Norfolk' in cards
    assert "page 5" in cards and 'class="ia-page"' in cards
