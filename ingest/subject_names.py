"""The names the subject resolver knows: local authorities, police forces, their aliases, and the
words around a name that tell a place from an ordinary word.

Data only; ``ingest.subjects`` resolves names with it.
"""

from __future__ import annotations

LOCAL_AUTHORITIES: tuple[str, ...] = (
    # London
    "Barking and Dagenham", "Barnet", "Bexley", "Brent", "Bromley", "Camden", "City of London",
    "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney", "Hammersmith and Fulham", "Haringey",
    "Harrow", "Havering", "Hillingdon", "Hounslow", "Islington", "Kensington and Chelsea",
    "Kingston upon Thames", "Lambeth", "Lewisham", "Merton", "Newham", "Redbridge",
    "Richmond upon Thames", "Southwark", "Sutton", "Tower Hamlets", "Waltham Forest", "Wandsworth",
    "Westminster",
    # Metropolitan boroughs
    "Barnsley", "Birmingham", "Bolton", "Bradford", "Bury", "Calderdale", "Coventry", "Doncaster",
    "Dudley", "Gateshead", "Kirklees", "Knowsley", "Leeds", "Liverpool", "Manchester",
    "Newcastle upon Tyne", "North Tyneside", "Oldham", "Rochdale", "Rotherham", "St Helens",
    "Salford", "Sandwell", "Sefton", "Sheffield", "Solihull", "South Tyneside", "Stockport",
    "Sunderland", "Tameside", "Trafford", "Wakefield", "Walsall", "Wigan", "Wirral",
    "Wolverhampton",
    # Counties
    "Cambridgeshire", "Cumbria", "Derbyshire", "Devon", "East Sussex", "Essex", "Gloucestershire",
    "Hampshire", "Hertfordshire", "Kent", "Lancashire", "Leicestershire", "Lincolnshire",
    "Norfolk", "Northamptonshire", "Nottinghamshire", "Oxfordshire", "Staffordshire", "Suffolk",
    "Surrey", "Warwickshire", "West Sussex", "Worcestershire",
    # Unitary authorities (and some predecessors)
    "Bath and North East Somerset", "Bedford", "Blackburn with Darwen", "Blackpool", "Bournemouth",
    "Bournemouth, Christchurch and Poole", "Bracknell Forest", "Brighton and Hove", "Bristol",
    "Buckinghamshire", "Central Bedfordshire", "Cheshire East", "Cheshire West and Chester",
    "Cornwall", "Cumberland", "Darlington", "Derby", "Dorset", "Durham", "East Riding of Yorkshire",
    "Halton", "Hartlepool", "Herefordshire", "Isle of Wight", "Isles of Scilly",
    "Kingston upon Hull", "Leicester", "Luton", "Medway", "Middlesbrough", "Milton Keynes",
    "North East Lincolnshire", "North Lincolnshire", "North Northamptonshire", "North Somerset",
    "North Yorkshire", "Northumberland", "Nottingham", "Peterborough", "Plymouth", "Poole",
    "Portsmouth", "Reading", "Redcar and Cleveland", "Rutland", "Shropshire", "Slough", "Somerset",
    "South Gloucestershire", "Southampton", "Southend-on-Sea", "Stockton-on-Tees",
    "Stoke-on-Trent", "Swindon", "Telford and Wrekin", "Thurrock", "Torbay", "Warrington",
    "West Berkshire", "West Northamptonshire", "Westmorland and Furness", "Wiltshire",
    "Windsor and Maidenhead", "Wokingham", "York",
    # Scotland, Wales and Northern Ireland: their own inspectorates report on them, so a question
    # about one is declined as a place no indexed report is about (until such reports are added).
    "Aberdeen City", "Aberdeenshire", "Argyll and Bute", "Clackmannanshire",
    "Dumfries and Galloway", "Dundee City", "East Ayrshire", "East Dunbartonshire",
    "East Lothian", "East Renfrewshire", "City of Edinburgh", "Falkirk", "Fife", "Glasgow City",
    "Inverclyde", "Midlothian", "Moray", "Na h-Eileanan Siar", "North Ayrshire",
    "North Lanarkshire", "Orkney Islands", "Perth and Kinross", "Renfrewshire",
    "Scottish Borders", "Shetland Islands", "South Ayrshire", "South Lanarkshire", "Stirling",
    "West Dunbartonshire", "West Lothian",
    "Blaenau Gwent", "Bridgend", "Caerphilly", "Cardiff", "Carmarthenshire", "Ceredigion",
    "Conwy", "Denbighshire", "Flintshire", "Gwynedd", "Isle of Anglesey", "Merthyr Tydfil",
    "Monmouthshire", "Neath Port Talbot", "Newport", "Pembrokeshire", "Powys",
    "Rhondda Cynon Taf", "Swansea", "Torfaen", "Vale of Glamorgan", "Wrexham",
    "Antrim and Newtownabbey", "Ards and North Down", "Armagh City, Banbridge and Craigavon",
    "Belfast", "Causeway Coast and Glens", "Derry and Strabane", "Fermanagh and Omagh",
    "Lisburn and Castlereagh", "Mid and East Antrim", "Mid Ulster", "Newry, Mourne and Down",
)  # fmt: skip

