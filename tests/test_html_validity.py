"""Every page type is valid HTML, as the Nu checker (vnu.jar, from package.json) sees it.

The pages are rendered with the test client from the demo data, in German and in Arabic
(right to left, with the city's German text marked with lang and dir), each signed in as
someone who may open it: every GET page of the url map, forms sent back with errors, the
htmx fragments as htmx receives them, and the error pages. One Java process checks them all;
a process per page would take minutes.

Errors fail the test; warnings do not. The checker's warnings are advice, not breaches of
the standard, and today they would only go away by writing worse HTML: "Article lacks
heading" (a comment is an <article> introduced by its author line; a heading per comment
would flood a screen reader's list of headings) and "no heading of level 1" on the htmx
fragments, which are checked inside a bare document of their own.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import select

from participation.accounts.models import User
from participation.petitions.models import PetitionState
from participation.settings import PROJECT_ROOT
from tests.conftest import login, make_user

VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ("de", "ar")
DEMO_ACCOUNTS = {
    "resident": "resident@example.org",
    "moderator": "moderator@example.org",
    "staff": "staff@example.org",
    "admin": "admin@example.org",
}

# GET endpoints that answer with something other than an HTML page (files, feeds, JSON) or
# only redirect; everything else in the url map is a page and is checked below.
NOT_PAGES = {
    "static",
    "healthz",
    "pages.set_language",
    "accounts.export_data",  # a ZIP; the HTML page inside it is checked as well
    "accounts.admin_role_changes",  # redirects to the audit log, filtered to role changes
    "consultations.export_csv",
    "consultations.export_geojson",
    # an <li> for live updates, checked inside its list on consultations.show (same partial)
    "consultations.idea_item",
    "media.file",
    "consultations_api.consultations",
    "consultations_api.consultation",
    "consultations_api.ideas",
    "consultations_api.openapi",
    "petitions_api.petitions",  # JSON
    "petitions_api.petition",
    "petitions_api.count",
    "petitions.export_signatures",  # CSV
    # the count block as the live updates fetch it: checked as an htmx fragment below
    "petitions.count_fragment",
    "live.stream",  # text/event-stream
    "live.poll",  # JSON
    "projects.feed_updates",
    "projects.feed_projects",
    "projects.project_feed",
    # the council's OParl API (JSON), its files (redirects or the files themselves), its calendars (.ics)
    "oparl.system",
    "oparl.bodies",
    "oparl.body_list",
    "oparl.organization_meetings",
    "oparl.object",
    "oparl.file_access",
    "oparl.file_download",
    "council.meetings_calendar",
    "council.organization_calendar",
    "council.meeting_calendar",
    "council_api.live_state",  # JSON
    # the live page's changing part as its live updates fetch it: checked as an htmx fragment below
    "council.live_state_fragment",
    "council.staff_file",  # a staff member's view of a document: the PDF itself
    "moderation.transparency_csv",  # CSV
}


@dataclass
class Demo:
    """The seeded objects the page URLs need."""

    geographic: object
    plan: object
    idea: object  # on the geographic consultation, written by a demo resident
    plan_idea: object
    answered_idea: object
    project: object  # a project with comments, updates and a location
    comment: object  # written by the resident a moment ago, so still editable
    category: object
    layer: object
    users: dict = field(default_factory=dict)
    petitions: dict = field(default_factory=dict)  # the demo petitions by state
    signature_token: str = ""  # a pending signature's confirmation link
    council: object = None  # tests.council.conftest.Council: the ids of a small council


def _petition_urls(endpoint: str, *states: str):
    """The endpoint's page for the demo petition in each of these states."""
    return lambda d: [url_for(endpoint, petition_id=d.petitions[state].id) for state in states]


def _council_urls(endpoint: str, argument: str, *names: str):
    """The endpoint's page for each of these objects of the small council (Demo.council)."""
    return lambda d: [url_for(endpoint, **{argument: getattr(d.council, name)}) for name in names]


STAFF_LISTS = ("sitzungen", "vorlagen", "gremien", "personen")  # council.staff_list's kinds

