"""The city's districts (Leipzig's ten Stadtbezirke), shared by projects, petitions and maps.

`district_of_postcode` (petitions: signatures by district) maps a postcode to its district.
"""

from __future__ import annotations

DISTRICTS = [
    "Mitte",
    "Nordost",
    "Ost",
    "Südost",
    "Süd",
    "Südwest",
    "West",
    "Alt-West",
    "Nordwest",
    "Nord",
]

# Leipzig's postcodes and the district most of each lies in. Postcode areas do not follow
# district borders (04129 reaches from Eutritzsch into Mockau, 04158 from Lindenthal into
# Lützschena-Stahmeln): a postcode that straddles a border goes to the district with most of
# its residents. Good enough for "signatures by district"; it is not an address lookup.
POSTCODE_DISTRICTS = {
    "04103": "Mitte", "04105": "Mitte", "04107": "Mitte", "04109": "Mitte",
    "04129": "Nord", "04155": "Nord", "04157": "Nord", "04158": "Nord", "04356": "Nord",
    "04159": "Nordwest",
    "04177": "Alt-West", "04178": "Alt-West", "04179": "Alt-West",
    "04205": "West", "04207": "West", "04209": "West",
    "04229": "Südwest", "04249": "Südwest",
    "04275": "Süd", "04277": "Süd", "04279": "Süd",
    "04288": "Südost", "04289": "Südost", "04299": "Südost", "04317": "Südost",
    "04315": "Ost", "04316": "Ost", "04318": "Ost", "04319": "Ost", "04328": "Ost",
    "04329": "Nordost", "04347": "Nordost", "04349": "Nordost", "04357": "Nordost",
}


def district_of_postcode(postcode: str | None) -> str | None:
    """The district of a Leipzig postcode; None outside Leipzig (or for no postcode)."""
    return POSTCODE_DISTRICTS.get((postcode or "").strip())
