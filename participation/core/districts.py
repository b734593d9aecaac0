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
