"""Whole pages for signed-in visitors, rendered once per kind of viewer with holes for what is theirs.

A signed-in person's page differs from the next person's in a few places only: the CSRF
tokens, the CSP nonce, the header's unread count and live cursor, the follow button, the
comment section (their votes, their own comments). A view decorated with
`@cached_for_viewers(groups)` is rendered once per path and query, language, data versions of
`groups` (core.data_versions) and kind of viewer (the role, a confirmed address, a block:
what templates branch on), for a stand-in of that kind who owns nothing (`user.stand_in()`,
id 0), and kept. Markers stand where a viewer's parts go; each request fills them:

- the CSRF token (the stand-in's `g.csrf_token` is a marker) and the CSP nonce;
- the holes templates ask for with `viewer_hole(name, *args)` when `viewer_page_shared()`:
  features name what fills them in init_app (`fills("comment-threads", render)`), a
  function of the args that renders that part for the current viewer (text, or bytes in
  UTF-8 for a large part: the page is kept encoded, so the request encodes only what is
  the viewer's own); a fill that reads an entry of the shared cache kept for the viewer
  names its key (`reads=`), and the page fetches it with the choices in one round trip;
- the choices templates write with `viewer_choice(name, *args, yes=..., no=...)`: every
  variant is rendered into the kept page, and `chooses(name, choose, groups)` names what
  picks one for the viewer (`choose([args, ...])` gives a variant's name for each choice of
  the page at once: one query for the supports of twenty ideas). What a viewer's choices came
  to is kept for them (one round trip for all of a page's) until a table of the choosers'
  `groups` is written to: a page with support and follow buttons then asks the database
  nothing of its own.

Only what is the same for every viewer of a kind is kept: a plain GET (no htmx fragment),
nothing waiting in the session (no flashed message, no news; such a page is rendered for
the viewer alone, as before), no query arguments but those the view names; the stand-in's
answer must be a 200 HTML page that wrote nothing to the session. A page that shows its
owner something else (an idea's author may edit it) names them while it is rendered
(`owned_by(user_id)`): it is rendered for them alone.

Markers are NUL-delimited: no template writes a NUL and no stored text holds one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Response, g, make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from participation.core import data_versions, standalone_reads
from participation.core.anonymous_pages import (
    CSRF_PLACEHOLDER,
    HARMLESS_SESSION_KEYS,
    KEPT_HEADERS,
    NONCE_PLACEHOLDER,
    plain_page_request,
)
from participation.core.locale import current_locale
from participation.core.process_memo import ProcessMemo
from participation.core.security import csp_nonce
from participation.extensions import cache

DEFAULT_SECONDS = 60
_HOLE = re.compile("\x00(csrf|csp-nonce|hole:[0-9]+)\x00")
# A signed-in person's session holds Flask-Login's key as well; anything else (a flashed
# message, comment news, a sign-up in progress) makes the page that person's own.
_SIGNED_IN_SESSION_KEYS = HARMLESS_SESSION_KEYS | {"_user_id", "_remember", "_remember_seconds"}
_HOLES_KEY = "viewer_page_holes"  # in g while the stand-in's page is rendered
_OWNERS_KEY = "viewer_page_owners"  # and who owns something on it
_READ_KEY = "viewer_page_read"  # in g while a kept page is filled: cache entries fetched for its fills

_FILLS: dict[str, Callable[..., str | bytes]] = {}
_READS: dict[str, Callable[..., str | None]] = {}  # hole -> the key of the cache entry its fill reads
_CHOOSERS: dict[str, Callable[[list[tuple]], list[str]]] = {}
_CHOOSER_GROUPS: dict[str, tuple[str, ...]] = {}  # the data a chooser's answers depend on


def fills(
    name: str, fill: Callable[..., str | bytes], *, reads: Callable[..., str | None] | None = None
) -> None:
    """`fill(*args)` renders the viewer's part where a template wrote `viewer_hole(name, *args)`;
    `reads(*args)`, if given, is the key of the shared-cache entry it will read (see `read`)."""
    _FILLS[name] = fill
    if reads is not None:
        _READS[name] = reads


def read(key: str) -> tuple[bool, Any]:
    """For fills: (whether the page fetched the cache entry `key` for them, its value)."""
    fetched = g.get(_READ_KEY)
    if fetched is None or key not in fetched:
        return False, None
    return True, fetched[key]


def chooses(name: str, choose: Callable[[list[tuple]], list[str]], groups: Iterable[str]) -> None:
    """`choose([args, ...])`: the variant each `viewer_choice(name, *args, ...)` of a page
    shows; its answers for a viewer stay true until a table of `groups` is written to."""
    _CHOOSERS[name] = choose
    _CHOOSER_GROUPS[name] = tuple(groups)


def owned_by(*user_ids: int | None) -> None:
    """For views: the page being kept shows these people something of their own."""
    if _OWNERS_KEY in g:
        g.get(_OWNERS_KEY).update(user_id for user_id in user_ids if user_id is not None)


def viewer_page_shared() -> bool:
    """For templates: whether the page is being rendered for everybody of a kind (write holes)."""
    return _HOLES_KEY in g


def viewer_hole(name: str, *args: Any) -> Markup:
    """For templates: a marker where the viewer's part `name` goes (see `fills`)."""
    if name not in _FILLS:
        raise LookupError(f"nothing fills the viewer hole {name!r}")
    holes = g.get(_HOLES_KEY)
    holes.append((name, args))
    return Markup(f"\x00hole:{len(holes) - 1}\x00")  # noqa: S704 - an integer