# endpoint -> (who opens it, the URLs to open); the test below fails on any GET page missing here.
PAGES = {
    "pages.home": ("anonymous", lambda d: [url_for("pages.home")]),
    "pages.imprint": ("anonymous", lambda d: [url_for("pages.imprint")]),
    "pages.privacy": ("anonymous", lambda d: [url_for("pages.privacy")]),
    "pages.terms": ("anonymous", lambda d: [url_for("pages.terms")]),
    "pages.accessibility": ("anonymous", lambda d: [url_for("pages.accessibility")]),
    "pages.easy_language": ("anonymous", lambda d: [url_for("pages.easy_language")]),
    "pages.feedback_list": ("staff", lambda d: [url_for("pages.feedback_list")]),
    "pages.staff_overview": ("staff", lambda d: [url_for("pages.staff_overview")]),
    "accounts.signup": ("anonymous", lambda d: [url_for("accounts.signup")]),
    "accounts.signup_sent": ("anonymous", lambda d: [url_for("accounts.signup_sent")]),
    "accounts.login": ("anonymous", lambda d: [url_for("accounts.login")]),
    "accounts.forgot_password": ("anonymous", lambda d: [url_for("accounts.forgot_password")]),
    "accounts.reset_password": ("anonymous", lambda d: [_reset_url(d.users["resident"])]),
    "accounts.confirm_email": ("anonymous", lambda d: [_confirm_url(d.users["unconfirmed"])]),
    "accounts.account": ("resident", lambda d: [url_for("accounts.account")]),
    "accounts.change_password": ("resident", lambda d: [url_for("accounts.change_password")]),
    "accounts.delete_account": ("resident", lambda d: [url_for("accounts.delete_account")]),
    "accounts.account_deleted": ("anonymous", lambda d: [url_for("accounts.account_deleted")]),
    "accounts.admin_users": (
        "admin",
        lambda d: [url_for("accounts.admin_users"), url_for("accounts.admin_users", q="example")],
    ),
    "accounts.admin_audit_log": (
        "admin",
        lambda d: [
            url_for("accounts.admin_audit_log"),
            url_for("accounts.admin_audit_log", action="role.changed", object_type="user", actor="admin",
                    **{"from": "2026-01-01", "to": "2026-12-31"}),
        ],
    ),
    "consultations.index": ("anonymous", lambda d: [url_for("consultations.index")]),
    "consultations.show": (
        "anonymous",
        lambda d: [url_for("consultations.show", slug=c.slug) for c in (d.geographic, d.plan)],
    ),
    "consultations.idea": (
        "anonymous",
        lambda d: [_idea_url(i) for i in (d.idea, d.plan_idea, d.answered_idea)],
    ),
    "consultations.new_idea": (
        "resident",
        lambda d: [url_for("consultations.new_idea", slug=c.slug) for c in (d.geographic, d.plan)],
    ),
    "consultations.edit_idea": (
        "idea author",
        lambda d: [url_for("consultations.edit_idea", slug=d.geographic.slug, idea_id=d.idea.id)],
    ),
    "consultations.manage": ("staff", lambda d: [url_for("consultations.manage")]),
    "consultations.create": ("staff", lambda d: [url_for("consultations.create")]),
    "consultations.edit": (
        "staff",
        lambda d: [url_for("consultations.edit", slug=c.slug) for c in (d.geographic, d.plan)],
    ),
    "consultations.change_state": (
        "staff",
        lambda d: [url_for("consultations.change_state", slug=d.geographic.slug, target="closed")],
    ),
    "consultations.delete_category": (
        "staff",
        lambda d: [
            url_for("consultations.delete_category", slug=d.geographic.slug, category_id=d.category.id)
        ],
    ),
    "consultations.add_layer": ("staff", lambda d: [url_for("consultations.add_layer", slug=d.plan.slug)]),
    "consultations.edit_layer": (
        "staff",
        lambda d: [url_for("consultations.edit_layer", slug=d.geographic.slug, layer_id=d.layer.id)],
    ),
    "consultations.delete_layer": (
        "staff",
        lambda d: [url_for("consultations.delete_layer", slug=d.geographic.slug, layer_id=d.layer.id)],
    ),
    "projects.index": ("anonymous", lambda d: [url_for("projects.index")]),
    "projects.show": ("anonymous", lambda d: [url_for("projects.show", slug=d.project.slug)]),
    "projects.manage": ("staff", lambda d: [url_for("projects.manage")]),
    "projects.create": ("staff", lambda d: [url_for("projects.create")]),
    "projects.edit": ("staff", lambda d: [url_for("projects.edit", slug=d.project.slug)]),
    "comments.thread": (
        "anonymous",
        lambda d: [url_for("comments.thread", target_type="project", target_id=d.project.id)],
    ),
    "comments.permalink": ("anonymous", lambda d: [url_for("comments.permalink", comment_id=d.comment.id)]),
    "comments.reply": ("resident", lambda d: [url_for("comments.reply", comment_id=d.comment.id)]),
    "comments.edit": ("resident", lambda d: [url_for("comments.edit", comment_id=d.comment.id)]),
    "comments.delete": ("resident", lambda d: [url_for("comments.delete", comment_id=d.comment.id)]),
    "notifications.index": ("resident", lambda d: [url_for("notifications.index")]),
    "notifications.unsubscribe": ("anonymous", lambda d: [_unsubscribe_url(d.users["resident"])]),
    "petitions.index": (
        "anonymous",
        lambda d: [url_for("petitions.index"), url_for("petitions.index", state="answered", sort="signed"),
                   url_for("petitions.index", district="Alt-West", sort="closing")],
    ),
    "petitions.show": (
        "anonymous",
        _petition_urls("petitions.show", "open", "awaiting_response", "answered", "closed", "rejected"),
    ),
    "petitions.sign": ("anonymous", _petition_urls("petitions.sign", "open")),
    "petitions.sign_sent": ("anonymous", _petition_urls("petitions.sign_sent", "open")),
    "petitions.support": (
        "anonymous", lambda d: [url_for("petitions.support", key=d.petitions["gathering"].supporter_key)]
    ),
    "petitions.confirm": ("anonymous", lambda d: [url_for("petitions.confirm", token=d.signature_token)]),
    "petitions.new": ("resident", lambda d: [url_for("petitions.new")]),
    "petitions.mine": ("resident", lambda d: [url_for("petitions.mine")]),
    "petitions.edit_draft": ("resident", _petition_urls("petitions.edit_draft", "draft")),
    "petitions.review_queue": ("staff", lambda d: [url_for("petitions.review_queue")]),
    "petitions.review": ("staff", _petition_urls("petitions.review", "in_review")),
    "petitions.manage": ("staff", lambda d: [url_for("petitions.manage")]),
    "petitions.respond": ("staff", _petition_urls("petitions.respond", "awaiting_response", "answered")),
    "petitions.paper_lists": ("staff", _petition_urls("petitions.paper_lists", "open")),
    "petitions.signatures": ("staff", _petition_urls("petitions.signatures", "open", "closed")),
    "council.meetings": (
        "anonymous",
        lambda d: [url_for("council.meetings"), url_for("council.meetings", zeitraum="vergangen"),
                   url_for("council.meetings", gremium=d.council.committee)],
    ),
    "council.calendar": (
        "anonymous", lambda d: [url_for("council.calendar"), url_for("council.calendar", monat="2026-11")]
    ),
    "council.meeting": (
        "anonymous", _council_urls("council.meeting", "meeting_id", "past_meeting", "next_meeting")
    ),
    "council.paper": ("anonymous", _council_urls("council.paper", "paper_id", "paper", "amendment")),
    "council.person": ("anonymous", _council_urls("council.person", "person_id", "person", "second_person")),
    "council.organizations": ("anonymous", lambda d: [url_for("council.organizations")]),
    "council.organization": (
        "anonymous", _council_urls("council.organization", "organization_id", "council", "committee", "group")
    ),
    # a session running with video, ticker and votes; an ended one with its recording
    "council.live_session": (
        "anonymous", _council_urls("council.live_session", "meeting_id", "next_meeting", "past_meeting")
    ),
    "council.live_console": ("staff", _council_urls("council.live_console", "meeting_id", "next_meeting")),
    "accounts.api_tokens": ("staff", lambda d: [url_for("accounts.api_tokens")]),
    # council: the staff pages (council/staff_*views.py) on the small council, one import run done
    "council.staff_overview": ("staff", lambda d: [url_for("council.staff_overview")]),
    "council.staff_list": (
        "staff",
        lambda d: [
            *(url_for("council.staff_list", kind=kind) for kind in STAFF_LISTS),
            url_for("council.staff_list", kind="vorlagen", q="gibt es nicht"),
        ],
    ),
    "council.staff_new_meeting": ("staff", lambda d: [url_for("council.staff_new_meeting")]),
    "council.staff_edit_meeting": (
        "staff", _council_urls("council.staff_edit_meeting", "object_id", "past_meeting", "next_meeting")
    ),
    "council.staff_new_agenda_item": (
        "staff", _council_urls("council.staff_new_agenda_item", "object_id", "past_meeting")
    ),
    "council.staff_edit_agenda_item": (
        "staff", _council_urls("council.staff_edit_agenda_item", "object_id", "public_item", "secret_item")
    ),
    "council.staff_new_paper": ("staff", lambda d: [url_for("council.staff_new_paper")]),
    "council.staff_edit_paper": (
        "staff", _council_urls("council.staff_edit_paper", "object_id", "paper", "amendment")
    ),
    "council.staff_new_person": ("staff", lambda d: [url_for("council.staff_new_person")]),
    "council.staff_edit_person": ("staff", _council_urls("council.staff_edit_person", "object_id", "person")),
    "council.staff_new_organization": ("staff", lambda d: [url_for("council.staff_new_organization")]),
    "council.staff_edit_organization": (
        "staff", _council_urls("council.staff_edit_organization", "object_id", "committee")
    ),
    "council.staff_new_membership": (
        "staff", lambda d: [url_for("council.staff_new_membership", person=d.council.person)]
    ),
    "council.staff_edit_membership": (
        "staff", _council_urls("council.staff_edit_membership", "object_id", "membership")
    ),
    "council.staff_upload_file": (
        "staff",
        lambda d: [url_for("council.staff_upload_file", kind=kind, object_id=getattr(d.council, name))
                   for kind, name in (("sitzungen", "past_meeting"), ("tagesordnungspunkte", "public_item"),
                                      ("vorlagen", "paper"))],
    ),
    "council.staff_edit_file": (
        "staff", _council_urls("council.staff_edit_file", "object_id", "public_file", "secret_file")
    ),
    "council.staff_delete": (
        "staff",
        lambda d: [url_for("council.staff_delete", kind="sitzungen", object_id=d.council.next_meeting),
                   url_for("council.staff_delete", kind="dokumente", object_id=d.council.public_file)],
    ),
    "council.staff_import": ("staff", lambda d: [url_for("council.staff_import")]),
    "moderation.report": (
        "anonymous",
        lambda d: [url_for("moderation.report", target_type="comment", target_id=_moderation("comment"))],
    ),
    "moderation.queue": (
        "moderator",
        lambda d: [url_for("moderation.queue"),
                   url_for("moderation.queue", sort="most_reported", reason="spam")],
    ),
    "moderation.case": ("moderator", lambda d: [url_for("moderation.case", case_id=_moderation("case"))]),
    "moderation.decision": (
        "moderator", lambda d: [url_for("moderation.decision", decision_id=_moderation("decision"))]
    ),
    "moderation.appeal": ("staff", lambda d: [url_for("moderation.appeal", appeal_id=_moderation("appeal"))]),
    "moderation.transparency_report": ("anonymous", lambda d: [url_for("moderation.transparency_report")]),
    "moderation.settings": ("staff", lambda d: [url_for("moderation.settings")]),
}


