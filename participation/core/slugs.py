"""Readable, unique URL names from titles: "Karl-Heine-Straße neu" -> "karl-heine-strasse-neu"."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from participation.extensions import db

MAX_LENGTH = 60
# German spelling without umlauts ("Wünsche" -> "Wuensche"), not the bare vowel that
# stripping the diaeresis would leave ("Wunsche" is another word).
GERMAN_TRANSLITERATION = str.maketrans({
    "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS",
})


def slugify(text: str, fallback: str) -> str:
    # NFC first, so an umlaut typed as a vowel plus a combining diaeresis is found as well
    text = unicodedata.normalize("NFC", text).translate(GERMAN_TRANSLITERATION)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_LENGTH].rstrip("-") or fallback


def unique_slug(model, title: str, *, fallback: str, exclude_id: int | None = None) -> str:
    """The title's slug, numbered ("-2", "-3", …) while another row of `model` has it."""
    base = slugify(title, fallback)
    slug, number = base, 2
    while True:
        query = select(model.id).where(model.slug == slug)
        if exclude_id is not None:
            query = query.where(model.id != exclude_id)
        if db.session.scalar(query) is None:
            return slug
        slug, number = f"{base}-{number}", number + 1
