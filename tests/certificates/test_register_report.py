"""The attendance report for a register: the page, the PE-online list, CSV and XLSX, which
numbers are reported, and who may see it when."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from lxml import html as lxml_html
from openpyxl import load_workbook

from app.attendance import services as desk
from app.certificates import registers, services
from app.extensions import db
from app.programme import services as programme
from app.timezones import to_local, utcnow


def accreditation(day, register: str):
    return next(a for a in day.event.accreditations if a.register == register)


def url(day, register: str, kind: str = "") -> str:
    suffix = f".{kind}" if kind else ""
    return (
        f"/beheer/activiteiten/{day.event.id}/registers/{accreditation(day, register).id}{suffix}"
    )


def attends(day, name: str, **numbers) -> None:
    """Give someone of the evening these register numbers and check them in."""
    person = day.people[name]
    person.register_numbers = dict(numbers)
    db.session.commit()
    desk.check_in(person.id, day.owner)
    db.session.commit()


def page(client, auth, day, register: str = "Registerplein"):
    auth.login(day.owner.email)
    response = client.get(url(day, register))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # names and e-mail addresses
    return response.get_data(as_text=True)


def table_rows(body: str) -> list[list[str]]:
    doc = lxml_html.fromstring(body)
    rows = doc.xpath('//table[contains(@class, "register-report")]/tbody/tr')
    return [[" ".join(td.text_content().split()) for td in row.xpath("td")] for row in rows]


def pe_online(body: str) -> str:
    found = re.search(r'<textarea id="pe-online"[^>]*>(.*?)</textarea>', body, re.S)
    assert found, "no PE-online list on the page"
    return found.group(1)


def csv_rows(client, day, register: str = "Registerplein") -> list[list[str]]:
    response = client.get(url(day, register, "csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )


def sheet(client, day, register: str = "Registerplein"):
    response = client.get(url(day, register, "xlsx"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data)).active


def the_day(day) -> str:
    return f"{to_local(day.event.starts_at):%d-%m-%Y}"


# --- checking numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "register, typed, number, fine",
    [
        ("Registerplein", "461012345", "461012345", True),
        ("Registerplein", " 4610 12.345 ", "461012345", True),  # what people type: fine
        ("registerplein", "4610\u00a012345", "461012345", True),  # a pasted no-break space
        ("Registerplein", "12345", "12345", False),
        ("Registerplein", "4610", "4610", False),  # the prefix alone is nobody's number
        ("Registerplein", "4610-12345", "4610-12345", False),
        ("Registerplein", "4610١٢٣", "4610١٢٣", False),  # digits, but not ones a register reads
        ("SKJ", " 0046 123 ", "0046 123", True),  # unknown format: as typed, only trimmed
    ],
)
def test_numbers_are_checked_where_the_register_format_is_known(app, register, typed, number, fine):
    checked = registers.check_number(register, typed)
    assert checked.number == number
    assert (checked.problem is None) is fine


# --- the page --------------------------------------------------------------------------------


def test_the_page_lists_anna_with_her_number_the_date_hours_and_points(client, auth, evening):
    day = evening()
    rows = table_rows(page(client, auth, day))
    # Two hours less the half hour of reception; Registerplein gives 2 points for the evening.
    assert rows == [["461012345", "Anna de Vries", the_day(day), "1,5", "2"]]


def test_hours_and_points_come_from_the_valid_certificate_when_there_is_one(client, auth, evening):
    day = evening()
    certificate = services.issue(day.people["Anna"].id, day.owner)
    accreditation(day, "Registerplein").points = Decimal("5")  # changed after issuing
    db.session.commit()
    assert table_rows(page(client, auth, day))[0][3:] == ["1,5", "2"]  # as on her certificate

    services.revoke(certificate, day.owner, "Verkeerde naam")
    db.session.commit()
    assert table_rows(page(client, auth, day))[0][3:] == ["1,5", "5"]  # computed anew


def test_the_pe_online_list_holds_exactly_the_valid_numbers_one_per_line(client, auth, evening):
    day = evening()
    attends(day, "Bob", Registerplein="4610 98.765")
    attends(day, "Şükrü", Registerplein="12345")
    body = page(client, auth, day)
    assert pe_online(body) == "461012345\n461098765"
    assert 'data-copy="pe-online"' in body  # the copy button of js/copy.js


def test_an_invalid_registerplein_number_is_listed_to_check_and_reported_nowhere(
    client, auth, evening
):
    day = evening()
    attends(day, "Bob", Registerplein="12345")
    body = page(client, auth, day)
    check = lxml_html.fromstring(body).xpath('//ul[@class="register-check"]/li')
    assert len(check) == 1
    assert "Bob Bakker" in check[0].text_content() and "12345" in check[0].text_content()
    assert "Controleer dit nummer" in body
    assert pe_online(body) == "461012345"
    assert [r[0] for r in table_rows(body)] == ["461012345"]
    assert [r[0] for r in csv_rows(client, day)] == ["Registratienummer", "461012345"]
    assert [c.value for c in sheet(client, day)["A"]] == ["Registratienummer", "461012345"]


def test_one_number_given_by_two_people_is_reported_for_neither(client, auth, evening):
    day = evening()
    attends(day, "Bob", Registerplein="4610.12345")  # Anna's, dotted
    body = page(client, auth, day)
    assert table_rows(body) == [["Nog niemand om te melden."]]
    check = lxml_html.fromstring(body).xpath('//ul[@class="register-check"]/li')
    assert [(li.xpath("strong")[0].text, li.xpath("code")[0].text) for li in check] == [
        ("Anna de Vries", "461012345"), ("Bob Bakker", "461012345")]  # fmt: skip
    assert 'id="pe-online"' not in body and len(csv_rows(client, day)) == 1


def test_someone_present_without_a_number_is_listed_separately_with_their_address(
    client, auth, evening
):
    day = evening()
    body = page(client, auth, day)
    missing = [
        li.text_content()
        for li in lxml_html.fromstring(body).xpath('//ul[@class="register-missing"]/li')
    ]
    assert missing == [f"Şükrü Çelik ({day.people['Şükrü'].participant.email})"]
    assert "Bob Bakker" not in body  # absent: not the organiser's to chase here
    assert [r[1] for r in table_rows(body)] == ["Anna de Vries"]


def test_someone_whose_hours_were_corrected_to_nothing_is_not_reported(client, auth, evening):
    day = evening()
    services.correct_hours(
        day.people["Anna"], Decimal("0"), "Kwam alleen voor de borrel", day.owner
    )
    db.session.commit()
    body = page(client, auth, day)
    assert table_rows(body) == [["Nog niemand om te melden."]]
    assert "Geen punten" in body and "Anna de Vries" in body


def test_in_english_the_page_and_the_csv_speak_english(client, auth, evening):
    day = evening()
    auth.login(day.owner.email)
    with client.session_transaction() as session:
        session["language"] = "en"
    body = client.get(url(day, "Registerplein")).get_data(as_text=True)
    assert "Copy for PE-online" in body and "Report to Registerplein" in body
    assert table_rows(body)[0][3:] == ["1.5", "2"]
    assert csv_rows(client, day)[0] == ["Registration number", "Name", "Date", "Hours", "Points"]


def test_a_number_is_found_whatever_the_case_the_register_was_written_in(client, auth, evening):
    day = evening()
    attends(day, "Şükrü", skj="SKJ 110012345")
    assert [r[:2] for r in table_rows(page(client, auth, day, "SKJ"))] == [
        ["SKJ 110012345", "Şükrü Çelik"]
    ]


# --- the files -------------------------------------------------------------------------------


def test_the_csv_holds_the_report(client, auth, evening):
    day = evening()
    auth.login(day.owner.email)
    assert csv_rows(client, day) == [
        ["Registratienummer", "Naam", "Datum", "Uren", "Punten"],
        ["461012345", "Anna de Vries", the_day(day), "1,5", "2"],
    ]


def test_the_xlsx_keeps_numbers_as_text_with_a_bold_header_filter_and_real_dates(
    client, auth, evening
):
    day = evening()
    attends(day, "Şükrü", SKJ="0046123456")
    auth.login(day.owner.email)
    ws = sheet(client, day, "SKJ")
    number = ws["A2"]
    assert (number.value, number.data_type, number.number_format) == ("0046123456", "s", "@")
    assert ws["B2"].value == "Şükrü Çelik"
    assert all(cell.font.bold for cell in ws[1]) and not ws["B2"].font.bold
    assert ws.auto_filter.ref == "A1:E2"
    assert isinstance(ws["C2"].value, datetime | date)
    assert ws["C2"].value.date() == to_local(day.event.starts_at).date()
    assert (ws["D2"].value, ws["E2"].value) == (1.5, 2)  # SKJ pro rata: all hours, all points
    assert ws.column_dimensions["B"].width >= len("Şükrü Çelik")


def test_a_name_that_would_run_as_a_formula_is_defused_in_both_files(client, auth, evening):
    day = evening()
    day.people["Bob"].name = '=HYPERLINK("http://evil.example")'
    attends(day, "Bob", Registerplein="461098765")
    auth.login(day.owner.email)
    names = [row[1] for row in csv_rows(client, day)]
    assert '\'=HYPERLINK("http://evil.example")' in names
    cell = next(c for c in sheet(client, day)["B"] if "HYPERLINK" in str(c.value))
    assert (cell.value[0], cell.data_type) == ("'", "s")


# --- when and who ----------------------------------------------------------------------------


def test_before_the_end_nothing_is_reported_and_the_files_answer_409(client, auth, evening):
    day = evening()
    day.event.ends_at = utcnow() + timedelta(minutes=5)
    day.event.starts_at = day.event.ends_at - timedelta(hours=2)
    db.session.commit()
    body = page(client, auth, day)
    assert "pas na afloop van de activiteit" in body
    assert "461012345" not in body and 'id="pe-online"' not in body and ".csv" not in body
    for kind in ("csv", "xlsx"):
        response = client.get(url(day, "Registerplein", kind))
        assert response.status_code == 409
        assert "pas na afloop van de activiteit" in response.get_data(as_text=True)


def test_a_cancelled_event_has_nothing_to_report(client, auth, evening):
    day = evening()
    day.event.status = "cancelled"
    db.session.commit()
    assert "geannuleerd: er is geen aanwezigheid te melden" in page(client, auth, day)
    assert client.get(url(day, "Registerplein", "xlsx")).status_code == 409


def test_another_organiser_may_not_see_it(client, auth, evening, make_user):
    day = evening()
    other = make_user(name="Andere Organisator")
    auth.login(other.email)
    for kind in ("", "csv", "xlsx"):
        assert client.get(url(day, "Registerplein", kind)).status_code in (403, 404)


def test_an_accreditation_of_another_event_is_not_found(client, auth, evening, make_event):
    day = evening()
    elsewhere = make_event(owner=day.owner)
    foreign = programme.add_accreditation(elsewhere, "Registerplein", "RP-1", Decimal("1"))
    db.session.commit()
    auth.login(day.owner.email)
    assert (
        client.get(f"/beheer/activiteiten/{day.event.id}/registers/{foreign.id}").status_code == 404
    )
    assert (
        client.get(f"/beheer/activiteiten/{day.event.id}/registers/{foreign.id}.csv").status_code
        == 404
    )


# --- in the browser --------------------------------------------------------------------------


@pytest.mark.browser
def test_the_page_reflows_at_390_px_passes_axe_and_copies_the_list(page, live_server, evening):
    from tests.browser.fixtures import axe_violations
    from tests.conftest import PASSWORD

    day = evening()
    attends(day, "Bob", Registerplein="12345")
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto(live_server + "/beheer/inloggen")
    page.get_by_label("E-mailadres").fill(day.owner.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server + url(day, "Registerplein"))
    # What this page adds stays within 390 px; the table scrolls inside its own box. (The
    # event tabs of agenda/_nav.html are measured by whoever owns them.)
    sticking_out = page.evaluate("""[...document.querySelectorAll('main *')]
        .filter(e => !e.closest('.manage-nav') && !e.parentElement.closest('.table-scroll'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth)
        .map(e => e.tagName + ' ' + e.className)""")
    assert sticking_out == []
    assert axe_violations(page) == []
    assert page.csp_violations == []
    page.get_by_role("button", name="Kopiëren").click()
    page.get_by_role("button", name="Gekopieerd").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == "461012345"


def test_a_registerplein_number_is_checked_on_the_form_and_kept_as_digits(evening, client):
    from app.registration.tokens import issue_manage_token

    day = evening()
    anna = day.people["Anna"]
    token = issue_manage_token(anna)
    db.session.commit()
    field = {a.register: f"register_{a.id}" for a in day.event.accreditations}
    form = {"name": "Anna de Vries", field["Registerplein"]: "12345", field["SKJ"]: " 0046 77 "}
    refused = client.post(f"/aanmelding/{token}", data=form)
    assert refused.status_code == 400 and "begint met 4610" in refused.get_data(as_text=True)
    form[field["Registerplein"]] = "4610 12.399"
    assert client.post(f"/aanmelding/{token}", data=form).status_code == 302
    db.session.refresh(anna)
    assert anna.register_numbers == {"Registerplein": "461012399", "SKJ": "0046 77"}
