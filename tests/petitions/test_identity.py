"""One signature per person: addresses that reach the same mailbox share one key."""

from __future__ import annotations

import pytest

from participation.petitions.identity import address_key, stored_address

GMAIL = ("gmail.com",)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Anna.Schreiber@Example.ORG ", "Anna.Schreiber@example.org"),
        ("anna@leipzig.de", "anna@leipzig.de"),
        ("Jonas+petition@Posteo.DE", "Jonas+petition@posteo.de"),
    ],
)
def test_mail_goes_to_the_address_as_typed_with_the_domain_lower_cased(typed, stored):
    assert stored_address(typed) == stored


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Anna.Schreiber@example.org", " anna.schreiber@EXAMPLE.org"),
        ("anna+petition@example.org", "anna@example.org"),
        ("anna.m+x@googlemail.com", "annam@gmail.com"),
        ("A.N.N.A.M@Gmail.com", "annam@gmail.com"),
    ],
)
def test_spellings_of_one_mailbox_share_a_key(first, second):
    assert address_key(first, GMAIL) == address_key(second, GMAIL)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("anna.m@example.org", "annam@example.org"),  # dots count outside the configured domains
        ("anna@example.org", "anna@example.de"),
        ("anna.m@gmail.com", "anna.n@gmail.com"),
    ],
)
def test_different_mailboxes_keep_different_keys(first, second):
    assert address_key(first, GMAIL) != address_key(second, GMAIL)


def test_dots_matter_where_no_domain_is_configured_to_ignore_them():
    assert address_key("anna.m@gmail.com") != address_key("annam@gmail.com")


def test_a_bare_tag_is_not_stripped_to_nothing():
    assert address_key("+x@example.org", GMAIL) == "+x@example.org"
