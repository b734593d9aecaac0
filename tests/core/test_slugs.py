"""Slugs spell German words the way Germans write them without umlauts."""

import unicodedata

import pytest

from participation.core.slugs import slugify


@pytest.mark.parametrize(
    "title,slug",
    [
        ("Wünsche für den Park", "wuensche-fuer-den-park"),
        ("Öffentliche Grünflächen", "oeffentliche-gruenflaechen"),
        ("Ärger über Lärm", "aerger-ueber-laerm"),
        ("Karl-Heine-Straße neu", "karl-heine-strasse-neu"),
        ("GROẞE PLÄNE", "grosse-plaene"),
        ("Café am Kanal", "cafe-am-kanal"),  # other accents simply lose their mark
    ],
)
def test_german_titles_are_transliterated(title, slug):
    assert slugify(title, "x") == slug


def test_decomposed_umlauts_are_transliterated_too():
    assert slugify(unicodedata.normalize("NFD", "Wünsche"), "x") == "wuensche"


def test_a_title_without_letters_gets_the_fallback():
    assert slugify("!!!", "beteiligung") == "beteiligung"
