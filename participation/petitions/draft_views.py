"""(being written)"""

from __future__ import annotations

from participation.petitions.blueprint import bp  # noqa: F401


def register(app) -> None:
    """Nothing to plug in yet."""
