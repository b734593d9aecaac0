"""The public council pages: meetings (upcoming, past, by committee, by month), a meeting, a
paper, a person, the organisations; what is not public or deleted never shows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from participation.core.models import utcnow
from participation.council.models import AgendaItem, Meeting, Organization, Paper, PaperConsultation, Person
from participation.extensions import db

SECRET_NAMES = ("Grundstücksangelegenheiten", "Grundstückswerte", "Vertrauliche Anlage")


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True).replace("\u202f", " ")  # CLDR's narrow space before "PM"


def _main(html: str) -> str:
    return re.search(r"<main.*?</main>", html, re.S).group(0)


def _all_pages(council) -> list[str]:
    return [
        "/rat/sitzungen",
        "/rat/sitzungen?zeitraum=vergangen",
        "/rat/sitzungen/kalender?monat=2026-11",
        f"/rat/sitzungen/{council.past_meeting}",
        f"/rat/sitzungen/{council.next_meeting}",
        f"/rat/vorlagen/{council.paper}",
        f"/rat/vorlagen/{council.amendment}",
        f"/rat/personen/{council.person}",
        f"/rat/personen/{council.second_person}",
        "/rat/gremien",
        f"/rat/gremien/{council.council}",
        f"/rat/gremien/{council.committee}",
        f"/rat/gremien/{council.group}",
    ]


def _add_meeting(app, council, *, start: datetime, name: str, organization: int | None = None,
                 **fields) -> int:
    with app.app_context():
        meeting = Meeting(body_id=council.body, name=name, start=start, **fields)
        if organization is not None:
            meeting.organizations = [db.session.get(Organization, organization)]
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


# --- the meetings list ------------------------------------------------------------------------

def test_upcoming_and_past_meetings_are_apart(client, council):
    upcoming = _main(_html(client, "/rat/sitzungen"))
    assert f'href="/rat/sitzungen/{council.next_meeting}"' in upcoming
    assert f'href="/rat/sitzungen/{council.past_meeting}"' not in upcoming
    assert '<a href="/rat/sitzungen" aria-current="page">Upcoming meetings</a>' in upcoming
    past = _main(_html(client, "/rat/sitzungen?zeitraum=vergangen"))
    assert f'href="/rat/sitzungen/{council.past_meeting}"' in past
    assert f'href="/rat/sitzungen/{council.next_meeting}"' not in past
    assert 'aria-current="page">Past meetings</a>' in past
    assert "Wednesday, November 18, 2026, 3:00 PM" in past  # 14:00 UTC is 15:00 in Leipzig


def test_a_meeting_this_morning_is_still_upcoming(app, client, council):
    from participation.council import display

    with app.test_request_context():
        this_morning = display.day_start(display.today()) + timedelta(minutes=1)
    meeting_id = _add_meeting(app, council, start=this_morning, name="Frühsitzung")
    assert f'href="/rat/sitzungen/{meeting_id}"' in _html(client, "/rat/sitzungen")
    assert f'href="/rat/sitzungen/{meeting_id}"' not in _html(client, "/rat/sitzungen?zeitraum=vergangen")


def test_the_committee_filter_shows_its_meetings_only(app, client, council):
    other = _add_meeting(app, council, start=utcnow() + timedelta(days=3), name="Ratsversammlung (Dezember)",
                         organization=council.council)
    everything = _main(_html(client, "/rat/sitzungen"))
    assert f'/rat/sitzungen/{other}"' in everything
    assert f'/rat/sitzungen/{council.next_meeting}"' in everything
    committee = _main(_html(client, f"/rat/sitzungen?gremium={council.committee}"))
    assert f'/rat/sitzungen/{council.next_meeting}"' in committee
    assert f'/rat/sitzungen/{other}"' not in committee
    assert re.search(rf'<option value="{council.committee}"[^>]* selected>', committee)
    plenary = _main(_html(client, f"/rat/sitzungen?gremium={council.council}&zeitraum=vergangen"))
    assert f'/rat/sitzungen/{council.past_meeting}"' in plenary
    # the filter is kept when one switches between upcoming, past and the calendar
    assert f'href="/rat/sitzungen/kalender?gremium={council.council}"' in plenary
    # a parliamentary group has no meetings: it is no choice, and asking for it filters nothing
    assert f'<option value="{council.group}"' not in everything
    ignored = _main(_html(client, f"/rat/sitzungen?gremium={council.group}"))
    assert f'/rat/sitzungen/{other}"' in ignored and f'/rat/sitzungen/{council.next_meeting}"' in ignored
    assert "1 meeting" in committee


def test_the_list_is_paginated(app, client, council):
    with app.app_context():
        soon = utcnow() + timedelta(days=1)
        for n in range(25):
            start = soon + timedelta(hours=n)
            db.session.add(Meeting(body_id=council.body, name=f"Sitzung {n}", start=start))
        db.session.commit()
    first = _html(client, "/rat/sitzungen")
    assert "Page 1 of 2" in first and 'href="/rat/sitzungen?page=2"' in first
    second = _html(client, "/rat/sitzungen?page=2")
    assert f'href="/rat/sitzungen/{council.next_meeting}"' in second  # a week away: after the 25 of tomorrow
    assert f'href="/rat/sitzungen/{council.next_meeting}"' not in first


def test_the_list_loads_in_a_fixed_number_of_queries(app, client, council, count_queries):
    def queries_for_list() -> int:
        with app.app_context(), count_queries() as counter:
            _html(client, "/rat/sitzungen")
        return counter.count

    few = queries_for_list()
    for n in range(6):
        _add_meeting(app, council, start=utcnow() + timedelta(days=2, hours=n), name=f"Sitzung {n}",
                     organization=council.committee)
    assert queries_for_list() == few


def test_a_cancelled_meeting_says_so(app, client, council):
    meeting_id = _add_meeting(app, council, start=utcnow() + timedelta(days=2), name="Abgesagte Sitzung",
                              cancelled=True)
    listed = _main(_html(client, "/rat/sitzungen"))
    item = re.search(rf'<li class="card meeting-card meeting-cancelled">\s*<h3>'
                     rf'<a href="/rat/sitzungen/{meeting_id}".*?</li>', listed, re.S)
    assert item and "Cancelled" in item.group(0)
    page = _main(_html(client, f"/rat/sitzungen/{meeting_id}"))
    assert '<p class="notice notice-cancelled"><strong>This meeting is cancelled.</strong></p>' in page


# --- the calendar -----------------------------------------------------------------------------

def _day_cell(html: str, day_label: str) -> str:
    """The <td> of the calendar whose hidden full date is `day_label` ("November 18, 2026")."""
    cells = re.findall(r"<td class=\"calendar-day[^\"]*\"[^>]*>.*?</td>", html, re.S)
    found = [cell for cell in cells if f'<span class="visually-hidden">{day_label}</span>' in cell]
    assert len(found) == 1, day_label
    return found[0]


def test_the_calendar_shows_the_meeting_on_its_day(client, council):
    html = _main(_html(client, "/rat/sitzungen/kalender?monat=2026-11"))
    assert "<caption>Meetings in November 2026</caption>" in html
    assert html.count('<th scope="col">') == 7
    assert '<span class="visually-hidden">Monday</span>' in html.split("</th>")[0]  # weeks start on Monday
    cell = _day_cell(html, "November 18, 2026")
    assert f'href="/rat/sitzungen/{council.past_meeting}"' in cell and ">3:00 PM</time>" in cell
    assert f'/rat/sitzungen/{council.past_meeting}"' not in _day_cell(html, "November 17, 2026")
    assert html.count(f'/rat/sitzungen/{council.past_meeting}"') == 1
    assert 'href="/rat/sitzungen/kalender?monat=2026-10" rel="prev">Previous month: October 2026</a>' in html
    assert 'href="/rat/sitzungen/kalender?monat=2026-12" rel="next">Next month: December 2026</a>' in html
    assert "<script" not in html


def test_the_calendar_puts_a_meeting_on_its_day_in_leipzig(app, client, council):
    late = _add_meeting(app, council, start=datetime(2026, 11, 30, 23, 30, tzinfo=UTC), name="Nachtsitzung")
    november = _main(_html(client, "/rat/sitzungen/kalender?monat=2026-11"))
    assert f'/rat/sitzungen/{late}"' not in november  # 00:30 on 1 December in Leipzig
    december = _main(_html(client, "/rat/sitzungen/kalender?monat=2026-12"))
    assert f'/rat/sitzungen/{late}"' in _day_cell(december, "December 1, 2026")


def test_the_calendar_is_filtered_by_committee_too(client, council):
    html = _main(_html(client, f"/rat/sitzungen/kalender?monat=2026-11&gremium={council.committee}"))
    assert f'/rat/sitzungen/{council.past_meeting}"' not in html
    assert f"monat=2026-12&amp;gremium={council.committee}" in html or \
        f"gremium={council.committee}&amp;monat=2026-12" in html


@pytest.mark.parametrize("month", ["", "2026-13", "junk", "99999-01", "1800-01", "2026-1"])
def test_the_calendar_shows_this_month_for_anything_else(app, client, council, month):
    from participation.council import display

    with app.test_request_context():
        today = display.today()
    html = _main(_html(client, f"/rat/sitzungen/kalender?monat={month}"))
    assert 'aria-current="date"' in html
    assert f'<input type="hidden" name="monat" value="{today:%Y-%m}">' in html


def test_the_calendar_ends_at_its_last_year(client, council):
    html = _main(_html(client, "/rat/sitzungen/kalender?monat=2200-12"))
    assert 'rel="next"' not in html and 'rel="prev"' in html


# --- a meeting --------------------------------------------------------------------------------

def test_a_meeting_page_shows_its_public_agenda_and_documents(client, council):
    html = _main(_html(client, f"/rat/sitzungen/{council.past_meeting}"))
    assert '<h1 id="meeting-title">Ratsversammlung</h1>' not in html  # the city's German is marked
    assert '<h1 id="meeting-title" lang="de" dir="ltr">Ratsversammlung</h1>' in html
    assert "Wednesday, November 18, 2026, 3:00 PM" in html and ">8:00 PM</time>" in html
    assert "Neues Rathaus, Festsaal" in html and "Martin-Luther-Ring 4-6" in html
    assert f'href="/rat/gremien/{council.council}"' in html
    assert "durchgeführt" in html
    assert "Item 5.1" in html and "Radverkehrsanlagen in der Karl-Liebknecht-Straße" in html
    assert "angenommen" in html and "Die Ratsversammlung beschließt" in html
    assert f'href="/rat/vorlagen/{council.paper}"' in html and "VIII-DS-01234" in html
    assert "<dt>Results protocol</dt>" in html
    assert f'href="/oparl/1.1/file/{council.public_file}/access"' in html and "(PDF, 1.2 kB)" in html
    assert f'href="/rat/personen/{council.person}"' in html and "Paul Muster" in html


def test_non_public_agenda_items_and_files_never_show(client, council):
    for url in _all_pages(council):
        html = _html(client, url)
        for name in SECRET_NAMES:
            assert name not in html, (name, url)
        for file_id in (council.secret_file, council.item_secret_file):
            assert f"/oparl/1.1/file/{file_id}/" not in html, url
    assert "Item 12" not in _html(client, f"/rat/sitzungen/{council.past_meeting}")


def test_a_paper_on_a_non_public_item_names_the_meeting_only(app, client, council):
    with app.app_context():
        db.session.add(PaperConsultation(paper_id=council.amendment, agenda_item_id=council.secret_item,
                                         meeting_id=council.past_meeting, role="Vorberatung"))
        item = db.session.get(AgendaItem, council.secret_item)
        item.result = "vertraulich beschlossen"
        db.session.commit()
    html = _main(_html(client, f"/rat/vorlagen/{council.amendment}"))
    assert f'href="/rat/sitzungen/{council.past_meeting}"' in html and "Vorberatung" in html
    assert f"#top-{council.secret_item}" not in html
    assert "Item 12" not in html and "vertraulich beschlossen" not in html
    meeting = _html(client, f"/rat/sitzungen/{council.past_meeting}")
    assert "vertraulich beschlossen" not in meeting
    assert f'href="/rat/vorlagen/{council.amendment}"' not in meeting


def test_unknown_and_deleted_meetings(app, client, council):
    assert client.get("/rat/sitzungen/999999").status_code == 404
    with app.app_context():
        db.session.get(Meeting, council.next_meeting).deleted = True
        db.session.commit()
    gone = client.get(f"/rat/sitzungen/{council.next_meeting}")
    assert gone.status_code == 410 and "No longer available" in gone.get_data(as_text=True)
    assert f'/rat/sitzungen/{council.next_meeting}"' not in _html(client, "/rat/sitzungen")
    committee = _html(client, f"/rat/gremien/{council.committee}")
    assert f'/rat/sitzungen/{council.next_meeting}"' not in committee
    assert f'/rat/sitzungen/{council.next_meeting}"' not in _html(client, "/")


# --- a paper ----------------------------------------------------------------------------------

def test_a_paper_page_shows_its_documents_and_consultations(client, council):
    html = _main(_html(client, f"/rat/vorlagen/{council.paper}"))
    assert 'lang="de" dir="ltr">Radverkehrsanlagen in der Karl-Liebknecht-Straße</h1>' in html
    assert "VIII-DS-01234" in html and "Beschlussvorlage" in html and "Oct 1, 2026" in html
    assert f'href="/oparl/1.1/file/{council.public_file}/access"' in html
    assert f'href="/rat/gremien/{council.committee}"' in html  # the originating committee
    assert "Neues Rathaus, Festsaal" in html  # its place
    table = re.search(r"<table>.*?</table>", html, re.S).group(0)
    assert '<th scope="col">Role</th>' in table and "<caption>" in table
    row = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    assert f'href="/rat/sitzungen/{council.past_meeting}#top-{council.public_item}"' in row
    assert "Nov 18, 2026" in row and "(Item 5.1)" in row
    assert "Beschlussfassung" in row and "decides" in row and "angenommen" in row
    assert f'href="/rat/gremien/{council.council}"' in row
    assert f'href="/rat/vorlagen/{council.amendment}"' in html  # its amendment


def test_an_amendment_links_up_to_its_paper_and_to_its_originator(client, council):
    html = _main(_html(client, f"/rat/vorlagen/{council.amendment}"))
    assert "<h3>This paper belongs to</h3>" in html and f'href="/rat/vorlagen/{council.paper}"' in html
    assert f'href="/rat/personen/{council.person}"' in html
    assert "This paper has not been put on an agenda yet." in html
    assert "There are no public documents for this paper." in html


def test_a_deleted_paper_is_gone_and_linked_nowhere(app, client, council):
    gone = client.get(f"/rat/vorlagen/{council.deleted_paper}")
    assert gone.status_code == 410
    assert "Zurückgezogener Antrag" not in gone.get_data(as_text=True)
    assert client.get("/rat/vorlagen/999999").status_code == 404
    with app.app_context():  # the deleted paper is related to a live one and on the agenda
        paper = db.session.get(Paper, council.paper)
        paper.related_papers = [db.session.get(Paper, council.deleted_paper)]
        db.session.add(PaperConsultation(paper_id=council.deleted_paper, agenda_item_id=council.public_item,
                                         meeting_id=council.past_meeting))
        db.session.commit()
    for url in _all_pages(council):
        html = _html(client, url)
        assert f'/rat/vorlagen/{council.deleted_paper}"' not in html and "VIII-A-00999" not in html, url


# --- persons and organisations ----------------------------------------------------------------

def test_a_person_page_shows_memberships_current_and_past(client, council):
    html = _main(_html(client, f"/rat/personen/{council.person}"))
    assert 'lang="de" dir="ltr">Dr. Marie Beispiel</h1>' in html
    assert "Stadträtin" in html and "Dr." in html
    current = re.search(r"<caption>Current memberships</caption>.*?</table>", html, re.S).group(0)
    committee_row = re.search(rf'<tr>\s*<th scope="row"><a href="/rat/gremien/{council.committee}".*?</tr>',
                              current, re.S).group(0)
    assert "Vorsitzende" in committee_row and "Jul 1, 2024" in committee_row
    assert f'href="/rat/gremien/{council.group}"' in committee_row  # on behalf of the group
    assert "Past memberships" not in html
    second = _main(_html(client, f"/rat/personen/{council.second_person}"))
    assert "No current memberships." in second
    past = re.search(r'<h2 id="past-heading">Past memberships</h2>.*?</table>', second, re.S).group(0)
    assert f'href="/rat/gremien/{council.council}"' in past and "Mar 31, 2025" in past


def test_the_organisations_are_listed_by_kind(app, client, council):
    with app.app_context():
        db.session.add(Organization(body_id=council.body, name="Aufgelöster Beirat", deleted=True,
                                    organization_type="Gremium"))
        db.session.commit()
    html = _main(_html(client, "/rat/gremien"))
    committees = re.search(r'<section aria-labelledby="committees-heading">.*?</section>', html,
                           re.S).group(0)
    groups = re.search(r'<section aria-labelledby="groups-heading">.*?</section>', html, re.S).group(0)
    assert f'/rat/gremien/{council.council}"' in committees
    assert f'/rat/gremien/{council.committee}"' in committees
    assert f'/rat/gremien/{council.group}"' in groups and f'/rat/gremien/{council.group}"' not in committees
    assert "Aufgelöster Beirat" not in html


def test_an_organisation_page_shows_its_members_and_meetings(client, council):
    html = _main(_html(client, f"/rat/gremien/{council.committee}"))
    assert 'lang="de" dir="ltr">Fachausschuss Stadtentwicklung und Bau</h1>' in html
    members = re.search(r"<table>.*?</table>", html, re.S).group(0)
    assert f'href="/rat/personen/{council.person}"' in members and "Vorsitzende" in members
    assert f'href="/rat/sitzungen/{council.next_meeting}"' in html
    plenary = _main(_html(client, f"/rat/gremien/{council.council}"))
    assert f'href="/rat/personen/{council.person}"' in plenary
    assert f'href="/rat/personen/{council.second_person}"' not in plenary  # his membership ended
    assert f'href="/rat/sitzungen/{council.past_meeting}"' in plenary


def test_deleted_persons_and_organisations_are_gone(app, client, council):
    with app.app_context():
        db.session.get(Person, council.second_person).deleted = True
        db.session.get(Organization, council.group).deleted = True
        db.session.commit()
    assert client.get(f"/rat/personen/{council.second_person}").status_code == 410
    assert client.get(f"/rat/gremien/{council.group}").status_code == 410
    assert client.get("/rat/personen/999999").status_code == 404
    for url in (f"/rat/sitzungen/{council.past_meeting}", f"/rat/personen/{council.person}", "/rat/gremien",
                f"/rat/gremien/{council.committee}"):
        html = _html(client, url)
        assert f'/rat/personen/{council.second_person}"' not in html, url
        assert f'/rat/gremien/{council.group}"' not in html, url


# --- wiring and languages ---------------------------------------------------------------------

def test_the_home_page_names_the_next_meeting(client, council):
    from participation.core import fragments

    with client.application.app_context():
        fragments.forget_now(fragments.HOME_OVERVIEW)
    html = _main(_html(client, "/"))
    card = re.search(r'<section class="card" aria-labelledby="council-heading">.*?</section>', html,
                     re.S).group(0)
    assert f'href="/rat/sitzungen/{council.next_meeting}"' in card and 'href="/rat/sitzungen"' in card
    assert "See when the city council meets and what it decides." in html


@pytest.mark.parametrize("language,direction", [("de", "ltr"), ("uk", "ltr"), ("ar", "rtl")])
def test_every_page_speaks_the_visitors_language(client, council, language, direction):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    for url in _all_pages(council):
        html = _html(client, url)
        assert f'<html lang="{language}" dir="{direction}">' in html, url
        if language != "de":
            assert 'lang="de" dir="ltr"' in html, url  # the city's own German words are marked


def test_the_papers_date_is_a_date(client, council):
    html = _html(client, f"/rat/vorlagen/{council.paper}")
    assert f'<time datetime="{date(2026, 10, 1).isoformat()}">' in html
