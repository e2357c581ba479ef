"""England's regions and the local authorities in each, for questions such as "which London
boroughs were rated outstanding" or "North West councils that mention Operation Encompass".
(Data, with one lookup.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

REGIONS: dict[str, tuple[str, ...]] = {
    "London": (
        "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "City of London",
        "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham",
        "Haringey", "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington",
        "Kensington and Chelsea", "Kingston upon Thames", "Lambeth", "Lewisham", "Merton",
        "Newham", "Redbridge", "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets",
        "Waltham Forest", "Wandsworth", "Westminster",
    ),
    "South East": (
        "Bracknell Forest", "Brighton and Hove", "Buckinghamshire", "East Sussex", "Hampshire",
        "Isle of Wight", "Kent", "Medway", "Milton Keynes", "Oxfordshire", "Portsmouth",
        "Reading", "Slough", "Southampton", "Surrey", "West Berkshire", "West Sussex",
        "Windsor and Maidenhead", "Wokingham",
    ),
    "South West": (
        "Bath and North East Somerset", "Bournemouth", "Bournemouth, Christchurch and Poole",
        "Bristol", "Cornwall", "Devon", "Dorset", "Gloucestershire", "Isles of Scilly",
        "North Somerset", "Plymouth", "Poole", "Somerset", "South Gloucestershire", "Swindon",
        "Torbay", "Wiltshire",
    ),
    "East of England": (
        "Bedford", "Cambridgeshire", "Central Bedfordshire", "Essex", "Hertfordshire", "Luton",
        "Norfolk", "Peterborough", "Southend-on-Sea", "Suffolk", "Thurrock",
    ),
    "East Midlands": (
        "Derby", "Derbyshire", "Leicester", "Leicestershire", "Lincolnshire",
        "North Northamptonshire", "Northamptonshire", "Nottingham", "Nottinghamshire", "Rutland",
        "West Northamptonshire",
    ),
    "West Midlands": (
        "Birmingham", "Coventry", "Dudley", "Herefordshire", "Sandwell", "Shropshire", "Solihull",
        "Staffordshire", "Stoke-on-Trent", "Telford and Wrekin", "Walsall", "Warwickshire",
        "Wolverhampton", "Worcestershire",
    ),
    "Yorkshire and the Humber": (
        "Barnsley", "Bradford", "Calderdale", "Doncaster", "East Riding of Yorkshire",
        "Kingston upon Hull", "Kirklees", "Leeds", "North East Lincolnshire", "North Lincolnshire",
        "North Yorkshire", "Rotherham", "Sheffield", "Wakefield", "York",
    ),
    "North West": (
        "Blackburn with Darwen", "Blackpool", "Bolton", "Bury", "Cheshire East",
        "Cheshire West and Chester", "Cumberland", "Cumbria", "Halton", "Knowsley", "Lancashire",
        "Liverpool", "Manchester", "Oldham", "Rochdale", "St Helens", "Salford", "Sefton",
        "Stockport", "Tameside", "Trafford", "Warrington", "Westmorland and Furness", "Wigan",
        "Wirral",
    ),
    "North East": (
        "Darlington", "Durham", "Gateshead", "Hartlepool", "Middlesbrough", "Newcastle upon Tyne",
        "North Tyneside", "Northumberland", "Redcar and Cleveland", "South Tyneside",
        "Stockton-on-Tees", "Sunderland",
    ),
}  # fmt: skip

_AREA_NOUN = r"(?:councils?|boroughs?|local\s+authorit(?:y|ies)|authorit(?:y|ies)|LAs?|areas?)"
# (pattern, regions): a region as users name it. "North Yorkshire" is a council, not a region,
# so the compass regions need a council word after them or "the" before them.
_NAMES: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (re.compile(p, re.I), regions)
    for p, regions in (
        (r"\b(?:in|across)\s+(?:greater\s+)?london\b|\blondon\s+" + _AREA_NOUN, ("London",)),
        (r"\b(?:the\s+)?south[-\s]east(?:\s+of\s+england)?\b(?!\s+lincolnshire)", ("South East",)),
        (r"\b(?:the\s+)?south[-\s]west(?:\s+of\s+england)?\b", ("South West",)),
        (r"\beast\s+of\s+england\b|\beast\s+anglia\b", ("East of England",)),
        (r"\beast\s+midlands\b", ("East Midlands",)),
        (r"\bwest\s+midlands\b(?!\s+police)", ("West Midlands",)),
        (r"\b(?:the\s+)?midlands\b", ("East Midlands", "West Midlands")),
        (r"\byorkshire\s+and\s+(?:the\s+)?humber\b|\b(?:in|across)\s+yorkshire\b|"
         r"\byorkshire\s+" + _AREA_NOUN, ("Yorkshire and the Humber",)),
        (r"\b(?:the\s+)?north[-\s]west\b(?!\s+(?:leicestershire|norfolk))", ("North West",)),
        (r"\b(?:the\s+)?north[-\s]east\b(?!\s+(?:lincolnshire|derbyshire|somerset))",
         ("North East",)),
    )
)  # fmt: skip


@dataclass(frozen=True)
class Region:
    """A region a question names ("London boroughs", "the North West and North East").

    Attributes:
        name: The region's name(s), as the answer's context says them.
        members: Its local authorities.
    """

    name: str
    members: tuple[str, ...]


def region_named(question: str) -> Region | None:
    """The region a question names and its local authorities, or None."""
    for rx, regions in _NAMES:
        if rx.search(question):
            members = tuple(m for r in regions for m in REGIONS[r])
            return Region(" and ".join(regions), members)
    return None
