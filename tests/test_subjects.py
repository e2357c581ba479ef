"""Tests for ingest.subjects: canonical names, aliases, and finding subjects in questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.subjects import (
    LOCAL_AUTHORITIES,
    POLICE_FORCES,
    SubjectResolver,
    canonical_subject,
    is_police_force,
)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        # suffixes and prefixes as front pages print them
        ("Norfolk County Council", "Norfolk"),
        ("Norfolk Council", "Norfolk"),
        ("London Borough of Croydon", "Croydon"),
        ("Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"),
        ("The Royal Borough of Windsor and Maidenhead", "Windsor and Maidenhead"),
        ("Bournemouth, Christchurch and Poole Council", "Bournemouth, Christchurch and Poole"),
        ("City of York Council", "York"),
        ("York City Council", "York"),
        ("Kingston upon Hull City Council", "Kingston upon Hull"),
        ("Kingston Upon Hull City Council", "Kingston upon Hull"),
        ("City of Bradford Metropolitan District Council", "Bradford"),
        ("City of Bradford Metropolitan Borough Council", "Bradford"),
        ("City of Bradford Metropolitan District", "Bradford"),
        ("Wakefield District Metropolitan Council", "Wakefield"),
        ("Metropolitan Borough of Barnsley Council", "Barnsley"),
        ("Tameside metropolitan borough", "Tameside"),
        ("Borough of Redcar and Cleveland", "Redcar and Cleveland"),
        ("Cheshire East Unitary Authority", "Cheshire East"),
        ("Council of the Isles of Scilly", "Isles of Scilly"),
        ("Bedford Borough", "Bedford"),
        ("Derby City", "Derby"),
        ("Leicester City Council", "Leicester"),
        ("Medway Children\u2019s Services", "Medway"),
        ("Surrey Safeguarding Children Board", "Surrey"),
        ("Newcastle Upon Tyne", "Newcastle upon Tyne"),
        ("Bristol City of", "Bristol"),
        ("Herefordshire, County of", "Herefordshire"),
        # "&" and "and", case, punctuation
        ("bournemouth, christchurch & poole", "Bournemouth, Christchurch and Poole"),
        ("windsor & maidenhead", "Windsor and Maidenhead"),
        ("telford & wrekin", "Telford and Wrekin"),
        ("Hammersmith & Fulham", "Hammersmith and Fulham"),
        ("St. Helens", "St Helens"),
        ("st helens metropolitan borough council", "St Helens"),
        ("Saint Helens", "St Helens"),
        ("southend-on-sea", "Southend-on-Sea"),
        ("Stoke on Trent", "Stoke-on-Trent"),
        ("NORFOLK", "Norfolk"),
        ("Norfolk's", "Norfolk"),
        # aliases
        ("BCP", "Bournemouth, Christchurch and Poole"),
        ("RBKC", "Kensington and Chelsea"),
        ("City of London", "City of London"),
        ("London Corporation", "City of London"),
        ("City of London Corporation", "City of London"),
        ("Hull", "Kingston upon Hull"),
        ("Bristol", "Bristol"),
        ("City of Bristol", "Bristol"),
        ("Herefordshire", "Herefordshire"),
        ("County of Herefordshire", "Herefordshire"),
        ("County Durham", "Durham"),
        ("East Riding", "East Riding of Yorkshire"),
        # police forces keep the name they call themselves
        ("Essex Police", "Essex Police"),
        ("Essex Constabulary", "Essex Police"),
        ("Norfolk Police", "Norfolk Constabulary"),
        ("Norfolk Constabulary", "Norfolk Constabulary"),
        ("Durham Police", "Durham Constabulary"),
        ("Met", "Metropolitan Police Service"),
        ("the Met", "Metropolitan Police Service"),
        ("Metropolitan Police", "Metropolitan Police Service"),
        ("Metropolitan Police Service", "Metropolitan Police Service"),
        ("Police Scotland", "Police Scotland"),
        ("Police Service of Scotland", "Police Scotland"),
        ("City of London Police", "City of London Police"),
        ("Hampshire Constabulary", "Hampshire and Isle of Wight Constabulary"),
        # names the table does not know are still normalised
        ("Foo Borough Council", "Foo"),
        ("london borough of foo & bar", "Foo and Bar"),
        ("Foo Constabulary", "Foo Constabulary"),
    ],
)
def test_canonical_subject(raw, canonical):
    assert canonical_subject(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "1",
        "!!!",
        "Council",
        "the council",
        "local authority",
        "2019 report",
        "London Borough of Barking and",
        "Kingston upon",
    ],
)
def test_canonical_subject_rejects_garbage(raw):
    assert canonical_subject(raw) is None


def test_table_is_consistent():
    for name in LOCAL_AUTHORITIES + POLICE_FORCES:
        assert canonical_subject(name) == name
    assert is_police_force("Essex Police")
    assert not is_police_force("Essex")
    assert len(set(LOCAL_AUTHORITIES)) == len(LOCAL_AUTHORITIES)


@pytest.mark.corpus
def test_every_corpus_folder_names_a_known_authority():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    folders = [p.name.split("_", 1)[1] for p in (CORPUS / "ofsted-ilacs").iterdir() if p.is_dir()]
    names = {canonical_subject(f) for f in folders}
    assert None not in names
    assert names <= set(LOCAL_AUTHORITIES)
    assert len(names) == len(folders)  # no two folders collapse to one name
    assert canonical_subject("london corporation") == "City of London"
    assert canonical_subject("kingston upon hull") == "Kingston upon Hull"


KNOWN = [
    "Norfolk",
    "York",
    "North Yorkshire",
    "Sussex Police",
    "West Sussex",
    "Bury",
    "Reading",
    "Wigan",
    "Poole",
    "Sutton",
    "Derby",
    "Derbyshire",
    "Halton",
    "Bath and North East Somerset",
    "Kingston upon Hull",
    "Bournemouth, Christchurch and Poole",
    "Kensington and Chelsea",
    "City of London",
    "St Helens",
    "Stoke-on-Trent",
    "Essex Police",
    "Metropolitan Police Service",
    "Norfolk Constabulary",
]


@pytest.fixture(scope="module")
def resolver():
    return SubjectResolver(KNOWN)


def test_resolve(resolver):
    assert resolver.resolve("Norfolk County Council") == "Norfolk"
    assert resolver.resolve("norfolk") == "Norfolk"
    assert resolver.resolve("Hull") == "Kingston upon Hull"
    assert resolver.resolve("the Met") == "Metropolitan Police Service"
    assert resolver.resolve("Essex Constabulary") == "Essex Police"
    assert resolver.resolve("Norfolk Police") == "Norfolk Constabulary"
    assert resolver.resolve("BCP") == "Bournemouth, Christchurch and Poole"
    assert resolver.resolve("London Corporation") == "City of London"
    assert resolver.resolve("Croydon") is None  # a real authority, but not in the index
    assert resolver.resolve("") is None
    assert resolver.resolve("nonsense words") is None


def test_resolver_keeps_the_known_spelling():
    r = SubjectResolver(["Bournemouth, Christchurch & Poole", "Cumberland"])
    assert r.resolve("BCP") == "Bournemouth, Christchurch & Poole"
    assert r.find_in("How is BCP doing?") == ["Bournemouth, Christchurch & Poole"]
    assert r.resolve("Cumberland Council") == "Cumberland"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("What did Ofsted say about North Yorkshire?", ["North Yorkshire"]),
        ("And York?", ["York"]),
        ("How did Norfolk's care leavers do?", ["Norfolk"]),
        ("compare norfolk and west sussex", ["Norfolk", "West Sussex"]),
        ("West Sussex and Sussex Police", ["West Sussex", "Sussex Police"]),
        ("Derbyshire, not Derby", ["Derbyshire", "Derby"]),
        ("Is Hull improving?", ["Kingston upon Hull"]),
        ("the Met and Essex Constabulary", ["Metropolitan Police Service", "Essex Police"]),
        ("Norfolk Constabulary and Norfolk County Council", ["Norfolk Constabulary", "Norfolk"]),
        ("BCP or Bournemouth, Christchurch & Poole", ["Bournemouth, Christchurch and Poole"]),
        ("RBKC's care leavers", ["Kensington and Chelsea"]),
        ("the London Corporation report", ["City of London"]),
        ("Stoke-on-Trent and St. Helens", ["Stoke-on-Trent", "St Helens"]),
        ("What about B&NES?", ["Bath and North East Somerset"]),
        # words that are also place names
        ("What changed in Bury last year?", ["Bury"]),
        ("what about bury council?", ["Bury"]),
        ("Reading Borough Council inspection", ["Reading"]),
        ("reading's grades", ["Reading"]),
        ("wigan and sutton and halton and poole", ["Wigan", "Sutton", "Halton", "Poole"]),
        ("care leavers in derby", ["Derby"]),
        ("bury 2016 report", ["Bury"]),
    ],
)  # fmt: skip
def test_find_in(resolver, text, found):
    assert resolver.find_in(text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("slough focused visit", ["Slough"]),
        ("hants and IoW", ["Hampshire", "Isle of Wight"]),
        ("central beds, CWaC and LBBD", ["Central Bedfordshire", "Cheshire West and Chester",
                                         "Barking and Dagenham"]),
        ("MK care leavers", ["Milton Keynes"]),
    ],
)  # fmt: skip
def test_the_usual_short_forms(text, found):
    assert SubjectResolver(LOCAL_AUTHORITIES).find_in(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Reading the report, what needs to improve?",
        "I was reading about children in care.",
        "Where do they bury the findings?",
        "The hull of the argument is weak.",
        "They met the threshold and made a derby of it.",
        "Bury the lede: what went wrong?",
        "What did the Met Office forecast?",
        "New York has no children's services inspections.",
        "Which authorities are outstanding?",
        "improvements in reading ages",
        "the dogs in the pound were barking",
        "",
    ],
)
def test_find_in_no_false_positives(resolver, text):
    assert resolver.find_in(text) == []


def test_find_in_finds_every_subject_in_order():
    every = SubjectResolver(list(LOCAL_AUTHORITIES) + list(POLICE_FORCES))
    question = (
        "How did Norfolk's and North Yorkshire's services for care leavers compare in 2019 "
        "and 2023, and what did the inspectors say about Essex Police and the Met?"
    )
    assert every.find_in(question) == [
        "Norfolk",
        "North Yorkshire",
        "Essex Police",
        "Metropolitan Police Service",
    ]


def test_mbc_suffix_is_not_part_of_the_name():
    from ingest.subjects import canonical_subject

    assert canonical_subject("Dudley MBC") == "Dudley"