def viewer_choice(name: str, *args: Any, **variants: str) -> Markup:
    """For templates: a marker where one of `variants` goes, as the chooser `name` picks for the viewer."""
    if name not in _CHOOSERS:
        raise LookupError(f"nothing chooses for the viewer choice {name!r}")
    holes = g.get(_HOLES_KEY)
    holes.append((name, args, {key: str(value) for key, value in variants.items()}))
    return Markup(f"\x00hole:{len(holes) - 1}\x00")  # noqa: S704 - an integer


def cached_for_viewers(
    groups: Iterable[str],
    *,
    args: Iterable[str] = (),
    seconds: int = DEFAULT_SECONDS,
):
    """Keep the view's page for signed-in viewers of each kind until a table of `groups` is
    written to or `seconds` pass, with the viewer's parts filled in per request. `args`: the
    query arguments that make a different page (others: not kept)."""
    group_names = tuple(groups)
    allowed_args = frozenset(args)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*view_args, **view_kwargs):
            if not _plain_viewer_request(allowed_args):
                return view(*view_args, **view_kwargs)
            found = data_versions.versions_by_group((*group_names, *_all_chooser_groups()))
            key = _key(group_names, found)
            kept = _look_up(key)
            if kept is None:
                kept = _render_shared(view, view_args, view_kwargs)
                if kept is None:  # not the same for everybody of the kind: the viewer's own page
                    return view(*view_args, **view_kwargs)
                cache.set(key, kept, timeout=seconds)
                _keep_here(key, kept)
            if current_user.id in kept["owners"]:
                return view(*view_args, **view_kwargs)
            return _answer(kept, key, found, seconds)

        return wrapper

    return decorate


def _plain_viewer_request(allowed_args: frozenset[str]) -> bool:
    if not plain_page_request(allowed_args):
        return False
    # Such a page only reads: the sign-in lookup (the request's first statement) and what the
    # page reads after it run without BEGIN and ROLLBACK, two of its three round trips.
    standalone_reads.without_transaction()
    if not current_user.is_authenticated or not hasattr(current_user, "stand_in"):
        return False
    return not session.modified and set(session.keys()).issubset(_SIGNED_IN_SESSION_KEYS)


def _all_chooser_groups() -> tuple[str, ...]:
    return tuple(group for groups in _CHOOSER_GROUPS.values() for group in groups)


def _key(groups: tuple[str, ...], found: dict[str, str]) -> str:
    versions = ".".join(found[group] for group in groups)
    return (
        f"viewer-page:{_FORMAT}:{request.script_root}{request.full_path}:{current_locale()}"
        f":{current_user.page_kind}:{versions}"
    )


# How a kept page is stored (2: its text in UTF-8): part of the key, so that a process of
# the new code never reads what one of the old code left in the shared cache.
_FORMAT = 2
_HERE = ProcessMemo(64)


def _look_up(key: str) -> dict | None:
    kept = _HERE.get(key)
    if kept is None:
        kept = cache.get(key)
        if kept is not None:
            _keep_here(key, kept)
    return kept


def _keep_here(key: str, kept: dict) -> None:
    if "none" not in key.rsplit(":", 1)[-1].split("."):  # NullCache's versions never move on
        _HERE.put(key, kept)


