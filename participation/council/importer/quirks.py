"""Values as real OParl servers send them, made into what the tables hold.

Every repair is counted in the run's report under its kind, with an example, so staff can see
what a source gets wrong (../shared/oparl-real/README.md lists what was seen in the wild):
- empty strings, " " and "N/A" stand for absent values (CC e-gov, Somacos): None;
- `\\r\\n`, tabs and runs of spaces in names are one space; control characters are dropped;
  long texts keep their line breaks as `\\n`;
- timestamps with `+01::00` (Bonn ALLRIS) are mended, ones without an offset are taken as
  German local time; a date-time where a date belongs keeps the calendar day it names;
- postal codes lose a trailing NBSP or space (Sternberg);
- a 7-digit `ags` gets its lost leading zero back (the AGS has 8 digits, and the Länder
  01–09 start with 0); other lengths (Krefeld sends 9) are kept as given, with a warning;
- GeoJSON: coordinates given as strings become numbers, coordinates in lat,lon order (22 of 26
  Sternberg systems) are swapped when both are in Germany's ranges (lat 47–55.5, lon 5–15.5,
  which do not overlap, so the order is never ambiguous there); a bare geometry is wrapped in
  a Feature;
- a mime type given as an extension ("pdf", "docx") is looked up; "application/octetstream"
  is spelled right; a file size of 0 is unknown; a URL that is not http(s) is dropped.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

GERMAN_TIME = ZoneInfo("Europe/Berlin")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DOUBLE_COLON_OFFSET = re.compile(r"([+-]\d{2})::(\d{2})$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_ABSENT = {"n/a", "n.a.", "null", "none"}
GEOMETRY_TYPES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
LAT_RANGE = (47.0, 55.5)  # Germany, with a margin
LON_RANGE = (5.0, 15.5)

Warn = Callable[[str, str], None]


class Values:
    """Reads one object's attributes, repaired; `warn(kind, message)` hears of each repair."""

    def __init__(self, doc: dict, warn: Warn):
        self.doc = doc
        self.warn = warn
        self.where = str(doc.get("id", "?"))

    def _say(self, kind: str, key: str, detail: str = "") -> None:
        self.warn(kind, f"{self.where} {key}{': ' + detail if detail else ''}")

    def has(self, key: str) -> bool:
        return key in self.doc

    # -- scalars ---------------------------------------------------------------------------
    def text(self, key: str, *, multiline: bool = False) -> str | None:
        return clean_text(self.doc.get(key), lambda kind, detail="": self._say(kind, key, detail), multiline)

    def url(self, key: str, *, collapse_slashes: bool = False) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if not re.match(r"^https?://[^\s/]+", value, re.IGNORECASE) or re.search(r"\s", value):
            self._say("not-a-url", key, repr(value))
            return None
        if collapse_slashes:
            scheme, rest = value.split("://", 1)
            host, _, path = rest.partition("/")
            fixed = f"{scheme}://{host}/{re.sub(r'/{2,}', '/', path)}" if path else value
            if fixed != value:
                self._say("double-slash-in-url", key, value)
                value = fixed
        return value

    def timestamp(self, key: str) -> datetime | None:
        return parse_timestamp(self.text(key), lambda kind, detail: self._say(kind, key, detail))

    def date(self, key: str) -> date | None:
        value = self.text(key)
        if value is None:
            return None
        if len(value) > 10 and value[10] in "T ":
            self._say("datetime-for-date", key, value)
            value = value[:10]  # the calendar day as the source wrote it, in its own time zone
        try:
            return date.fromisoformat(value)
        except ValueError:
            self._say("bad-date", key, repr(value))
            return None

    def integer(self, key: str, *, positive: bool = False) -> int | None:
        raw = self.doc.get(key)
        value: int | None
        if raw is None or isinstance(raw, bool):
            value = None
        elif isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            self._say("number-as-string", key, repr(raw))
            value = int(raw.strip())
        else:
            if clean_text(raw, lambda *_: None) is not None:
                self._say("bad-number", key, repr(raw))
            value = None
        if positive and value is not None and value <= 0:
            self._say("size-not-positive", key, repr(raw))
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        raw = self.doc.get(key)
        if raw is None or isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false", "1", "0"):
            self._say("boolean-as-string", key, repr(raw))
            return raw.strip().lower() in ("true", "1")
        if isinstance(raw, int) and raw in (0, 1):
            self._say("boolean-as-number", key, repr(raw))
            return bool(raw)
        if clean_text(raw, lambda *_: None) is not None:
            self._say("bad-boolean", key, repr(raw))
        return None

    def strings(self, key: str) -> list[str]:
        raw = self.doc.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list):
            self._say("single-value-for-list", key, repr(raw)[:80])
            raw = [raw]
        values = [clean_text(item, lambda kind, detail="": self._say(kind, key, detail)) for item in raw]
        return [value for value in values if value is not None]

    def postal_code(self, key: str) -> str | None:
        raw = self.doc.get(key)
        value = self.text(key)
        if value is not None and isinstance(raw, str) and raw != value:
            self._say("postal-code-whitespace", key, repr(raw))
        return value

    def ags(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        if value.isdigit() and len(value) == 7:
            self._say("ags-leading-zero", key, f"{value} -> 0{value}")
            return "0" + value
        if not value.isdigit() or len(value) != 8:
            self._say("ags-unusual", key, f"{value!r} kept as given")
        return value

    def checksum(self, key: str, length: int) -> str | None:
        value = self.text(key)
        if value is not None and (len(value) != length or not _HEX.match(value)):
            self._say("bad-checksum", key, repr(value))
            return None
        return value.lower() if value else None

    def mime_type(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        lowered = value.lower()
        if lowered.startswith("application/octetstream"):
            self._say("mime-type-misspelt", key, value)
            return "application/octet-stream"
        if "/" not in lowered:
            guessed = mimetypes.guess_type("file." + lowered.lstrip("."))[0]
            self._say("mime-type-is-extension", key, f"{value!r} -> {guessed}")
            return guessed
        return value

    def geojson(self, key: str) -> dict | None:
        return repair_geojson(self.doc.get(key), lambda kind, detail: self._say(kind, key, detail))


def clean_text(raw, say, multiline: bool = False) -> str | None:
    """A string attribute, or None where the source means "no value"."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        say("wrong-type", repr(raw)[:80])
        return None
    if not isinstance(raw, str):
        say("number-for-text", repr(raw))
        return str(raw)
    value = raw
    if _CONTROL.search(value):
        say("control-characters", repr(value)[:80])
        value = _CONTROL.sub("", value)
    if multiline:
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        value = "\n".join(line.rstrip() for line in lines).strip()
    else:
        if "\n" in value or "\r" in value or "\t" in value:
            say("line-break-in-name", repr(value)[:80])
        value = " ".join(value.split())  # also turns NBSP and other Unicode spaces into one space
    if value == "":
        say("empty-string" if raw == "" else "blank-string", repr(raw)[:40])
        return None
    if value.lower() in _ABSENT:
        say("n/a-value", repr(raw))
        return None
    return value


def parse_timestamp(value: str | None, say) -> datetime | None:
    if value is None:
        return None
    mended = _DOUBLE_COLON_OFFSET.sub(r"\1:\2", value)
    if mended != value:
        say("timestamp-double-colon", value)
    try:
        parsed = datetime.fromisoformat(mended)
    except ValueError:
        say("bad-timestamp", repr(value))
        return None
    if len(mended) <= 10:
        say("date-for-datetime", value)
    if parsed.tzinfo is None:
        if len(mended) > 10:
            say("timestamp-without-offset", value)
        parsed = parsed.replace(tzinfo=GERMAN_TIME)
    return parsed.astimezone(UTC)


def repair_geojson(raw, say) -> dict | None:
    if raw is None or raw in ("", {}, []):
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
            say("geojson-as-string", "parsed")
        except ValueError:
            say("bad-geojson", repr(raw)[:60])
            return None
    if not isinstance(raw, dict):
        say("bad-geojson", repr(raw)[:60])
        return None
    kind = raw.get("type")
    if kind in GEOMETRY_TYPES:
        say("geometry-without-feature", str(kind))
        feature = {"type": "Feature", "geometry": raw, "properties": {}}
    elif kind == "Feature":
        feature = dict(raw)
        if feature.get("properties") is None:
            feature["properties"] = {}
    else:
        say("bad-geojson", f"type {kind!r}")
        return None
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        say("bad-geojson", "no usable geometry")
        return None
    try:
        coordinates, had_strings = _numbers(geometry.get("coordinates"))
    except (TypeError, ValueError):
        say("bad-geojson", f"coordinates {geometry.get('coordinates')!r}"[:80])
        return None
    if had_strings:
        say("coordinates-as-strings", repr(geometry.get("coordinates"))[:60])
    try:
        positions = list(_positions(coordinates))
    except ValueError:
        positions = []
    if not positions:
        say("bad-geojson", "no coordinates")
        return None
    if all(_in(p[0], LAT_RANGE) and _in(p[1], LON_RANGE) for p in positions):
        say("lat-lon-swapped", repr(positions[0]))
        coordinates = _swapped(coordinates)
    feature["geometry"] = {**geometry, "coordinates": coordinates}
    return feature


def _numbers(value) -> tuple:
    """Coordinates with every number a float; strings like "8.317490" (Somacos) are read."""
    if isinstance(value, list):
        converted = [_numbers(item) for item in value]
        return [item for item, _ in converted], any(flag for _, flag in converted)
    if isinstance(value, bool):
        raise TypeError("a boolean is no coordinate")
    if isinstance(value, int | float):
        return float(value), False
    if isinstance(value, str):
        return float(value.strip()), True
    raise TypeError(f"no coordinate: {value!r}")


def _positions(coordinates):
    """Every position of a geometry's coordinates; a position has at least two numbers."""
    if isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], float):
        if len(coordinates) < 2:
            raise ValueError("a position needs two numbers")
        yield coordinates
    elif isinstance(coordinates, list):
        for item in coordinates:
            yield from _positions(item)


def _swapped(coordinates):
    if coordinates and isinstance(coordinates[0], float):
        return [coordinates[1], coordinates[0], *coordinates[2:]]
    return [_swapped(item) for item in coordinates]


def _in(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def oparl_type(doc: dict) -> tuple[str | None, str | None]:
    """("Paper", "1.1") from "https://schema.oparl.org/1.1/Paper"; (None, None) without a type."""
    raw = doc.get("type")
    if not isinstance(raw, str):
        return None, None
    match = re.match(r"^https?://schema\.oparl\.org/(\d+(?:\.\d+)*)/(\w+)/?$", raw.strip())
    if match is None:
        return raw.rstrip("/").rsplit("/", 1)[-1] or None, None
    return match.group(2), match.group(1)
