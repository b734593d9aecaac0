"""Pages promise and link only features that exist; the staff overview gathers what staff manage."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from participation.core import features
from tests.conftest import login

# What would promise the council's live sessions, which do not exist yet, in English and in
# German (Leichte Sprache included). The council's pages (meetings, papers) do exist.
NOT_YET_THERE = re.compile(
    r"live im netz|livestream|live stream|live-übertragung|live broadcast", re.IGNORECASE
)
PROMISING_PAGES = ["/", "/signup", "/leichte-sprache", "/datenschutz", "/barrierefreiheit"]


class _Page(HTMLParser):
    """The text a reader sees (no scripts, styles or hidden inputs) and the links of a page."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "a" and dict(attrs).get("href"):
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture
def seeded(app, upload_storage):
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("url", PROMISING_PAGES)
def test_no_page_speaks_of_live_council_sessions_before_they_exist(app, seeded, url, language):
    client = app.test_client()
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    text = " ".join(_parse(response.get_data(as_text=True)).text)
    assert not NOT_YET_THERE.search(text), NOT_YET_THERE.search(text).group(0) + " on " + url


def test_consultations_projects_petitions_and_the_council_are_installed(app):
    with app.test_request_context():
        installed = [feature.name for feature in features.registered()]
        assert installed == ["consultations", "projects", "petitions", "council"]
        assert features.available("petitions") and features.available("council")


def test_the_council_pages_are_there(client):
    assert client.get("/petitionen").status_code == 200
    assert client.get("/rat/sitzungen").status_code == 200
    assert client.get("/rat/gremien").status_code == 200


def test_home_says_what_the_installed_features_offer(english_client):
    page = english_client.get("/").get_data(as_text=True)
    lead = re.search(r'<p class="lead">(.*?)</p>', page, re.S).group(1)
    assert lead == ("Look at plans and place your ideas on the map. Follow and discuss city projects. "
                    "Start a petition to the city council or sign one. "
                    "See when the city council meets and what it decides.")
    for heading in ("Open consultations", "Latest project updates", "Open petitions", "Next council meeting"):
        assert heading in page
    assert '<a href="/rat/sitzungen">All council meetings</a>' in page


def test_an_installed_feature_is_live_on_every_page(english_client):
    home = english_client.get("/").get_data(as_text=True)
    assert "Open petitions" in home and "Start a petition to the city council or sign one." in home
    assert "sign petitions and comment" in english_client.get("/signup").get_data(as_text=True)
    assert "supports and signatures" in english_client.get("/datenschutz").get_data(as_text=True)
    assert "Petition unterschreiben" in english_client.get("/leichte-sprache").get_data(as_text=True)
    assert "Next council meeting" in home
    assert "Sie können den Stadt-Rat im Internet sehen." in english_client.get("/leichte-sprache").get_data(
        as_text=True)
    assert "council information system may not be accessible" in english_client.get(
        "/barrierefreiheit").get_data(as_text=True)


def _crawl(client, start: list[str], limit: int = 400) -> dict[str, int]:
    """Follow every link on this site from `start`; the status each linked address answers."""
    seen: dict[str, int] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        for href in _parse(response.get_data(as_text=True)).links:
            target = urlsplit(urljoin("http://localhost" + url, href))
            if target.scheme not in ("http", "https") or target.netloc != "localhost":
                continue  # mailto:, tel:, and other sites are not ours to check
            if target.path.startswith(("/language/", "/static/", "/media/")):
                continue  # language switch (a redirect back), files
            if "monat=" in target.query:
                continue  # the council calendar's months go on for ever: the month it opens with is checked
            path = target.path + ("?" + target.query if target.query else "")
            if path not in seen and path not in queue:
                queue.append(path)
    return seen


@pytest.mark.parametrize("role", [None, "resident", "staff", "admin"])
def test_no_link_leads_to_a_missing_page(app, seeded, role):
    from sqlalchemy import select

    from participation.accounts.models import User
    from participation.extensions import db

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if role:
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == f"{role}@example.org"))
        login(client, user)
    statuses = _crawl(client, ["/", "/staff/"] if role in ("staff", "admin") else ["/"])
    assert len(statuses) > 20
    broken = {url: status for url, status in statuses.items() if status >= 400}
    assert not broken


def test_no_link_on_the_council_pages_leads_to_a_missing_page(app, council_data):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    statuses = _crawl(client, ["/rat/sitzungen", "/rat/sitzungen?zeitraum=vergangen", "/rat/gremien",
                               "/rat/sitzungen/kalender?monat=2026-11"])
    council_pages = [url for url in statuses if url.startswith(("/rat/", "/oparl/"))]
    for expected in (f"/rat/vorlagen/{council_data.paper}", f"/rat/personen/{council_data.person}",
                     f"/rat/gremien/{council_data.group}",
                     f"/oparl/1.1/file/{council_data.public_file}/access"):
        assert expected in council_pages
    broken = {url: status for url, status in statuses.items() if status >= 400}
    assert not broken


@pytest.fixture
def council_data(app):
    from tests.council.conftest import make_council

    return make_council(app)


@pytest.fixture
def english(client):
    """The client `login_as` signs in, on English pages."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_staff_find_everything_they_manage_from_the_navigation(english, login_as):
    login_as("staff")
    home = english.get("/").get_data(as_text=True)
    assert re.search(r'<a href="/staff/">Management</a>', home)
    overview = english.get("/staff/").get_data(as_text=True)
    assert '<a href="/staff/" aria-current="page">Management</a>' in overview
    for href, text in (
        ("/staff/beteiligung", "All consultations"),
        ("/staff/beteiligung/neu", "New consultation"),
        ("/staff/projekte", "All projects"),
        ("/staff/projekte/neu", "New project"),
        ("/staff/feedback", "Feedback from residents about barriers"),
    ):
        assert re.search(rf'<a (class="button" )?href="{re.escape(href)}">{text}</a>', overview), text
    assert "/admin/users" not in overview  # accounts are for admins
    # inside the staff area the navigation says where one is, and only once
    manage = english.get("/staff/beteiligung").get_data(as_text=True)
    assert '<a href="/staff/" aria-current="true">Management</a>' in manage
    main_nav = re.search(r'<nav class="wrap main-nav".*?</nav>', manage, re.S).group(0)
    assert main_nav.count("aria-current") == 1


def test_admins_also_manage_accounts_there(english, login_as):
    login_as("admin")
    overview = english.get("/staff/").get_data(as_text=True)
    assert '<a href="/admin/users">Accounts and roles</a>' in overview
    assert '<a href="/admin/audit-log">Audit log</a>' in overview


@pytest.mark.parametrize("role,status", [(None, 302), ("resident", 403), ("moderator", 403)])
def test_the_overview_is_for_staff_only(client, login_as, role, status):
    login_as(role)
    assert client.get("/staff/").status_code == status


def test_residents_have_no_management_entry(english, login_as):
    login_as("resident")
    assert "Management" not in english.get("/").get_data(as_text=True)
