"""Page numbers from the query string, clamped so bad input never errors."""

from flask import request

from participation.extensions import db


def paginate(query, per_page: int = 20):
    page = request.args.get("page", 1, type=int) or 1
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False)
