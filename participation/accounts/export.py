"""The data export as a person receives it: a ZIP to open and read, not a database dump.

Inside: README.txt (what this is and what each file holds, in the person's language),
data.html (everything, readable in any browser, with links and the photos), data.json (the
same for programs, as readable UTF-8) and photos/ (the uploaded files themselves).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from flask import current_app, render_template
from flask_babel import force_locale

from participation.core import personal_data, uploads
from participation.core.locale import LOCALES, RTL_LOCALES, current_locale
from participation.core.models import utcnow
from participation.core.personal_data import Link, Photo
from participation.core.urls import external_url


def value_kind(value) -> str:
    """How data.html shows a value."""
    if value is None or value == "" or value == []:
        return "empty"
    if isinstance(value, Link):
        return "link"
    if isinstance(value, Photo):
        return "photo"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, list):
        return "records" if all(isinstance(item, dict) for item in value) else "list"
    if isinstance(value, dict):
        return "json" if "type" in value else "record"  # GeoJSON stays as it is
    return "text"


def build_zip(user) -> tuple[bytes, str]:
    """The export archive for `user` and its file name, in the page's language."""
    locale = current_locale()
    exported_at = utcnow()
    with force_locale(locale):
        records = personal_data.export_sections(user)
        sections = [(section, records[section.key]) for section in personal_data.sections()]
        photos, missing = _photo_files(records)
        data = {
            "exported_at": exported_at.isoformat(),
            "language": locale,
            **{key: personal_data.to_json(value) for key, value in records.items()},
        }
        context = {
            "user": user,
            "sections": sections,
            "exported_at": exported_at,
            "lang": locale,
            "dir": "rtl" if locale in RTL_LOCALES else "ltr",
            "language_name": LOCALES.get(locale, locale),
            "value_kind": value_kind,
            "missing": missing,
            "photo_count": len(photos),
            "privacy_url": external_url("pages.privacy"),
        }
        readme = render_template("accounts/export/README.txt", **context)
        html = render_template("accounts/export/data.html", **context)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr("data.html", html)
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        for path, content in photos.items():
            archive.writestr(path, content)
    return buffer.getvalue(), f"participation-data-{exported_at:%Y-%m-%d}.zip"


def _photo_files(records) -> tuple[dict[str, bytes], set[str]]:
    """The photos' bytes by their path in the ZIP, and the paths of any that are gone."""
    files: dict[str, bytes] = {}
    missing: set[str] = set()
    store = uploads.storage()
    for photo in personal_data.photos_in(list(records.values())):
        try:
            files[photo.path] = store.read(photo.key)
        except (FileNotFoundError, OSError):
            current_app.logger.warning("export: upload %s is missing", photo.key)
            missing.add(photo.path)
    return files, missing