def _moderation(kind: str) -> int:
    """A demo object of moderation (seeds/moderation): a visible comment, an open case, ..."""
    from participation.comments.models import Comment
    from participation.extensions import db
    from participation.moderation.models import Appeal, Decision, ModerationCase

    query = {
        "comment": select(Comment.id).where(Comment.visibility == "visible").order_by(Comment.id),
        "case": select(ModerationCase.id).where(ModerationCase.state == "open").order_by(ModerationCase.id),
        "decision": select(Decision.id).order_by(Decision.id),
        "appeal": select(Appeal.id).order_by(Appeal.id),
    }[kind]
    found = db.session.scalar(query.limit(1))
    assert found is not None, f"the demo data should have a {kind} for moderation's pages"
    return found

# What the browser's session holds when it reaches these pages the usual way.
PAGE_SESSIONS = {"accounts.account_deleted": {"account_deleted": True}}

# The same public pages as someone signed in sees them (support, follow, comment and answer forms).
SIGNED_IN_VIEWS = [
    ("resident", "consultations.idea"),
    ("staff", "consultations.idea"),
    ("resident", "consultations.show"),
    ("resident", "projects.show"),
    ("resident", "pages.home"),
    ("resident", "petitions.show"),
    ("staff", "petitions.show"),
    ("staff", "council.meeting"),  # with the link to its staff page
    ("staff", "council.paper"),
]

