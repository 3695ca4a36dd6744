"""The audit log's page for admins: newest first in Amsterdam time, filtered, a page at a time,
exported as CSV and XLSX (itself a line in the log); only for admins; nonsense in the filter
is a 4xx with a message, never a 500. And the log keeps its lines no longer than configured."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.extensions import db
from app.privacy import audit
from app.privacy.audit import Action
from app.privacy.models import AuditEntry
from app.privacy.retention import apply_retention

URL = "/beheer/auditlog"


def line(action, by, *, at, event=None, registration=None, detail="", on_request_of=""):
    entry = audit.record(action, by=by, event=event, registration=registration, detail=detail,
                         on_request_of=on_request_of)  # fmt: skip
    entry.at = at
    db.session.commit()
    return entry


@pytest.fixture
def logged(make_user, make_event, register):
    """An admin, two organisers who acted, two events, five lines over three days in March."""
    admin = make_user("admin", name="Bea Beheer")
    sanne, omar = make_user(name="Sanne Visser"), make_user(name="Omar Haddad")
    koffie = make_event(owner=sanne, title="Kenniscafé Koffie")
    dag = make_event(owner=omar, title="Themadag Wonen")
    anna = register(koffie, "Anna Jansen")
    lines = {
        "export": line(Action.EXPORT, sanne, event=koffie, detail="aanmeldingen (csv): 1 persoon",
                       at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
        "late": line(Action.MESSAGE, sanne, event=koffie, detail="bericht #1",
                     at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC)),  # 2 March 00.30 in Amsterdam
        "cancel": line(Action.REGISTRATION_CANCELLED, sanne, registration=anna,
                       detail="had een plaats", at=datetime(2026, 3, 2, 12, 0, tzinfo=UTC)),
        "print": line(Action.PRINT, omar, event=dag, detail="=HYPERLINK(\"x\")",
                      at=datetime(2026, 3, 3, 8, 0, tzinfo=UTC)),
        "erased": line(Action.ERASED, admin, registration=anna, detail="op verzoek",
                       on_request_of="brief van 2 maart", at=datetime(2026, 3, 3, 10, 0, tzinfo=UTC)),
    }  # fmt: skip
    return {"admin": admin, "sanne": sanne, "omar": omar, "koffie": koffie, "dag": dag,
            "anna": anna, "lines": lines}  # fmt: skip


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in body.split("</tr>") if "<td" in row]  # fmt: skip


def page(client, **args):
    response = client.get(URL, query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    return response.get_data(as_text=True)


def test_the_log_shows_every_line_newest_first_in_amsterdam_time(client, auth, logged):
    auth.login(logged["admin"].email)
    html = page(client)
    rows = rows_of(html)
    assert [r.split(" ")[0] for r in rows] == ["03-03-2026", "03-03-2026", "02-03-2026",
                                               "02-03-2026", "01-03-2026"]  # fmt: skip
    assert rows[0].startswith("03-03-2026 11:00 Bea Beheer Gegevens gewist")  # CET: UTC+1
    assert "brief van 2 maart" in rows[0]
    anna = logged["anna"]
    assert f"aanmelding {anna.id}" in rows[0] and f"persoon {anna.participant_id}" in rows[0]
    assert f'href="/beheer/aanmeldingen/{anna.id}"' in html
    assert f'href="/beheer/activiteiten/{logged["dag"].id}">Themadag Wonen</a>' in html
    assert rows[3].startswith("02-03-2026 00:30 Sanne Visser Bericht verstuurd Kenniscafé Koffie")
    assert "5 regels." in html
    assert "Anna Jansen" not in html  # people are only numbers here
    assert client.get(URL).headers["Cache-Control"] == "no-store"


def test_in_english_the_log_speaks_english_and_marks_dutch_titles(client, auth, logged):
    auth.login(logged["admin"].email)
    with client.session_transaction() as session:
        session["language"] = "en"
    html = page(client)
    assert "<h1>Audit log</h1>" in html and "5 lines." in html
    assert "Bea Beheer Data erased" in rows_of(html)[0]
    assert f'href="/beheer/activiteiten/{logged["dag"].id}" lang="nl">Themadag Wonen</a>' in html
    header = client.get(f"{URL}.csv").get_data(as_text=True).lstrip("\ufeff").split("\r\n")[0]
    assert header.startswith("When;Who;What")


@pytest.mark.parametrize(
    "args, expected",
    [
        ({"actie": "export"}, ["export"]),
        ({"activiteit": "koffie"}, ["erased", "cancel", "late", "export"]),  # a registration's too
        ({"gebruiker": "omar"}, ["print"]),
        ({"van": "2026-03-02", "tot": "2026-03-02"}, ["cancel", "late"]),  # whole days, Amsterdam
        ({"van": "2026-03-03"}, ["erased", "print"]),
        ({"tot": "2026-03-01"}, ["export"]),
        (
            {"actie": "registration_cancelled", "gebruiker": "sanne", "van": "2026-03-01"},
            ["cancel"],
        ),
        ({"actie": "hours_corrected"}, []),
    ],
)
def test_the_filters_narrow_the_log(client, auth, logged, args, expected):
    ids = {"koffie": logged["koffie"].id, "sanne": logged["sanne"].id, "omar": logged["omar"].id}
    args = {k: str(ids.get(v, v)) for k, v in args.items()}
    assert [e.id for e in audit.entries(form_filters(args))] == [
        logged["lines"][name].id for name in expected
    ]
    auth.login(logged["admin"].email)
    html = page(client, **args)
    assert len(rows_of(html) if expected else []) == len(expected)
    if not expected:
        assert "Geen regels bij dit filter." in html


def form_filters(args) -> audit.Filters:
    from werkzeug.datastructures import MultiDict

    from app.privacy.audit_forms import filter_form

    form = filter_form(MultiDict(args))
    assert form.validate(), form.errors
    return form.filters()


def test_the_filter_offers_the_events_and_people_in_the_log_and_every_action(client, auth, logged):
    auth.login(logged["admin"].email)
    html = page(client)
    for offered in ("Kenniscafé Koffie", "Themadag Wonen", "Sanne Visser", "Omar Haddad",
                    "Uren gecorrigeerd", "Auditlog gedownload"):  # fmt: skip
        assert f">{offered}" in html, offered


def test_a_hundred_lines_a_page(client, auth, logged):
    for n in range(150):
        line(Action.EXPORT, logged["sanne"], detail=f"nr {n}",
             at=datetime(2026, 4, 1, tzinfo=UTC) + timedelta(minutes=n))  # fmt: skip
    auth.login(logged["admin"].email)
    first = page(client, actie="export")
    assert len(rows_of(first)) == 100 and "nr 149" in rows_of(first)[0]
    assert (
        "Pagina 1 van 2" in first and 'href="/beheer/auditlog?actie=export&amp;pagina=2"' in first
    )
    second = page(client, actie="export", pagina="2")
    assert len(rows_of(second)) == 51 and "nr 0" in rows_of(second)[-2]
    assert client.get(URL, query_string={"actie": "export", "pagina": "3"}).status_code == 404


def test_the_csv_export_holds_the_filtered_log_and_is_itself_logged(client, auth, logged):
    admin = logged["admin"]
    auth.login(admin.email)
    response = client.get(f"{URL}.csv", query_string={"gebruiker": logged["sanne"].id})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="auditlog-')
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert header[:3] == ["Wanneer", "Wie", "Wat"]
    assert [r[2] for r in rows] == ["Aanmelding geannuleerd", "Bericht verstuurd",
                                    "Lijst gedownload"]  # fmt: skip
    assert rows[1][0] == "2026-03-02 00:30" and rows[1][3] == "Kenniscafé Koffie"
    assert rows[0][5] == str(logged["anna"].id)
    own = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.AUDIT_EXPORTED)).all()  # fmt: skip
    assert len(own) == 1
    assert (own[0].user_id, own[0].user_name) == (admin.id, "Bea Beheer")
    assert own[0].detail == f"3 regels; filter: gebruiker #{logged['sanne'].id}"


def test_the_xlsx_export_is_a_real_spreadsheet_with_defused_cells(client, auth, logged):
    auth.login(logged["admin"].email)
    response = client.get(f"{URL}.xlsx", query_string={"van": "2026-03-03", "tot": "2026-03-03"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = list(sheet.values)
    assert header[0] == "Wanneer" and sheet["A1"].font.bold
    assert sheet.auto_filter.ref == sheet.dimensions and sheet.freeze_panes == "A2"
    assert rows[0][0] == datetime(2026, 3, 3, 11, 0)  # a date-time cell, in Amsterdam time
    assert rows[1][7] == '\'=HYPERLINK("x")'  # no formula runs
    assert [r[2] for r in rows] == ["Gegevens gewist", "Badges of tekenlijst afgedrukt"]
    assert db.session.scalar(sa.select(AuditEntry.detail).where(
        AuditEntry.action == Action.AUDIT_EXPORTED)) == "2 regels; filter: vanaf 2026-03-03 00:00, tot 2026-03-04 00:00"  # fmt: skip


@pytest.mark.parametrize("role", ["organiser", "checkin"])
@pytest.mark.parametrize("path", [URL, f"{URL}.csv", f"{URL}.xlsx"])
def test_only_admins_see_or_export_the_log(client, auth, make_user, logged, role, path):
    assert client.get(path).status_code == 302  # anonymous: the login page
    auth.login(make_user(role).email)
    assert client.get(path).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == Action.AUDIT_EXPORTED)) == 0  # fmt: skip


BAD = [
    ({"van": "gisteren"}, 400), ({"van": "2026-02-30"}, 400), ({"tot": "0001-01-01"}, 400),
    ({"van": "9999-12-31"}, 400), ({"van": "2026-03-05", "tot": "2026-03-01"}, 400),
    ({"actie": "drop table"}, 400), ({"activiteit": "-1"}, 400), ({"activiteit": "9" * 40}, 400),
    ({"gebruiker": "abc"}, 400), ({"gebruiker": "\u0661\u0662"}, 400), ({"pagina": "0"}, 404),
    ({"pagina": "9" * 30}, 404), ({"pagina": "abc"}, 200), ({"kind": "csv", "_external": "1"}, 200),
]  # fmt: skip


@pytest.mark.parametrize("args, status", BAD)
@pytest.mark.parametrize("path", [URL, f"{URL}.csv"])
def test_nonsense_in_the_filter_is_refused_with_a_message(client, auth, logged, args, status,
                                                          path):  # fmt: skip
    auth.login(logged["admin"].email)
    response = client.get(path, query_string=args)
    if path != URL and "pagina" in args:
        status = 200  # the export knows no pages
    assert response.status_code == status
    if status == 400:
        html = response.get_data(as_text=True)
        assert "Dit filter klopt niet." in html and 'class="error"' in html


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(args=st.dictionaries(
    st.sampled_from(["actie", "activiteit", "gebruiker", "van", "tot", "pagina", "kind"]),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30), max_size=5))  # fmt: skip
def test_no_filter_input_makes_a_server_error(client, auth, logged, args):
    auth.login(logged["admin"].email)
    assert client.get(URL, query_string=args).status_code in (200, 400, 404)
    assert client.get(f"{URL}.csv", query_string=args).status_code in (200, 400)


def test_retention_removes_lines_older_than_the_configured_months_and_keeps_the_rest(app, logged):
    app.config["PRIVACY_AUDIT_MONTHS"] = 24
    now = datetime(2028, 3, 2, 12, 0, tzinfo=UTC)  # 24 months after 2 March 2026, noon
    counts = apply_retention(now)
    db.session.commit()
    kept = db.session.scalars(sa.select(AuditEntry.detail).order_by(AuditEntry.at)).all()
    # Gone: 1 March (both), and 2 March 12.00 is exactly at the cutoff, so kept.
    assert counts["audit"] == 2
    assert kept == ["had een plaats", '=HYPERLINK("x")', "op verzoek"]
    app.config["PRIVACY_AUDIT_MONTHS"] = 36
    apply_retention(now)
    db.session.commit()
    assert len(db.session.scalars(sa.select(AuditEntry)).all()) == 3
