"""Every catalog is complete: each string of the code is translated in de, en, uk and ar."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ["de", "en", "uk", "ar"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalog(locale):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def source_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.fixture(scope="module")
def msgids():
    return source_msgids()


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_every_string_of_the_code(locale, msgids):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(locale) if m.id}
    missing = sorted(msgids - ids)
    assert not missing, f"{locale}: not in the catalog (run make translations-update): {missing[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_no_empty_or_fuzzy_entry(locale):
    problems = []
    for message in catalog(locale):
        if not message.id:
            assert not message.fuzzy, f"{locale}: the catalog header is fuzzy"
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(message.id)
    assert not problems, f"{locale}: empty or fuzzy: {problems[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_survive_translation(locale):
    for message in catalog(locale):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= set(PLACEHOLDER.findall(source)) | {"%(num)d"}, (
                locale,
                source,
                string,
            )
            if isinstance(message.id, str):
                assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(source)), (locale, source)
