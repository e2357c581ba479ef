"""One contract for every store of saved conversations and feedback: one host's SQLite file and
the Chroma server of a shared index (a real `chroma run`), where two app instances ("replicas")
each open a store of their own and see each other's writes."""

from __future__ import annotations

import threading

import pytest
from test_store_faults import _start_chroma, _stop

from assistant.conversation_stores import backend_name, make_conversation_store
from assistant.conversations import ConversationsUnavailable, Rating, feedback_jsonl
from assistant.records import Answer, Citation
from assistant.settings import Settings


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc, port = _start_chroma(tmp_path_factory.mktemp("conversations-server"))
    yield port
    _stop(proc)


def _settings(tmp_path, port: int = 8000) -> Settings:
    return Settings(index_dir=tmp_path / "index", store={"chroma_port": port, "collection": None})


@pytest.fixture(params=["sqlite", "chroma-server"])
def replicas(request, tmp_path):
    """Two stores of one backend over the same state (two app instances)."""
    if request.param == "sqlite":
        settings = _settings(tmp_path)
        stores = [make_conversation_store("sqlite", settings) for _ in range(2)]
    else:
        settings = _settings(tmp_path, request.getfixturevalue("server"))
        name = f"conv{abs(hash(tmp_path)) % 10**8}"
        stores = [make_conversation_store("chroma-server", settings, name) for _ in range(2)]
    yield stores
    for s in stores:
        s.close()


def _answer(question: str, quote: str = "Care leavers live in suitable homes.") -> Answer:
    c = Citation(
        n=1, chunk_id="r:0", report_id="r", source="gammaford-2023.pdf",
        title="Inspection of Gammaford local authority children's services", subject="Gammaford",
        inspectorate="Ofsted", inspection_date="6 to 17 March 2023", page=3, pdf_page=3,
        paragraph=2, section=None, quote=quote, passage=quote + " More.",
        line=f"“{quote}” — Ofsted, Gammaford, 6 to 17 March 2023, page 3, paragraph 2.",
    )  # fmt: skip
    return Answer(question, f"{quote} [1]", False, [c])


def test_conversations_are_each_users_own_and_seen_by_every_replica(replicas):
    a, b = replicas
    cid = a.append("alice", None, _answer("First question about Gammaford?"))
    assert b.append("alice", cid, _answer("And the second?")) == cid  # on the other replica
    assert b.append("bob", cid, _answer("Bob's own?")) != cid  # not Bob's: a new conversation
    [mine] = a.list("alice")
    assert (mine.id, mine.title, mine.turns) == (cid, "First question about Gammaford?", 2)
    assert a.get("bob", cid) is None
    conv = b.get("alice", cid)
    assert [x.question for x in conv.answers] == [
        "First question about Gammaford?",
        "And the second?",
    ]
    assert conv.answers[0].citations == _answer("x").citations  # citations kept whole
    later = a.append("alice", None, _answer("A later conversation?"))
    assert [s.id for s in b.list("alice")] == [later, cid]  # most recently updated first


def test_a_share_link_made_on_one_replica_opens_on_the_other_until_deleted(replicas):
    a, b = replicas
    cid = a.append("alice", None, _answer("Shared question?"))
    token = a.share("alice", cid)
    assert token and b.share("alice", cid) == token and b.share("bob", cid) is None
    assert b.shared(token).summary.id == cid and b.shared("nope") is None and b.shared("") is None
    assert not b.delete("bob", cid)
    assert b.delete("alice", cid) and a.shared(token) is None and a.list("alice") == []
    assert a.get("alice", cid) is None


def test_answers_added_at_once_from_two_replicas_are_all_kept(replicas):
    a, b = replicas
    cid = a.append("alice", None, _answer("Start?"))
    errors = []

    def add(store, tag):
        try:
            for i in range(5):
                store.append("alice", cid, _answer(f"{tag} {i}?"))
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(s, t)) for s, t in ((a, "a"), (b, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    questions = [x.question for x in b.get("alice", cid).answers]
    assert len(questions) == 11 and questions[0] == "Start?"
    assert sorted(questions[1:]) == sorted(f"{t} {i}?" for t in "ab" for i in range(5))
    assert [q for q in questions if q.startswith("a ")] == [f"a {i}?" for i in range(5)]


def test_feedback_from_every_replica_exports_as_evaluation_questions(replicas, tmp_path):
    from assistant.evaluate import load_questions

    a, b = replicas
    a.add_feedback("alice", _answer("Helpful one?"), Rating.HELPFUL, history=("Earlier?",))
    b.add_feedback("bob", _answer("Wrong one?"), Rating.WRONG_CITATION, "not page 3", "c1", 2)
    a.add_feedback(
        "bob", Answer("Unanswered?", "The reports do not say.", True), Rating.NOT_HELPFUL
    )
    items = b.feedback()
    assert [f.answer.question for f in items] == ["Unanswered?", "Wrong one?", "Helpful one?"]
    wrong = items[1]
    assert (wrong.owner, wrong.comment, wrong.conversation_id, wrong.turn) == (
        "bob",
        "not page 3",
        "c1",
        2,
    )
    assert items[0].conversation_id is None and items[0].turn is None
    out = tmp_path / "feedback.jsonl"
    out.write_text(feedback_jsonl(items), encoding="utf-8")
    good, bad, missed = load_questions(out)
    assert good.sources == ("gammaford-2023.pdf",) and good.history == ("Earlier?",)
    assert bad.sources == () and bad.evidence is None and missed.answerable


def test_the_server_store_says_when_its_server_is_down_and_recovers(tmp_path):
    proc, port = _start_chroma(tmp_path / "server")
    store = make_conversation_store("chroma-server", _settings(tmp_path, port), "down")
    cid = store.append("alice", None, _answer("Before?"))
    _stop(proc)
    with pytest.raises(ConversationsUnavailable, match="cannot be reached"):
        store.list("alice")
    proc, _ = _start_chroma(tmp_path / "server", port)
    try:
        assert [s.id for s in store.list("alice")] == [cid]  # the same store, reconnected
    finally:
        _stop(proc)


def test_auto_keeps_conversations_with_a_shared_index_and_refuses_unknown_stores(tmp_path):
    settings = _settings(tmp_path)
    assert backend_name(settings, None) == "sqlite"
    assert backend_name(settings, "ia-shared") == "chroma-server"
    pinned = settings.override(web__conversations_store="sqlite")
    assert backend_name(pinned, "ia-shared") == "sqlite"
    with pytest.raises(ValueError, match="unknown conversation store 'redis'"):
        make_conversation_store("redis", settings)
