"""(being written)"""


def register() -> None:
    """Nothing yet."""
