"""The map's ideas one by one, as GeoJSON feature text: the answer to most street-sized boxes.

A listed view sends up to CLUSTER_ABOVE features, so it is written without ORM objects,
dicts or JSON decoding of stored geometries: category names and the idea URL are encoded
once per answer, the rest goes into a fixed template. On PostgreSQL the database writes the
text itself (format() and string_agg over the ideas in view), and so does SQLite (printf(),
json_quote() and group_concat()): one row travels instead of hundreds and Python formats
nothing. Both give the same features in the same order (by id), with the support count of each.

RFC 7946 reads every `geometry` as WGS 84, so on a plan-only consultation a feature's
`geometry` is null and its position in pixels of the plan is `properties.plan_geometry`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from string import Formatter

from flask import url_for
from sqlalchemy import Integer, Select, Text, bindparam, cast, func, literal, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from participation.consultations.models import Category, Consultation, Idea, Support
from participation.core import compiled_statements
from participation.extensions import db

dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# One feature; each {…} stands as a %s of PostgreSQL's format() or SQLite's printf().
# Status is one of a fixed list of plain words and goes in as it is; titles and category names
# are always JSON-encoded (to_json, json_quote). Colours and status labels are the same for many
# ideas and travel once, in the collection's properties (queries.legend).
_FEATURE = (
    '{{"type":"Feature","id":{id},"geometry":{geometry},"properties":{{"id":{id},'
    '"cluster":false,"title":{title},"category":{category},"category_id":{category_id},'
    '"status":"{status}","supports":{supports},"created":"{created}","url":{url}{id}"{extra}}}}}'
)


def features(
    consultation: Consultation,
    make_query: Callable[[], Select],
    limit: int,
    *,
    shape: Hashable | None = None,
    values: dict | None = None,
) -> tuple[int, str] | None:
    """(how many, the features as JSON text) of the ideas the select `make_query()` makes, or
    None when more than `limit` do (the view is then clustered).

    A query written with bind parameters (`values` gives them) and named by its `shape` is
    the same for every view of that shape: its statement is made and compiled once per
    process (core.compiled_statements), since that cost more than running it."""
    url = dumps(url_for("consultations.idea", slug=consultation.slug, idea_id=0)[:-1])[:-1]
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    plan = consultation.is_plan
    values = {
        **(values or {}), "url": url, "limit": limit + 1,
        "template": _template(plan) if postgresql else _printf_template(plan),
    }

    def build():
        return _by_postgresql(make_query()) if postgresql else _by_sqlite(make_query(), plan)

    connection = db.session.connection()
    if shape is None:
        result = connection.execute(build(), values)
    else:
        result = compiled_statements.run(connection, ("map-features", postgresql, shape), build, values)
    count, text = result.one()
    return None if count > limit else (count, text or "")


def _by_sqlite(query, plan: bool):
    # supports counted in the same query, by a join: a count per row was half its time, and a
    # second query with hundreds of ids in an IN list cost more than the first
    columns = (Idea.id, Idea.title, Idea.category_id, Idea.status, iso_utc(Idea.created_at).label("created"),
               cast(Idea.geometry, Text).label("geometry"), func.count(Support.id).label("supports"))
    listed = query.with_only_columns(*columns).outerjoin(Support, Support.idea_id == Idea.id)
    # Stopping one row past the limit: a busy area is then clustered instead.
    ideas = listed.group_by(Idea.id).order_by(Idea.id).limit(bindparam("limit", type_=Integer)).subquery()
    name = func.json_quote(Category.name)
    category = select(name).where(Category.id == ideas.c.category_id).scalar_subquery()
    filled_in = {
        "id": ideas.c.id, "geometry": ideas.c.geometry,
        "title": func.json_quote(ideas.c.title), "category": func.coalesce(category, "null"),
        "category_id": func.coalesce(ideas.c.category_id, "null"), "status": ideas.c.status,
        "supports": ideas.c.supports, "created": ideas.c.created, "url": bindparam("url", type_=Text),
        "extra": ideas.c.geometry,
    }
    feature = func.printf(bindparam("template", type_=Text),
                          *(filled_in[name] for name in _printf_fields(plan)))
    # group_concat() takes the rows in the subquery's order: its GROUP BY and LIMIT keep
    # SQLite from flattening it into this one
    return select(func.count(), func.group_concat(feature, ",")).select_from(ideas)


def _printf_fields(plan: bool) -> list[str]:
    # printf() has no positional arguments: the values go in the order the template uses them
    # (a plan's feature has a null geometry and its position in "extra")
    unused = "geometry" if plan else "extra"
    fields = (name for _text, name, _spec, _conversion in Formatter().parse(_FEATURE))
    return [name for name in fields if name and name != unused]


def _printf_template(plan: bool) -> str:
    escaped = _FEATURE.replace("%", "%%")
    return escaped.format(
        id="%s", geometry="null" if plan else "%s", title="%s", category="%s", category_id="%s",
        status="%s", supports="%s", created="%s", url="%s", extra=',"plan_geometry":%s' if plan else "",
    )


def _template(plan: bool) -> str:
    return _FEATURE.format(  # format()'s arguments by position
        id="%1$s", geometry="null" if plan else "%2$s", title="%3$s", category="%4$s",
        category_id="%5$s", status="%6$s", supports="%7$s", created="%8$s", url="%9$s",
        extra=',"plan_geometry":%2$s' if plan else "",
    )


def _by_postgresql(query):
    ideas = query.with_only_columns(
        Idea.id, Idea.title, Idea.category_id, Idea.status, Idea.created_at, Idea.geometry
    ).limit(bindparam("limit", type_=Integer)).subquery()
    name = cast(func.to_json(Category.name), Text)
    category = select(name).where(Category.id == ideas.c.category_id).scalar_subquery()
    supports = select(func.count()).where(Support.idea_id == ideas.c.id).scalar_subquery()
    feature = func.format(
        bindparam("template", type_=Text), ideas.c.id, cast(ideas.c.geometry, Text),
        cast(func.to_json(ideas.c.title), Text), func.coalesce(category, "null"),
        func.coalesce(cast(ideas.c.category_id, Text), "null"), ideas.c.status, supports,
        iso_utc(ideas.c.created_at), bindparam("url", type_=Text),
    )
    text_of_all = func.string_agg(feature, aggregate_order_by(literal(","), ideas.c.id))
    return select(func.count(), text_of_all).select_from(ideas)


class iso_utc(FunctionElement):
    """A UTC timestamp column as RFC 3339 text ("2026-11-23T18:52:26Z"), formatted by the database."""

    type = Text()
    inherit_cache = True


@compiles(iso_utc)
def _iso_utc_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {compiler.process(element.clauses, **kw)})"


@compiles(iso_utc, "postgresql")
def _iso_utc_postgresql(element, compiler, **kw):
    column = compiler.process(element.clauses, **kw)
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