POLICE_FORCES: tuple[str, ...] = (
    "Avon and Somerset Police", "Bedfordshire Police", "British Transport Police",
    "Cambridgeshire Constabulary", "Cheshire Constabulary", "City of London Police",
    "Cleveland Police", "Cumbria Constabulary", "Derbyshire Constabulary",
    "Devon and Cornwall Police", "Dorset Police", "Durham Constabulary", "Dyfed-Powys Police",
    "Essex Police", "Gloucestershire Constabulary", "Greater Manchester Police", "Gwent Police",
    "Hampshire and Isle of Wight Constabulary", "Hertfordshire Constabulary", "Humberside Police",
    "Kent Police", "Lancashire Constabulary", "Leicestershire Police", "Lincolnshire Police",
    "Merseyside Police", "Metropolitan Police Service", "Norfolk Constabulary",
    "North Wales Police", "North Yorkshire Police", "Northamptonshire Police", "Northumbria Police",
    "Nottinghamshire Police", "Police Scotland", "Police Service of Northern Ireland",
    "South Wales Police", "South Yorkshire Police", "Staffordshire Police", "Suffolk Constabulary",
    "Surrey Police", "Sussex Police", "Thames Valley Police", "Warwickshire Police",
    "West Mercia Police", "West Midlands Police", "West Yorkshire Police", "Wiltshire Police",
)  # fmt: skip

ALIASES: dict[str, str] = {
    # local authorities
    "BCP": "Bournemouth, Christchurch and Poole",
    "BCP Council": "Bournemouth, Christchurch and Poole",
    "RBKC": "Kensington and Chelsea",
    "Kensington": "Kensington and Chelsea",
    "London Corporation": "City of London",
    "City of London Corporation": "City of London",
    "Corporation of London": "City of London",
    "Hull": "Kingston upon Hull",
    "City of Kingston upon Hull": "Kingston upon Hull",
    "Kingston upon Hull, City of": "Kingston upon Hull",
    "City of Bristol": "Bristol",
    "Bristol, City of": "Bristol",
    "County of Herefordshire": "Herefordshire",
    "Herefordshire, County of": "Herefordshire",
    "County Durham": "Durham",
    "B&NES": "Bath and North East Somerset",
    "BANES": "Bath and North East Somerset",
    "Newcastle": "Newcastle upon Tyne",
    "Brighton": "Brighton and Hove",
    "East Riding": "East Riding of Yorkshire",
    "Southend": "Southend-on-Sea",
    "Stockton": "Stockton-on-Tees",
    "Stoke": "Stoke-on-Trent",
    "Telford": "Telford and Wrekin",
    "T&W": "Telford and Wrekin",
    "Redcar": "Redcar and Cleveland",
    "Blackburn": "Blackburn with Darwen",
    "Cheshire West": "Cheshire West and Chester",
    "Windsor": "Windsor and Maidenhead",
    "RBWM": "Windsor and Maidenhead",
    "LBHF": "Hammersmith and Fulham",
    "Hammersmith": "Hammersmith and Fulham",
    "Isles of Scilly Council": "Isles of Scilly",
    "Scilly": "Isles of Scilly",
    "Glasgow": "Glasgow City",
    "Edinburgh": "City of Edinburgh",
    "Aberdeen": "Aberdeen City",
    "Dundee": "Dundee City",
    "Anglesey": "Isle of Anglesey",
    "Western Isles": "Na h-Eileanan Siar",
    "Orkney": "Orkney Islands",
    "Shetland": "Shetland Islands",
    "RCT": "Rhondda Cynon Taf",
    "Derry": "Derry and Strabane",
    "Londonderry": "Derry and Strabane",
    "Lisburn": "Lisburn and Castlereagh",
    "Armagh": "Armagh City, Banbridge and Craigavon",
    "Newry": "Newry, Mourne and Down",
    # the usual short forms
    "Brum": "Birmingham",
    "Bucks": "Buckinghamshire",
    "Staffs": "Staffordshire",
    "Notts": "Nottinghamshire",
    "Herts": "Hertfordshire",
    "Lancs": "Lancashire",
    "Leics": "Leicestershire",
    "Lincs": "Lincolnshire",
    "Glos": "Gloucestershire",
    "Gloucs": "Gloucestershire",
    "Wilts": "Wiltshire",
    "Worcs": "Worcestershire",
    "Warks": "Warwickshire",
    "Oxon": "Oxfordshire",
    "Cambs": "Cambridgeshire",
    "Northants": "Northamptonshire",
    "North Yorks": "North Yorkshire",
    "N Yorks": "North Yorkshire",
    "K&C": "Kensington and Chelsea",
    "H&F": "Hammersmith and Fulham",
    "Tower Hamlets Council": "Tower Hamlets",
    "IoW": "Isle of Wight",
    "Central Beds": "Central Bedfordshire",
    "CWaC": "Cheshire West and Chester",
    "Derbys": "Derbyshire",
    "Hants": "Hampshire",
    "Hereford": "Herefordshire",
    "LBBD": "Barking and Dagenham",
    "Richmond": "Richmond upon Thames",
    "Kingston": "Kingston upon Thames",
    "MK": "Milton Keynes",
    "Westmorland": "Westmorland and Furness",
    "West Berks": "West Berkshire",
    "W Sussex": "West Sussex",
    "E Sussex": "East Sussex",
    # police forces
    "Met": "Metropolitan Police Service",
    "Met Police": "Metropolitan Police Service",
    "Metropolitan Police": "Metropolitan Police Service",
    "GMP": "Greater Manchester Police",
    "Hampshire Constabulary": "Hampshire and Isle of Wight Constabulary",
    "Hampshire Police": "Hampshire and Isle of Wight Constabulary",
    "Police Service of Scotland": "Police Scotland",
    "Scottish Police": "Police Scotland",
    "PSNI": "Police Service of Northern Ireland",
    "BTP": "British Transport Police",
    "Avon and Somerset Constabulary": "Avon and Somerset Police",
    "Wiltshire Constabulary": "Wiltshire Police",
}

