import pytest

from tests.conftest import login


def html_tag(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index("<html") : page.index(">", page.index("<html")) + 1]


def test_german_is_the_default(client):
    assert html_tag(client.get("/")) == '<html lang="de" dir="ltr">'


@pytest.mark.parametrize(
    "header,expected",
    [
        ("en-GB,en;q=0.9", '<html lang="en" dir="ltr">'),
        ("uk", '<html lang="uk" dir="ltr">'),
        ("ar-EG,ar;q=0.8", '<html lang="ar" dir="rtl">'),
        ("fr", '<html lang="de" dir="ltr">'),
    ],
)
def test_browser_language_is_used(client, header, expected):
    assert html_tag(client.get("/", headers={"Accept-Language": header})) == expected


def test_explicit_choice_beats_the_browser(client):
    response = client.get("/language/uk?next=/impressum", headers={"Accept-Language": "en"})
    assert response.status_code == 302 and response.headers["Location"] == "/impressum"
    assert html_tag(client.get("/", headers={"Accept-Language": "en"})) == '<html lang="uk" dir="ltr">'


def test_user_setting_beats_the_cookie(client, user_factory):
    login(client, user_factory(locale="ar"))
    client.set_cookie("locale", "en")
    assert html_tag(client.get("/")) == '<html lang="ar" dir="rtl">'


def test_switching_language_while_signed_in_changes_this_browsers_pages(client, user_factory):
    login(client, user_factory(locale="ar"))
    client.get("/language/en?next=/")
    assert html_tag(client.get("/")) == '<html lang="en" dir="ltr">'


def test_unknown_language_and_foreign_next_are_ignored(client):
    response = client.get("/language/xx?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    assert html_tag(client.get("/")) == '<html lang="de" dir="ltr">'


def test_switcher_links_mark_each_language(client):
    page = client.get("/impressum").get_data(as_text=True)
    assert 'href="/language/ar?next=/impressum" lang="ar" hreflang="ar"' in page
    assert 'lang="de" hreflang="de" aria-current="true"' in page


def test_city_text_is_marked_with_its_language_on_pages_in_other_languages(client):
    """Consultations and projects are written in German: on an Arabic page their text is
    marked lang="de" dir="ltr" (WCAG 3.1.2), on a German page it needs nothing."""
    from participation.consultations.models import Consultation, State
    from participation.extensions import db

    app = client.application
    with app.app_context():
        db.session.add(Consultation(slug="lindenauer-hafen", title="Lindenauer Hafen", summary="Kurz",
                                    state=State.OPEN.value, map_mode="geographic"))
        db.session.commit()
    arabic = client.get("/beteiligung", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'lang="de" dir="ltr">Lindenauer Hafen</a>' in arabic
    german = client.get("/beteiligung", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '">Lindenauer Hafen</a>' in german and 'lang="de" dir="ltr">Lindenauer' not in german
