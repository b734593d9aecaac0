"""The imprint and the accessibility statement come from the operator's settings."""

from __future__ import annotations

import dataclasses
import re

import pytest

from participation import create_app
from participation.pages import legal


@pytest.fixture
def configure(app):
    """configure(**settings): the app reads these settings for the rest of the test."""
    original = app.extensions["settings"]

    def _configure(**changes):
        app.extensions["settings"] = dataclasses.replace(original, **changes)

    yield _configure
    app.extensions["settings"] = original


@pytest.fixture
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


LEIPZIG = dict(
    imprint_operator="Stadt Leipzig | Referat Bürgerbeteiligung | Martin-Luther-Ring 4–6 | 04109 Leipzig",
    imprint_email="beteiligung@leipzig.de",
    imprint_phone="+49 341 123-0",
    imprint_representative="Der Oberbürgermeister",
    imprint_responsible="Referat Bürgerbeteiligung | Martin-Luther-Ring 4–6 | 04109 Leipzig",
)
ENFORCEMENT = dict(
    accessibility_statement_date="2026-03-02",
    accessibility_enforcement_name="Durchsetzungsstelle nach dem BfWebG",
    accessibility_enforcement_address="Musterstraße 1 | 01097 Dresden",
    accessibility_enforcement_email="durchsetzung@sachsen.example",
    accessibility_enforcement_phone="+49 351 000-0",
    accessibility_enforcement_url="https://durchsetzung.sachsen.example/",
)


def test_the_imprint_shows_what_the_operator_set(english, configure):
    configure(**LEIPZIG)
    page = english.get("/impressum").get_data(as_text=True)
    assert "Stadt Leipzig<br>Referat Bürgerbeteiligung<br>Martin-Luther-Ring 4–6<br>04109 Leipzig" in page
    assert '<a href="mailto:beteiligung@leipzig.de">beteiligung@leipzig.de</a>' in page
    assert '<a href="tel:+49341123-0">+49 341 123-0</a>' in page
    assert "Der Oberbürgermeister" in page and "Responsible for the content" in page
    assert "example" not in page.lower() and "demo" not in page.lower()


@pytest.mark.parametrize("role", [None, "resident", "staff"])
def test_without_settings_visitors_read_a_neutral_notice(english, configure, login_as, role):
    configure()  # the test settings: env "testing", nothing configured
    login_as(role)
    page = english.get("/impressum").get_data(as_text=True)
    assert "The operator of this platform has not yet published its legal details here." in page
    assert "IMPRINT_" not in page  # how to configure it is for admins
    for placeholder in ("example.org", "Martin-Luther-Ring", "(example)", "04109"):
        assert placeholder not in page


def test_without_settings_admins_read_what_to_set(english, configure, login_as):
    login_as("admin")
    page = english.get("/impressum").get_data(as_text=True)
    assert 'id="imprint-missing"' in page
    assert "The imprint is not configured." in page
    assert "IMPRINT_OPERATOR" in page and "IMPRINT_EMAIL" in page


def test_an_imprint_without_an_email_address_is_not_complete(english, configure, login_as):
    configure(imprint_operator="Stadt Leipzig | 04109 Leipzig")
    login_as("admin")
    page = english.get("/impressum").get_data(as_text=True)
    assert "The imprint is not configured." in page and "Stadt Leipzig" not in page


def test_the_development_setup_shows_marked_demo_details(english, configure):
    configure(env="development")
    imprint = english.get("/impressum").get_data(as_text=True)
    assert 'id="imprint-demo"' in imprint and "Demo:" in imprint
    assert "(Demo)" in imprint and "beteiligung@example.org" in imprint
    statement = english.get("/barrierefreiheit").get_data(as_text=True)
    assert 'id="accessibility-demo"' in statement
    assert "Durchsetzungsstelle (Demo)" in statement
    assert re.search(r"This statement was last reviewed on January 15, 2025\.", statement)


def test_the_development_setup_uses_real_settings_once_given(english, configure):
    configure(env="development", **LEIPZIG, **ENFORCEMENT)
    assert "Demo" not in english.get("/impressum").get_data(as_text=True)
    assert "Demo" not in english.get("/barrierefreiheit").get_data(as_text=True)


def test_the_accessibility_statement_names_its_date_and_the_enforcement_body(english, configure):
    configure(**ENFORCEMENT)
    page = english.get("/barrierefreiheit").get_data(as_text=True)
    assert "This statement was last reviewed on March 2, 2026." in page
    body = re.search(r'<address id="enforcement-body">(.*?)</address>', page, re.S).group(1)
    assert "Durchsetzungsstelle nach dem BfWebG<br>Musterstraße 1<br>01097 Dresden" in body
    assert '<a href="mailto:durchsetzung@sachsen.example">' in body
    assert '<a href="tel:+49351000-0">+49 351 000-0</a>' in body
    assert '<a href="https://durchsetzung.sachsen.example/">' in body


def test_an_incomplete_statement_is_pointed_out_to_admins_only(english, configure, login_as):
    page = english.get("/barrierefreiheit").get_data(as_text=True)
    assert "last reviewed" not in page and 'id="enforcement-body"' not in page
    assert "ACCESSIBILITY_" not in page
    login_as("admin")
    page = english.get("/barrierefreiheit").get_data(as_text=True)
    assert 'id="accessibility-missing"' in page and "ACCESSIBILITY_STATEMENT_DATE" in page


def test_the_settings_come_from_the_environment():
    from participation.settings import Settings

    loaded = Settings.from_env({
        "IMPRINT_OPERATOR": "Stadt Leipzig|04109 Leipzig",
        "IMPRINT_EMAIL": "a@leipzig.de",
        "ACCESSIBILITY_STATEMENT_DATE": "2026-01-31",
        "ACCESSIBILITY_ENFORCEMENT_NAME": "Durchsetzungsstelle",
    })
    assert legal.imprint(loaded).operator == ["Stadt Leipzig", "04109 Leipzig"]
    details = legal.accessibility(loaded)
    assert details.statement_date.isoformat() == "2026-01-31"
    assert details.enforcement.name == "Durchsetzungsstelle" and not details.demo


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"accessibility_statement_date": "31.01.2026"}, "ACCESSIBILITY_STATEMENT_DATE"),
        ({"accessibility_enforcement_url": "javascript:alert(1)"}, "ACCESSIBILITY_ENFORCEMENT_URL"),
    ],
)
def test_a_wrong_value_stops_the_start(settings, changes, message):
    with pytest.raises(ValueError, match=message):
        create_app(dataclasses.replace(settings, **changes))
