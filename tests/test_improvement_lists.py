"""The improvement-list reader shared by every layout, on generated pages."""

from __future__ import annotations

import pytest

from ingest.layouts.improvements import Improvements, read_improvements
from ingest.layouts.text import read_pages

START_HEADINGS = [
    "What needs to improve?",
    "What needs to improve in this local authority?",
    "What needs to improve in this area of social work practice",
    "What needs to improve in this area of practice",
    "Recommendations",
    "Area for improvement",
    "Areas for improvement",
    "Areas for priority action",
    "Area for priority action",
    "Priority and immediate action",
    "What does the LSCB need to improve?",
]
END_HEADINGS = ["Findings", "Main findings", "Headline findings", "Overview", "Next steps"]
POINTS = [
    "The timeliness of strategy meetings for children at risk of harm.",
    "The quality of written plans for children in need of help.",
]


def page(start: str, end: str) -> str:
    return "\n".join(
        [
            "Ofsted found that leaders know their services well.",
            start,
            *[f"\u2022 {p}" for p in POINTS],
            end,
            "Social workers visit children often and know them well.",
        ]
    )


@pytest.mark.parametrize("start", START_HEADINGS)
def test_each_start_heading_opens_a_list(start):
    found = read_improvements(read_pages([(3, page(start, "Main findings"))]))
    points, pages = found.points, found.pages
    assert points == POINTS
    assert pages == [3, 3]


@pytest.mark.parametrize("end", END_HEADINGS)
def test_each_end_heading_closes_the_list(end):
    points = read_improvements(read_pages([(1, page("Areas for improvement", end))])).points
    assert points == POINTS


def test_a_list_runs_on_over_a_page_and_stops_at_a_graded_heading():
    pages = read_pages(
        [
            (2, f"What needs to improve?\n1. {POINTS[0]}"),
            (3, f"2. {POINTS[1]}\nThe experiences and progress of care leavers: good\n3. Text."),
        ]
    )
    assert read_improvements(pages) == Improvements(POINTS, [2, 3])


def test_a_contents_page_does_not_open_a_list():
    pages = read_pages([(1, "Contents\nRecommendations\nThe local authority\nSummary")])
    assert read_improvements(pages) == Improvements([], [])


def test_lead_ins_and_footers_are_not_points():
    from ingest.layouts.improvements import is_point

    assert not is_point(
        "The local authority needs to take swift action to address the following areas:"
    )
    assert not is_point(
        "T 0300 123 1231 Textphone 0161 618 8524 enquiries@example.org www.example.org"
    )
    assert is_point("The quality of assessments and decision-making.")


def test_points_on_the_question_topic():
    from assistant.catalogue.answers_improve import on_topic

    points = ["The quality of assessments of risk.", "Oversight of care leavers' pathway plans."]
    assert on_topic(points, ("assessment",)) == points[:1]
    assert on_topic(points, ("leavers",)) == points[1:]
    assert on_topic(points, ("budget",)) == []
