"""Who signed: one signature per petition per person, whatever way they spell their address.

Two forms of an address are kept. The *stored* one is what the person typed, trimmed, with
the domain lower-cased: mail goes there, exactly as given (the part before the @ may be case
sensitive on some servers). The *key* decides "same person": the whole address lower-cased,
without a `+tag`, and, for providers that ignore dots in the local part (Gmail), without
dots, with the provider's alias domains mapped to one (`googlemail.com` is `gmail.com`).
`anna.m+x@googlemail.com` and `AnnaM@gmail.com` then have the same key.
"""

from __future__ import annotations

from collections.abc import Iterable

# Domains that are one mailbox provider under several names: the key uses the first.
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def stored_address(address: str) -> str:
    """Trimmed, with the domain lower-cased; the local part as typed."""
    local, at, domain = (address or "").strip().rpartition("@")
    if not at:
        return (address or "").strip()
    return f"{local}@{domain.lower()}"


def address_key(address: str, dotless_domains: Iterable[str] = ()) -> str:
    """The form two addresses of one person share (see the module's docstring)."""
    local, at, domain = stored_address(address).lower().rpartition("@")
    if not at:
        return local
    domain = DOMAIN_ALIASES.get(domain, domain)
    local = local.split("+", 1)[0] or local  # "+tag@" alone keeps its "+": no empty key
    ignoring_dots = {DOMAIN_ALIASES.get(d.strip().lower(), d.strip().lower()) for d in dotless_domains}
    if domain in ignoring_dots:
        local = local.replace(".", "") or local
    return f"{local}@{domain}"
