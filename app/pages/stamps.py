"""What a public page was rendered from, in one short query: the counters that every change
moves in its own transaction (app/calendar/stamps.py), and how many of the moments that
change a page by the clock alone have passed (registration opens or closes, the event starts
or ends). Two renders with the same stamp show the same thing.

A page from the cache costs this one query and nothing else from the database, so it is
written once in plain SQL that SQLite and PostgreSQL both read, and sent straight through
the driver on a connection in autocommit: one round trip. Through the ORM session it was
five (a ping, BEGIN, the query, ROLLBACK) and two thirds of a cached page's time; through
SQLAlchemy Core still a sixth."""

from __future__ import annotations

import queue
import re
import threading
from datetime import datetime

import psycopg
import sqlalchemy as sa
from flask import current_app
from psycopg import pq

from app.extensions import db
from app.pages.models import SITE
from app.programme.models import EventStatus
from app.timezones import UTCDateTime, utcnow

_MOMENTS = ("registration_opens_at", "registration_closes_at", "starts_at", "ends_at")
# Strictly before now: a page rendered at the very moment is stored under the stamp of before
# it, which the next instant replaces, whichever way the page compares (>= or <).
_PASSED = " + ".join(f"CASE WHEN {name} < :now THEN 1 ELSE 0 END" for name in _MOMENTS)
_SITE = f"(SELECT version FROM page_versions WHERE scope = '{SITE}')"
_EVENT_STAMP = (
    f"SELECT id, status, page_version, {_PASSED}, {_SITE}, places_version FROM events "
    "WHERE slug = :slug"
)
_LISTING_STAMP = (
    "SELECT COALESCE(SUM(page_version), 0), COALESCE(SUM(places_version), 0), "
    f"COALESCE(SUM({_PASSED}), 0), {_SITE} FROM events"
)
_FORM_STAMP = f"SELECT id, status, form_version, {_PASSED} FROM events WHERE slug = :slug"
EVENT, LISTING = "ka_page_stamp_event", "ka_page_stamp_listing"  # also their prepared names
FORM = "ka_form_stamp"
_STATEMENTS = {EVENT: _EVENT_STAMP, LISTING: _LISTING_STAMP, FORM: _FORM_STAMP}

_reader_lock = threading.Lock()


class _Reader:
    """The stamps' own engine (autocommit, no ping before each use), and the two statements
    in its driver's parameter style: SQLite, and PostgreSQL through any other driver."""

    def __init__(self, url) -> None:
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        dialect = self.engine.dialect
        named = (lambda sql: re.sub(r":(\w+)", r"%(\1)s", sql)) if dialect.paramstyle == "pyformat" else str  # fmt: skip
        self.statements = {name: named(sql) for name, sql in _STATEMENTS.items()}
        self.moment = UTCDateTime().bind_processor(dialect) or (lambda value: value)

    def row(self, statement: str, values: dict) -> tuple | None:
        values = {**values, "now": self.moment(values["now"])}
        for attempt in (1, 2):
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute(self.statements[statement], values)
                row = cursor.fetchone()
                cursor.close()
                return row
            except self.engine.dialect.loaded_dbapi.OperationalError:
                # Without the ping, a connection the database dropped (a restart) fails
                # once: it is thrown away and the next one is new.
                connection.invalidate()
                if attempt == 2:
                    raise
            finally:
                connection.close()
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.engine.dispose()