# Forms sent back with their errors: (who, endpoint of the form, what is sent).
FORM_ERRORS = [
    ("anonymous", "accounts.signup", {}),
    ("anonymous", "accounts.login", {"email": "nobody@example.org", "password": "wrong"}),
    ("anonymous", "pages.accessibility", {}),
    ("resident", "accounts.account", {"display_name": ""}),
    ("resident", "consultations.new_idea", {}),
    ("staff", "consultations.create", {}),
    ("staff", "projects.create", {}),
    ("staff", "consultations.add_layer", {}),
    ("staff", "consultations.edit_layer", {"name": "", "description": "", "opacity": "2"}),
    ("anonymous", "petitions.sign", {"email": "kein-at-zeichen", "postcode": "04"}),
    ("resident", "petitions.new", {"title": "x" * 200}),
    ("staff", "petitions.paper_lists", {"signatures": "-3"}),
    ("staff", "petitions.respond", {"response": "", "response_url": "javascript:alert(1)"}),
    ("staff", "council.staff_new_meeting",
     {"name": "", "start": "2031-03-04T17:00", "end": "2031-03-04T16:00", "organizations": "1"}),
    ("staff", "council.staff_upload_file", {"name": "", "role": "auxiliary"}),
    ("staff", "council.staff_new_membership", {"person": "0", "organization": "0"}),
    ("staff", "council.staff_import", {"url": "ftp://ratsinfo.example.de/oparl"}),
    ("anonymous", "moderation.report", {"reason": "illegal", "explanation": "kurz"}),
    ("moderator", "moderation.case", {"action": "block", "rule": ""}),
]


