"""(being written)"""


def register(app) -> None:
    """Nothing yet."""