def _render_shared(view: Callable, view_args: tuple, view_kwargs: dict) -> dict | None:
    """The page as the stand-in of the viewer's kind sees it, split at its markers; None when
    it is not a page to keep (an error, a redirect, a write to the session)."""
    viewer = current_user._get_current_object()
    had_token = "csrf_token" in g
    token = g.get("csrf_token")
    g._login_user = viewer.stand_in()
    g.csrf_token = CSRF_PLACEHOLDER
    holes: list = []
    owners: set[int] = set()
    setattr(g, _HOLES_KEY, holes)
    setattr(g, _OWNERS_KEY, owners)
    try:
        response = make_response(view(*view_args, **view_kwargs))
    except Exception:  # noqa: BLE001 - the viewer's own render shows (or raises) it
        return None
    finally:
        g._login_user = viewer
        g.pop(_HOLES_KEY, None)
        g.pop(_OWNERS_KEY, None)
        if had_token:
            g.csrf_token = token
        else:
            g.pop("csrf_token", None)
    if not (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not session.modified
        and "Set-Cookie" not in response.headers
    ):
        return None
    body = response.get_data(as_text=True)
    parts = _split(body, g.get("csp_nonce"), holes)
    choices: dict[str, list[tuple]] = {}  # name -> the args of its choices, in the page's order
    for part in parts:
        if part.__class__ is tuple and len(part) == 3:
            choices.setdefault(part[0], []).append(part[1])
    return {
        "parts": parts,
        "choices": choices,
        "reads": [part for part in parts if part.__class__ is tuple and len(part) == 2 and part[0] in _READS],
        "owners": owners,
        "headers": [(name, value) for name, value in response.headers.items() if name in KEPT_HEADERS],
        "media": list(g.get("csp_media_origins") or ()),
    }


def _split(html: str, nonce: str | None, holes: list) -> list:
    """Text and markers in turn: a marker as (name, args) or, for a choice, (name, args,
    {variant: its parts})."""
    if nonce:
        html = html.replace(nonce, NONCE_PLACEHOLDER)
    parts: list = []
    for index, piece in enumerate(_HOLE.split(html)):
        if index % 2 == 0:
            parts.append(piece.encode())
        elif piece.startswith("hole:"):
            hole = holes[int(piece[5:])]
            if len(hole) == 3:
                name, args, variants = hole
                hole = (name, args, {key: _split(value, nonce, []) for key, value in variants.items()})
            parts.append(hole)
        else:
            parts.append((piece, ()))
    return parts


def _answer(kept: dict, key: str, found: dict[str, str], seconds: int) -> Response:
    chosen = {name: iter(variants) for name, variants in _viewer_choices(kept, key, found, seconds).items()}
    out: list[bytes] = []
    try:
        _fill(kept["parts"], out, {}, chosen)
    finally:
        g.pop(_READ_KEY, None)
    if kept["media"]:
        g.csp_media_origins = list(kept["media"])
    return Response(b"".join(out), status=200, headers=kept["headers"])


def _viewer_choices(kept: dict, key: str, found: dict[str, str], seconds: int) -> dict[str, list[str]]:
    """The variant of each choice on the page for the viewer: kept for them under the
    versions of what the choosers read, else asked of the choosers. The cache entries the
    page's fills read come in the same round trip."""
    reads = [_READS[name](*args) for name, args in kept.get("reads", ())]
    reads = [read_key for read_key in reads if read_key is not None]
    names = sorted(kept["choices"])
    mine_key = None
    if names:
        versions = ".".join(found[group] for name in names for group in _CHOOSER_GROUPS[name])
        mine_key = f"viewer-choices:{current_user.id}:{versions}:{key}"
    keys = [mine_key, *reads] if mine_key else reads
    fetched = dict(zip(keys, cache.get_many(*keys), strict=True)) if keys else {}
    g.setdefault(_READ_KEY, {}).update((read_key, fetched[read_key]) for read_key in reads)
    if not names:
        return {}
    chosen = fetched[mine_key]
    if chosen is None:
        chosen = {name: list(_CHOOSERS[name](kept["choices"][name])) for name in names}
        cache.set(mine_key, chosen, timeout=seconds)
    return chosen


def _fill(parts: list, out: list[bytes], marks: dict, chosen: dict) -> None:
    for part in parts:
        if part.__class__ is bytes:
            out.append(part)
            continue
        name = part[0]
        if name == "csrf" or name == "csp-nonce":
            if name not in marks:
                marks[name] = (str(escape(generate_csrf())) if name == "csrf" else csp_nonce()).encode()
            out.append(marks[name])
        elif len(part) == 3:
            _fill(part[2][next(chosen[name])], out, marks, chosen)
        else:
            filled = _FILLS[name](*part[1])
            out.append(filled if filled.__class__ is bytes else str(filled).encode())
