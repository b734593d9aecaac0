"""Input every route shares, checked once before any view or query sees it.

- NUL bytes: no text the platform stores or looks up may hold one (PostgreSQL refuses them
  in text, and no person types one), so a request with a NUL byte in its path, query string
  or form is answered 400 before routing goes further.
- Integers in URLs: every `<int:...>` in a route is a row id. The factory bounds Flask's
  `int` converter to 1 .. 2^31-1, the range of the INTEGER id columns (PostgreSQL casts a
  parameter compared with them to INTEGER and fails beyond it; SQLite fails beyond 2^63),
  so a larger number names no row and answers 404.
- Integers in query strings go through `int_arg`/`parse_int`, which accept ASCII digits only
  (`"²".isdigit()` is true, `int("²")` fails) and the same bounds.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest id an INTEGER primary key holds on PostgreSQL
_DIGITS = re.compile(r"[0-9]{1,19}")  # no integer the database takes has more digits


class DatabaseIdConverter(IntegerConverter):
    """Flask's `int` converter bounded to what an id column can hold: 1 .. MAX_ID."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_int(value: str | None, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """The integer written in ASCII digits in `value`, or None when it is none or out of bounds."""
    if value is None or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None


def int_arg(name: str, default: int | None = None, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A query-string integer of this request, or `default` when absent or malformed."""
    number = parse_int(request.args.get(name), minimum=minimum, maximum=maximum)
    return default if number is None else number


def has_nul(request_) -> bool:
    if "\x00" in request_.path:
        return True
    for values in (request_.args, request_.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return True
    return any("\x00" in (upload.filename or "") for upload in request_.files.values())


def refuse_nul_bytes() -> None:
    """before_request hook: 400 for a NUL byte anywhere a view could read text from."""
    if has_nul(request):
        abort(400)


def init_app(app: Flask) -> None:
    """Install the bounded converter (before any route is added) and the NUL check (before
    every other before_request hook)."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(refuse_nul_bytes)