def _idea_url(idea) -> str:
    return url_for("consultations.idea", slug=idea.consultation.slug, idea_id=idea.id)


def _reset_url(user) -> str:
    from participation.accounts.tokens import reset_token

    return url_for("accounts.reset_password", token=reset_token(user))


def _confirm_url(user) -> str:
    from participation.accounts.tokens import confirmation_token

    return url_for("accounts.confirm_email", token=confirmation_token(user))


def _unsubscribe_url(user) -> str:
    from participation.notifications.tokens import unsubscribe_token

    return url_for("notifications.unsubscribe", token=unsubscribe_token(user))


@dataclass
class Rendered:
    label: str
    html: str


class HtmxTriggers(HTMLParser):
    """The requests htmx would send from a page: forms with hx-post, links with hx-get."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.requests: list[tuple[str, str, dict]] = []  # (method, url, form data)
        self._form: tuple[str, dict] | None = None
        self._button_taken = False

    def handle_starttag(self, tag, attrs):
        attributes = {name.removeprefix("data-") if name.startswith("data-hx-") else name: value
                      for name, value in attrs}  # htmx reads data-hx-* as hx-*
        if tag == "form" and attributes.get("hx-post"):
            self._form, self._button_taken = (attributes["hx-post"], {}), False
        elif tag == "a" and attributes.get("hx-get"):
            self.requests.append(("GET", attributes["hx-get"], {}))
        elif self._form is not None and attributes.get("name"):
            data = self._form[1]
            if tag == "input" and attributes.get("type") in ("hidden", None, "text"):
                data[attributes["name"]] = attributes.get("value") or ""
            elif tag == "textarea":
                data[attributes["name"]] = ""  # empty: the fragment comes back with the error
            elif tag == "button" and not self._button_taken:
                data[attributes["name"]] = attributes.get("value") or ""
                self._button_taken = True

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.requests.append(("POST", *self._form))
            self._form = None


class Renderer:
    """Renders pages for each kind of visitor with one signed-in client per account."""

    def __init__(self, app, demo: Demo):
        self.app, self.demo = app, demo
        self.clients: dict[str, object] = {}
        self.pages: list[Rendered] = []

    def client(self, who: str):
        if who not in self.clients:
            self.clients[who] = client = self.app.test_client()
            if who != "anonymous":
                login(client, self.demo.users[who])
        return self.clients[who]

    def urls(self, endpoint: str) -> list[str]:
        with self.app.test_request_context():
            return PAGES[endpoint][1](self.demo)

    def fetch(self, who, method, url, language, *, data=None, htmx=False, expect=(200,)):
        headers = {"Accept-Language": language}
        if htmx:
            headers |= {"HX-Request": "true", "HX-Current-URL": "http://localhost/"}
        client = self.client(who)
        if method == "POST" and data is not None and "csrf_token" not in data:
            headers["X-CSRFToken"] = self.csrf(who)
        response = client.open(url, method=method, data=data, headers=headers)
        body = response.get_data(as_text=True)
        label = f"{who} {method} {url} [{language}{', htmx' if htmx else ''}] -> {response.status_code}"
        assert response.status_code in expect, label
        assert response.mimetype == "text/html", label
        return label, body

    def csrf(self, who) -> str:
        """The session's CSRF token: from the layout's meta tag, or the sign-in form for visitors."""
        page = self.client(who).get("/login" if who == "anonymous" else "/account").get_data(as_text=True)
        match = re.search(r'name="csrf-token" content="([^"]+)"', page) or re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', page
        )
        assert match, f"no CSRF token for {who}"
        return match.group(1)

    def page(self, *args, **kwargs) -> str:
        label, body = self.fetch(*args, **kwargs)
        self.pages.append(Rendered(label, body))
        return body

    def fragment(self, *args, language, **kwargs) -> None:
        label, body = self.fetch(*args, language=language, htmx=True, **kwargs)
        assert "<html" not in body, f"{label}: htmx asked for a fragment and got a whole page"
        direction = "rtl" if language == "ar" else "ltr"
        shell = (
            f'<!DOCTYPE html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
            f"<title>htmx fragment</title></head><body>{body}</body></html>"
        )
        self.pages.append(Rendered(label, shell))


def _demo(app) -> Demo:
    from participation.comments.models import Comment
    from participation.consultations.models import Category, Consultation, Idea, MapLayer, MapMode
    from participation.projects.models import Project
    from participation.seed import seed_demo
    from tests.council.conftest import make_council

    with app.test_request_context():
        seed_demo()
        council = make_council(app)
        _live_sessions(council)
        _council_import(council)
        petitions = _demo_petitions()
        signature_token = _pending_signature(petitions["open"])  # commits: before the rest is loaded
        unconfirmed = make_user(confirmed=False)
        users = {role: _one(select(User).where(User.email == email)) for role, email in DEMO_ACCOUNTS.items()}
        geographic = _one(select(Consultation).where(Consultation.map_mode == MapMode.GEOGRAPHIC.value))
        plan = _one(select(Consultation).where(Consultation.map_mode == MapMode.PLAN.value))
        ideas = select(Idea).order_by(Idea.id)
        idea = _one(ideas.where(Idea.consultation_id == geographic.id, Idea.responded_at.is_(None)))
        plan_idea = _one(ideas.where(Idea.consultation_id == plan.id))
        answered = _one(ideas.where(Idea.responded_at.is_not(None)))
        project = _one(
            select(Project)
            .join(Comment, (Comment.target_type == "project") & (Comment.target_id == Project.id))
            .where(Project.published.is_(True), Project.min_lon.is_not(None))
        )
        users["idea author"] = idea.author
        users["unconfirmed"] = unconfirmed
        demo = Demo(
            geographic=geographic,
            plan=plan,
            idea=idea,
            plan_idea=plan_idea,
            answered_idea=answered,
            project=project,
            comment=None,
            category=_one(select(Category).where(Category.consultation_id == geographic.id)),
            layer=_one(select(MapLayer).where(MapLayer.consultation_id == geographic.id)),
            users=users,
            petitions=petitions,
            signature_token=signature_token,
            council=council,
        )
        # loaded now: the objects outlive this session, and the idea URLs need their consultation
        loaded = (geographic, plan, idea, plan_idea, answered, project, *users.values(), *petitions.values())
        for obj in loaded:
            _load_all(obj)
        for each in (idea, plan_idea, answered):
            _load_all(each.consultation)
    return demo


def _demo_petitions() -> dict:
    from participation.petitions.models import Petition

    return {state.value: _one(select(Petition).where(Petition.state == state.value).order_by(Petition.id))
            for state in PetitionState}


def _pending_signature(petition) -> str:
    from participation.extensions import db
    from participation.petitions import signing
    from participation.petitions.models import NameShown

    signed = signing.sign(petition, name="Ute Berger", email="ute.berger@example.org", postcode="04177",
                          name_shown=NameShown.INITIALS)
    db.session.commit()
    return signing.confirmation_token(signed.signature_id)


def _one(statement):
    from participation.extensions import db

    found = db.session.scalars(statement.limit(1)).first()
    assert found is not None, f"the demo data has nothing for {statement}"
    return found


def _load_all(obj) -> None:
    from sqlalchemy import inspect

    for column in inspect(obj).mapper.column_attrs:
        getattr(obj, column.key)


def _write_resident_content(renderer: Renderer) -> None:
    """A fresh comment by the resident (editable for 15 minutes) and a piece of staff feedback."""
    from participation.comments.models import Comment
    from participation.extensions import db

    demo = renderer.demo
    with renderer.app.test_request_context():
        create = url_for("comments.create", target_type="idea", target_id=demo.idea.id)
        accessibility = url_for("pages.accessibility")
    response = renderer.client("resident").post(
        create,
        data={"body": "Hier fehlt eine Bank.", "csrf_token": renderer.csrf("resident")},
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    response = renderer.client("anonymous").post(
        accessibility,
        data={"message": "Der Kontrast ist zu schwach.", "csrf_token": renderer.csrf("anonymous")},
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    with renderer.app.app_context():
        resident_id = demo.users["resident"].id
        demo.comment = db.session.scalars(
            select(Comment).where(Comment.author_id == resident_id).order_by(Comment.id.desc()).limit(1)
        ).first()
        _load_all(demo.comment)


def _checker() -> list[str]:
    """The vnu command line; a clear failure when Java or the checker is not installed."""
    if shutil.which("java") is None:
        pytest.fail(
            "Java is missing: this test runs the Nu HTML checker (vnu.jar) and needs a Java runtime. "
            "`make test-tools` installs it (apt-get install default-jre-headless)."
        )
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `make install` (npm ci installs vnu-jar from package.json).")
    return ["java", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", "--stdout"]


def _validate(command: list[str], pages: list[Rendered], folder: Path) -> list[str]:
    """Run vnu once over all pages; the errors, each named by the page it is on."""
    files = {}
    for number, page in enumerate(pages):
        path = folder / f"page-{number:03d}.html"
        path.write_text(page.html, encoding="utf-8")
        files[str(path.resolve())] = page.label
    result = subprocess.run(
        [*command, *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    messages = json.loads(result.stdout)["messages"]
    errors = []
    for message in messages:
        if message["type"] not in ("error", "non-document-error"):
            continue
        page = files.get(urlsplit(message.get("url", "")).path, message.get("url", "?"))
        where = f"line {message['lastLine']}" if "lastLine" in message else ""
        errors.append(f"{page} {where}: {message['message']}  «{message.get('extract', '').strip()}»")
    return errors


def test_every_get_page_of_the_url_map_is_checked(app):
    get_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    missing = sorted(get_endpoints - set(PAGES) - NOT_PAGES)
    assert not missing, f"add these pages to PAGES (or NOT_PAGES) in {Path(__file__).name}: {missing}"
    assert not (set(PAGES) | NOT_PAGES) - get_endpoints, "PAGES names an endpoint that no longer exists"


def test_every_page_type_is_valid_html(app, upload_storage, tmp_path):
    checker = _checker()
    renderer = Renderer(app, _demo(app))
    _write_resident_content(renderer)
    for language in LANGUAGES:
        for endpoint, (who, _urls) in PAGES.items():
            for url in renderer.urls(endpoint):
                if endpoint in PAGE_SESSIONS:
                    with renderer.client(who).session_transaction() as session:
                        session.update(PAGE_SESSIONS[endpoint])
                renderer.page(who, "GET", url, language)
        for who, endpoint in SIGNED_IN_VIEWS:
            for url in renderer.urls(endpoint):
                body = renderer.page(who, "GET", url, language)
                if who == "resident" and endpoint in ("consultations.idea", "projects.show"):
                    _htmx_fragments(renderer, body, language)
        for who, endpoint, data in FORM_ERRORS:
            url = renderer.urls(endpoint)[0]
            renderer.page(who, "POST", url, language, data=data, expect=(200, 400, 422))
        _error_pages(renderer, language)
        with app.test_request_context():
            thread = url_for("comments.thread", target_type="project", target_id=renderer.demo.project.id)
        renderer.fragment("anonymous", "GET", thread, language=language)
        with app.test_request_context():
            count = url_for("petitions.count_fragment", petition_id=renderer.demo.petitions["open"].id)
        renderer.fragment("anonymous", "GET", count, language=language)
        with app.test_request_context():
            live_state = url_for("council.live_state_fragment", meeting_id=renderer.demo.council.next_meeting)
            ticker = url_for("council.live_console_ticker", meeting_id=renderer.demo.council.next_meeting)
        renderer.fragment("anonymous", "GET", live_state, language=language)
        renderer.page("staff", "POST", ticker, language, data={"ticker-text": ""}, expect=(422,))
        renderer.fragment("staff", "POST", ticker, language=language, data={"ticker-text": ""})
    _data_export(renderer)
    errors = _validate(checker, renderer.pages, tmp_path)
    assert not errors, f"{len(errors)} HTML errors on {len(renderer.pages)} pages:\n" + "\n".join(errors)


def _live_sessions(council) -> None:
    """The next meeting runs live (stream, current item, ticker, a vote by group); the past one
    has ended and has a recording with jump marks."""
    from participation.council import live_services as live
    from participation.council.live_models import LiveState, VoteOutcome
    from participation.council.models import AgendaItem, Meeting
    from participation.extensions import db

    staff = _one(select(User).where(User.email == DEMO_ACCOUNTS["staff"]))
    running = live.session_for(db.session.get(Meeting, council.next_meeting))
    live.set_media(running, staff, stream_url="https://stream.example.org/rat/index.m3u8", recording_url=None)
    live.set_state(running, LiveState.RUNNING, staff)
    item = AgendaItem(meeting_id=council.next_meeting, number="1", order=1, name="Eröffnung und Tagesordnung",
                      public=True)
    db.session.add(item)
    db.session.flush()
    live.set_current_item(running, item, staff)
    live.post_ticker(running, "Die Sitzung ist eröffnet. <b>Keine</b> Auszeichnung.", staff, item=item)
    live.record_vote(running, item, staff, yes=12, no=0, abstention=1, outcome=VoteOutcome.ADOPTED,
                     by_group=[live.GroupVote(council.group, 12, 0, 1)])
    ended = live.session_for(db.session.get(Meeting, council.past_meeting))
    live.set_state(ended, LiveState.RUNNING, staff)
    live.set_current_item(ended, db.session.get(AgendaItem, council.public_item), staff)
    live.set_state(ended, LiveState.ENDED, staff)
    live.set_media(ended, staff, stream_url=None, recording_url="https://media.example.org/rat/aufzeichnung.m3u8")
    db.session.commit()


def _council_import(council) -> None:
    """An import that staff started and that finished, with figures and warnings."""
    from participation.council.import_models import CouncilImportRun, CouncilImportState
    from participation.extensions import db

    staff = _one(select(User).where(User.email == DEMO_ACCOUNTS["staff"]))
    db.session.add_all([
        CouncilImportRun(
            source="https://ratsinfo.example.de/oparl/system", requested_by_id=staff.id, state="done",
            started_at=datetime(2026, 11, 2, 7, 0, tzinfo=UTC),
            finished_at=datetime(2026, 11, 2, 7, 4, tzinfo=UTC),
            objects={"Meeting": {"created": 2, "unchanged": 1}, "Paper": {"updated": 3}}, skipped=1,
            warnings={"lat-lon-swapped": {"count": 2, "examples": ["https://ratsinfo.example.de/oparl/location/4"]}},
            failed_lists=["https://ratsinfo.example.de/oparl/body/1/paper?page=3: HTTP 503"],
            bodies=[{"id": "https://ratsinfo.example.de/oparl/body/1", "complete": False, "since": None}],
        ),
        CouncilImportRun(source="https://kaputt.example.de/oparl", requested_by_id=staff.id, state="failed",
                         message="no OParl System at https://kaputt.example.de/oparl"),
        CouncilImportState(body_id=council.body, source="https://ratsinfo.example.de/oparl/system",
                           last_run_at=datetime(2026, 11, 2, 7, 0, tzinfo=UTC), last_run_complete=False),
    ])
    db.session.commit()


def _htmx_fragments(renderer: Renderer, page: str, language: str) -> None:
    triggers = HtmxTriggers()
    triggers.feed(page)
    assert triggers.requests, "the page has no htmx forms or links"
    for method, url, data in triggers.requests:
        renderer.fragment("resident", method, url, language=language, data=data if method == "POST" else None)


def _data_export(renderer: Renderer) -> None:
    """The HTML page inside the data export ZIP is a document a person opens too."""
    with renderer.app.test_request_context():
        url = url_for("accounts.export_data")
    response = renderer.client("resident").get(url)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        documents = [name for name in archive.namelist() if name.endswith(".html")]
        assert documents, "the data export holds no HTML page"
        for name in documents:
            renderer.pages.append(Rendered(f"resident GET {url} -> {name}", archive.read(name).decode()))


def _error_pages(renderer: Renderer, language: str) -> None:
    with renderer.app.test_request_context():
        staff_page = url_for("consultations.manage")
        vote = url_for("comments.vote", comment_id=renderer.demo.comment.id)  # POST only
        logout = url_for("accounts.logout")
    renderer.page("anonymous", "GET", "/gibt-es-nicht", language, expect=(404,))
    with renderer.app.test_request_context():
        deleted_paper = url_for("council.paper", paper_id=renderer.demo.council.deleted_paper)
    renderer.page("anonymous", "GET", deleted_paper, language, expect=(410,))
    renderer.page("resident", "GET", staff_page, language, expect=(403,))
    renderer.page("resident", "GET", vote, language, expect=(405,))
    renderer.page("resident", "POST", logout, language, data={"csrf_token": "forged"}, expect=(400,))
    renderer.page("anonymous", "GET", "/confirm/not-a-token", language, expect=(400,))
    renderer.page("anonymous", "POST", renderer.urls("accounts.login")[0], language,
                  data={"csrf_token": "stale", "email": "a@example.org"}, expect=(400, 422))
