"""Signatures by district: a Leipzig postcode names its Stadtbezirk, others none."""

import pytest

from participation.core.districts import DISTRICTS, POSTCODE_DISTRICTS, district_of_postcode


@pytest.mark.parametrize("postcode,district", [
    ("04109", "Mitte"), ("04277", "Süd"), ("04315", "Ost"), ("04207", "West"), ("04229", "Südwest"),
    ("04177", "Alt-West"), ("04159", "Nordwest"), ("04155", "Nord"), ("04347", "Nordost"),
    ("04299", "Südost"), (" 04103 ", "Mitte"),
])
def test_a_leipzig_postcode_names_its_district(postcode, district):
    assert district_of_postcode(postcode) == district


@pytest.mark.parametrize("postcode", ["10115", "04416", "04435", "", None, "abcde", "0410"])
def test_other_postcodes_name_no_district(postcode):
    assert district_of_postcode(postcode) is None


def test_every_district_has_postcodes_and_every_postcode_a_known_district():
    assert set(POSTCODE_DISTRICTS.values()) == set(DISTRICTS)
    assert all(code.startswith("04") and len(code) == 5 for code in POSTCODE_DISTRICTS)