# Names that are also ordinary English words (or too short to trust): in free text they count
# only when capitalised and not starting a sentence, or next to a council-ish word.
COMMON_WORDS: frozenset[str] = frozenset(
    {"bury", "reading", "bath", "barking", "met", "hull", "derby", "stoke", "slough", "harrow"}
)  # fmt: skip

# Words that, next to a name, show it is meant as a place or body.
CONTEXT_AFTER = (
    "council", "borough", "county", "city", "la", "local authority", "children's services",
    "children's social care", "safeguarding", "police", "constabulary", "ofsted", "inspection",
    "report", "lscb", "authority", "focused visit", "focussed visit", "ilacs", "sif", "jtai",
)  # fmt: skip
# Of those names, the ones rare as words: after "in", "for", "at" ... they are the place
# ("care leavers in derby"), as "reading" or "bury" after them would not be.
RARE_AS_WORDS: frozenset[str] = frozenset({"derby", "slough", "harrow", "hull", "stoke", "barking"})
PLACE_BEFORE = frozenset({"in", "for", "at", "from", "about", "of", "to", "visited", "inspected"})
# A name preceded by these words is something else ("New York").
NOT_AFTER: dict[str, frozenset[str]] = {
    "york": frozenset({"new"}),
    "hampshire": frozenset({"new"}),
    "brighton": frozenset({"new"}),
    "devon": frozenset({"north", "east", "south", "west", "mid"}),
}
# A name followed by these words is something else ("the Met Office").
NOT_BEFORE: dict[str, frozenset[str]] = {"met": frozenset({"office"})}

PREFIXES = (
    "the", "london borough of", "royal borough of", "metropolitan borough of", "borough of",
    "city and county of", "city of", "county of", "council of the", "council of",
    "corporation of", "county",
)  # fmt: skip
SUFFIXES = (
    "metropolitan borough council", "metropolitan district council", "district metropolitan council",
    "metropolitan council", "metropolitan borough", "metropolitan district", "borough council",
    "county council",
    "city council", "district council", "unitary authority", "mbc", "council", "borough", "city of",
    "county of", "city", "local authority", "children's services", "children's social care",
    "local safeguarding children board", "safeguarding children board",
    "safeguarding children partnership", "lscb",
)  # fmt: skip
GENERIC = frozenset(
    {"the", "of", "and", "council", "borough", "county", "city", "local", "authority", "london",
     "royal", "metropolitan", "district", "services", "children", "police",
     "constabulary", "inspection", "report", "ofsted", "hmic", "hmicfrs"}
)  # fmt: skip
SMALL_WORDS = frozenset({"and", "of", "upon", "on", "with", "the", "in", "under", "by"})
