"""The public parts of the council's busiest pages, rendered once per language and kept until
the council's data changes.

A Ratsversammlung's page lists sixty agenda items with their papers and hundreds of document
links: 70 ms to load and render, the same for every visitor. The meeting and paper pages keep
those parts (what depends on who looks, such as the follow button, the staff links and the
live section, stays outside) in the shared cache under the version of the council's tables
(core.data_versions: any committed write to a council_ table moves it on).
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from participation.core import data_versions
from participation.core.locale import current_locale
from participation.extensions import cache

GROUP = "council"
TIMEOUT_SECONDS = 600  # the entries of a version nobody asks for any more go after this


def sections(kind: str, object_id: int, render: Callable[[], dict[str, str]]) -> dict[str, Markup]:
    """The page's cached parts by name, rendered by `render` (name -> HTML) when missing."""
    key = f"council-page:{kind}:{object_id}:{data_versions.versions([GROUP])}:{current_locale()}"
    parts = cache.get(key)
    if parts is None:
        parts = {name: str(html) for name, html in render().items()}
        cache.set(key, parts, timeout=TIMEOUT_SECONDS)
    return {name: Markup(html) for name, html in parts.items()}  # noqa: S704 - our own templates' output


def register() -> None:
    """Every write to a council table, committed, moves the council's version on."""
    data_versions.watch(GROUP, "council_")
