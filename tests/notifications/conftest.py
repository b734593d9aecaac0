"""Petitions in any state, for the notifications about them."""

from tests.petitions.conftest import petition_factory  # noqa: F401 - fixture
