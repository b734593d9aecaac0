"""Registry of things residents can comment on and follow: projects, ideas, later petitions.

A content type registers itself once with a `TargetType`; comments, follows and
notifications then refer to it as (target_type, target_id) and never import the package
that owns it. Adding a new commentable or followable type is one `register()` call in its `init_app`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import g, has_request_context


def _always(*_args) -> bool:
    return True


def _never(*_args) -> bool:
    return False


def _nobody(_obj) -> list[int]:
    return []


def _nowhere(_obj) -> None:
    return None


@dataclass(frozen=True)
class TargetType:
    """How the generic features talk to one content type.

    key: the stored name ("project", "idea"); never change it once rows use it.
    load: id -> object or None.
    title, url: object -> its title, its path on this site.
    can_view: (object, user) -> whether the user may see it (and so its comments).
    is_open: object -> whether new comments and votes are accepted (reading always is).
    stances: object -> whether comments may take a stance (for / neutral / against).
    authors: object -> ids of the users who wrote it; they follow it without asking.
    commentable, followable: which generic features the type takes part in.
    """

    key: str
    load: Callable[[int], Any]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    can_view: Callable[[Any, Any], bool] = _always
    is_open: Callable[[Any], bool] = _always
    stances: Callable[[Any], bool] = _never
    authors: Callable[[Any], Iterable[int]] = _nobody
    commentable: bool = True
    followable: bool = True
    label: Any = field(default="")  # a (lazy) name for the kind of thing, for screen readers
    # the endpoint of its public page and the argument holding its id, so that a link to the
    # page (a petition's response pointing to a council paper) can be named by its title
    page: tuple[str, str] | None = None
    # for a page addressed by slug: slug -> the object's id (or None)
    id_for_slug: Callable[[str], int | None] | None = None
    # the (key, id) of what the object belongs to, such as an idea's consultation: a setting
    # made there (pre-moderation) covers the comments on the object too
    within: Callable[[Any], tuple[str, int] | None] = _nowhere


@dataclass(frozen=True)
class Target:
    """One registered object, loaded: what comment and follow views work with."""

    type: TargetType
    id: int
    obj: Any

    @property
    def key(self) -> str:
        return self.type.key

    @property
    def title(self) -> str:
        return self.type.title(self.obj)

    @property
    def url(self) -> str:
        return self.type.url(self.obj)

    @property
    def is_open(self) -> bool:
        return bool(self.type.is_open(self.obj))

    @property
    def stances(self) -> bool:
        return bool(self.type.stances(self.obj))

    def can_view(self, user) -> bool:
        return bool(self.type.can_view(self.obj, user))

    def scopes(self) -> list[tuple[str, int]]:
        """Where new comments on it are written: the object itself and what it belongs to."""
        parent = self.type.within(self.obj)
        return [(self.key, self.id), *([parent] if parent else [])]

    def author_ids(self) -> set[int]:
        return {int(i) for i in self.type.authors(self.obj) if i is not None}


_types: dict[str, TargetType] = {}


def register(target_type: TargetType) -> TargetType:
    _types[target_type.key] = target_type
    return target_type


def registered() -> dict[str, TargetType]:
    return dict(_types)


def resolve(key: str, target_id: int) -> Target | None:
    """The registered object, or None for an unknown type or a missing object."""
    target_type = _types.get(key)
    if target_type is None:
        return None
    obj = target_type.load(target_id)
    if obj is None:
        return None
    if has_request_context():
        # held for the request: the session's identity map keeps objects only while they are
        # referenced, and a page's parts (its follow button, its comments) resolve it again
        g.setdefault("resolved_targets", []).append(obj)
    return Target(target_type, target_id, obj)


def resolve_link(url: str | None, base_url: str = "") -> Target | None:
    """The registered object whose public page `url` is (a path on this site, or an absolute
    address below `base_url`), or None: for other sites, other pages, missing objects."""
    from flask import current_app
    from werkzeug.exceptions import HTTPException

    url = (url or "").strip()
    base = base_url.rstrip("/")
    if base and url.startswith(base + "/"):
        url = url[len(base):]
    if not url.startswith("/") or url.startswith("//"):
        return None
    try:
        endpoint, arguments = current_app.url_map.bind("").match(url.split("?", 1)[0].split("#", 1)[0])
    except HTTPException:
        return None
    for target_type in _types.values():
        if target_type.page and target_type.page[0] == endpoint:
            target_id = arguments.get(target_type.page[1])
            if isinstance(target_id, str) and target_type.id_for_slug is not None:
                target_id = target_type.id_for_slug(target_id)
            return resolve(target_type.key, target_id) if isinstance(target_id, int) else None
    return None