class _PostgresReader:
    """PostgreSQL through psycopg: each statement prepared once per connection and run through
    libpq itself (psycopg's `pq` layer). A cached page's one query then costs this process half
    the CPU of a cursor's execute, and a third of one through a pool; the values come back as
    text, which is all a stamp is. Connections are kept in a queue, one per thread at a time."""

    def __init__(self, url: sa.URL) -> None:
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.idle: queue.SimpleQueue = queue.SimpleQueue()
        self.statements = {name: _numbered(sql) for name, sql in _STATEMENTS.items()}

    def row(self, statement: str, values: dict) -> tuple | None:
        if values["now"].tzinfo is None:  # PostgreSQL would read it in its own time zone
            raise ValueError("a stamp's moment must carry its time zone")
        _sql, names = self.statements[statement]
        values = {**values, "now": values["now"].isoformat()}
        params = [values[name].encode() for name in names]
        for attempt in (1, 2):
            connection = self._connection()
            try:
                result = connection.pgconn.exec_prepared(statement.encode(), params)
                failure = None if result.status == pq.ExecStatus.TUPLES_OK else result.error_message
            except psycopg.OperationalError as error:  # libpq gave no result at all
                failure = str(error).encode()
            except BaseException:
                connection.close()
                raise
            if failure is None:
                self.idle.put(connection)
                if result.ntuples == 0:
                    return None
                return tuple(
                    None if value is None else value.decode()
                    for value in (result.get_value(0, column) for column in range(result.nfields))
                )
            # A database restart (or a pooler that reset its connections and their prepared
            # statements) leaves every kept connection useless: all are thrown away and the
            # second try is on a new one.
            connection.close()
            self.close()
            if attempt == 2:
                message = failure.decode(errors="replace")
                raise psycopg.OperationalError(f"page stamp: {message}")
        raise AssertionError("unreachable")

    def _connection(self) -> psycopg.Connection:
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            pass
        connection = psycopg.connect(self.conninfo, autocommit=True)
        try:
            for name, (sql, _names) in self.statements.items():
                prepared = connection.pgconn.prepare(name.encode(), sql)
                if prepared.status != pq.ExecStatus.COMMAND_OK:
                    raise psycopg.OperationalError(prepared.error_message.decode())
        except BaseException:
            connection.close()
            raise
        return connection

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                return


def _numbered(sql: str) -> tuple[bytes, list[str]]:
    """`:name` placeholders as libpq's `$1`, `$2`, in order of first use, and their names."""
    names: list[str] = []

    def number(match: re.Match) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    return re.sub(r":(\w+)", number, sql).encode(), names


def _reader() -> _Reader | _PostgresReader:
    app = current_app._get_current_object()
    reader = app.extensions.get("page_cache.reader")
    if reader is None:
        with _reader_lock:
            if "page_cache.reader" not in app.extensions:
                app.extensions["page_cache.reader"] = _reader_for(db.engine.url)
            reader = app.extensions["page_cache.reader"]
    return reader


def _reader_for(url: sa.URL) -> _Reader | _PostgresReader:
    if (url.get_backend_name(), url.get_driver_name()) == ("postgresql", "psycopg"):
        return _PostgresReader(url)
    return _Reader(url)


def dispose() -> None:
    reader = current_app.extensions.pop("page_cache.reader", None)
    if reader is not None:
        reader.close()


def event_stamp(slug: str, now: datetime | None = None) -> tuple[str, str] | None:
    """The event page's stamp and its places' stamp (the page's and the places counter), or
    None when the page is not one to cache (no such event, or a draft, which only its
    organisers see)."""
    row = _reader().row(EVENT, {"slug": slug, "now": now or utcnow()})
    if row is None or row[1] == EventStatus.DRAFT:
        return None
    event_id, _status, version, passed, site, places = row
    page = f"e{event_id}.{version}.{passed}.s{site}"
    return page, f"{page}.p{places}"


def form_stamp(slug: str, now: datetime | None = None) -> str | None:
    """What the event's registration form is made of now: its counter and the moments passed
    (the form opens and closes by the clock); None for no such event or a draft."""
    row = _reader().row(FORM, {"slug": slug, "now": now or utcnow()})
    if row is None or row[1] == EventStatus.DRAFT:
        return None
    event_id, status, version, passed = row
    return f"f{event_id}.{status}.{version}.{passed}"


def listing_stamp(now: datetime | None = None) -> tuple[str, str]:
    """The programme's and the archive's stamp, and their cards' places' stamp: between two
    moves of the site's counter (an event made or deleted) every change moves one event's
    counter up, so the sum of each counter over all events only grows."""
    versions, places, passed, site = _reader().row(LISTING, {"now": now or utcnow()})
    page = f"p{versions}.{passed}.s{site}"
    return page, f"{page}.q{places}"
