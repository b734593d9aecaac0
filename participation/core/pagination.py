"""Page numbers from the query string, clamped so bad input never errors."""

from participation.core.inputs import int_arg
from participation.extensions import db

# Far beyond any last page, and small enough that page x per_page stays a 64-bit offset.
MAX_PAGE = 10**12


def page_number() -> int:
    """The `page` of this request's query string: 1 when absent, malformed or out of range."""
    return int_arg("page", 1, maximum=MAX_PAGE)


def paginate(query, per_page: int = 20):
    return db.paginate(query, page=page_number(), per_page=per_page, error_out=False)


def paginate_counted(query, total: int, per_page: int = 20):
    """A page of `query` with a total counted elsewhere (kept, say), so the page asks the
    database only for its own rows."""
    page = db.paginate(query, page=page_number(), per_page=per_page, error_out=False, count=False)
    page.total = total
    return page
