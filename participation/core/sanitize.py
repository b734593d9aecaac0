"""The one bleach policy: all user-written text becomes HTML only through `render_markdown`."""

from __future__ import annotations

import threading
from functools import lru_cache, partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_PREFIXES = ("http://", "https://", "mailto:")


def _link_policy(attrs, new=False):
    """Links point only to http, https or mailto addresses (no relative or protocol-relative
    ones), and are marked as user content; any other link becomes plain text."""
    href = (attrs.get((None, "href")) or "").strip()
    if not href.lower().startswith(LINK_PREFIXES):
        return None
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    """Cleaning and linkifying in one pass: bleach.linkify() run separately after clean()
    escapes the text inside skipped tags a second time (`<code>&amp;lt;</code>`). A Cleaner
    keeps parser state, so every thread gets its own."""
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            filters=[partial(LinkifyFilter, callbacks=[_link_policy], skip_tags={"pre", "code"})],
        )
    return cleaner


def render_markdown(text: str) -> Markup:
    """Limited Markdown to safe HTML: raw HTML is stripped, links are marked as user content."""
    return Markup(_rendered(text or ""))  # noqa: S704 - sanitised by bleach in _rendered


@lru_cache(maxsize=2048)
def _rendered(text: str) -> str:
    # The same texts (a consultation's description, a project's body) are shown on every
    # visit; Markdown and bleach cost about a millisecond each time. The result depends on
    # the text alone, so a process keeps the most recent ones.
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return _cleaner().clean(html)
