"""Whole pages for visitors who are not signed in, kept until the data they show changes.

Most visitors of a public service never sign in, and for them a page is the same for
everybody who reads it in the same language: rendering it again for each of them (the
layout, the navigation, a long agenda) cost most of a request. A view decorated with
`@cached_for_anonymous(groups)` answers such a visitor from the shared cache; the entry's key
holds the versions of the table groups the page shows (core.data_versions), so any committed
change to them is seen at once, and a short lifetime bounds what only time changes
("upcoming" turning "past").

Only a page that is really the same for everybody is kept or served:
- the request is a plain GET (no htmx fragment), from a browser with no sign-in (no remember
  cookie, a session naming nobody) and nothing waiting for it (no flashed message or news in
  its session), with no query arguments but those the view names;
- the answer is a 200 HTML page that put no CSRF token in the page and wrote nothing to the
  session (so no form and no message for one visitor ends up in another's page).
The page's CSP nonce is stored as a placeholder and every answer gets a fresh one. A view that
shows a form to everybody alike (the sign-in page) says `forms=True`: its page is rendered
with a placeholder for the CSRF token, and every answer gets the visitor's own token (which
starts their session, as the form would have).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from flask import Response, current_app, g, make_response, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from participation.core import data_versions
from participation.core.locale import LOCALE_SESSION_KEY, current_locale
from participation.core.security import csp_nonce
from participation.extensions import cache

DEFAULT_SECONDS = 60
NONCE_PLACEHOLDER = "\x00csp-nonce\x00"  # no template writes a NUL, so it cannot clash
CSRF_PLACEHOLDER = "\x00csrf\x00"
# What an anonymous visitor's session may hold without changing the page: the chosen
# language (part of the key), a CSRF token from a form seen earlier (pages with a form are
# never kept), Flask-Login's bookkeeping. Anything else (a flashed message, comment news, a
# user id) makes the page that visitor's own.
HARMLESS_SESSION_KEYS = frozenset({LOCALE_SESSION_KEY, "csrf_token", "_fresh", "_id", "_permanent"})
KEPT_HEADERS = ("Content-Type", "Vary", "Content-Language", "Cache-Control")


def cached_for_anonymous(
    groups: Iterable[str], *, args: Iterable[str] = (), seconds: int = DEFAULT_SECONDS, forms: bool = False
):
    """Keep the view's page for anonymous visitors until a table of `groups` is written to or
    `seconds` pass. `args`: the query arguments that make a different page (others: not kept);
    `forms`: the page's forms are the same for everybody but for their CSRF token."""
    group_names = tuple(groups)
    allowed_args = frozenset(args)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*view_args, **view_kwargs):
            if not _plain_anonymous_request(allowed_args):
                return view(*view_args, **view_kwargs)
            key = _key(group_names)
            kept = cache.get(key)
            if kept is not None:
                return _answer(kept)
            if forms and "csrf_token" not in g:
                g.csrf_token = CSRF_PLACEHOLDER  # what generate_csrf() hands the templates
            response = make_response(view(*view_args, **view_kwargs))
            rendered_with_placeholder = g.get("csrf_token") == CSRF_PLACEHOLDER
            if rendered_with_placeholder:
                g.pop("csrf_token")
            if _same_for_everybody(response):
                entry = _entry(response)
                cache.set(key, entry, timeout=seconds)
                return _answer(entry) if rendered_with_placeholder else response
            if rendered_with_placeholder and not response.direct_passthrough:
                response.set_data(response.get_data(as_text=True).replace(CSRF_PLACEHOLDER, _token()))
            return response

        return wrapper

    return decorate


def plain_page_request(allowed_args: frozenset[str]) -> bool:
    """A plain GET of a whole page (no htmx fragment) with no query arguments but `allowed_args`:
    what a kept page may answer, for visitors (here) and signed-in viewers (core.viewer_pages)."""
    return (
        request.method == "GET"
        and not request.headers.get("HX-Request")
        and set(request.args).issubset(allowed_args)
    )


def _plain_anonymous_request(allowed_args: frozenset[str]) -> bool:
    if not plain_page_request(allowed_args):
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return False
    return set(session.keys()).issubset(HARMLESS_SESSION_KEYS)


def _key(groups: tuple[str, ...]) -> str:
    arguments = "&".join(f"{name}={value}" for name, value in sorted(request.args.items(multi=True)))
    versions = data_versions.versions(groups) if groups else ""
    return f"anonymous-page:{request.path}?{arguments}:{current_locale()}:{versions}"


def _same_for_everybody(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and "csrf_token" not in g
        and not session.modified
        and "Set-Cookie" not in response.headers
    )


def _entry(response: Response) -> dict:
    body = response.get_data(as_text=True)
    nonce = g.get("csp_nonce")
    return {
        "body": body.replace(nonce, NONCE_PLACEHOLDER) if nonce else body,
        "headers": [(name, value) for name, value in response.headers.items() if name in KEPT_HEADERS],
        "media": list(g.get("csp_media_origins") or ()),
        "nonce": bool(nonce),
        "forms": CSRF_PLACEHOLDER in body,
    }


def _token() -> str:
    return str(escape(generate_csrf()))


def _answer(kept: dict) -> Response:
    body = kept["body"]
    if kept["nonce"]:
        body = body.replace(NONCE_PLACEHOLDER, csp_nonce())
    if kept.get("forms"):  # this visitor's own token (stored in their session)
        body = body.replace(CSRF_PLACEHOLDER, _token())
    if kept["media"]:
        g.csp_media_origins = list(kept["media"])  # the page's video host, for its CSP
    return Response(body, status=200, headers=kept["headers"])
