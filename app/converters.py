"""URL converters: what a path segment may hold before a view, or the database, sees it."""

from werkzeug.routing import IntegerConverter

from app.forms import DB_INT_MAX


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: an id the database can hold (1 … 2³¹−1), else the route does
    not match and the answer is a 404, before PostgreSQL could fail on an out-of-range value."""

    def __init__(self, map, fixed_digits=0, min=1, max=DB_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app) -> None:
    # Before any blueprint is registered: a rule takes its converter when it is added.
    app.url_map.converters["int"] = IdConverter
