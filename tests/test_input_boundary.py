"""Input at the boundary: every cause of a server error a fuzzer found is answered with a clear
4xx message in the visitor's language, or cleaned — never a 500, never lost data."""

from __future__ import annotations

import inspect
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from flask import url_for
from flask_wtf import FlaskForm
from openpyxl import load_workbook
from wtforms import DecimalField, EmailField, IntegerField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

from app.agenda import services as agenda
from app.agenda.models import Room, SessionChoice
from app.extensions import db
from app.forms import Form, clean_text
from app.programme.models import Accreditation, Event, Theme
from app.registration.exports import as_xlsx, sheet_title
from app.registration.models import Question, Registration
from app.timezones import to_local

FORM = {"name": "Anna", "email": "anna@example.org", "privacy": "y"}
ONE_LINE = "Alleen één regel tekst, zonder regeleinden."
DATE_WINDOW = "Kies een datum tussen 2000 en 2100."


@pytest.fixture
def admin(make_user, auth):
    user = make_user("admin")
    auth.login(user.email)
    return user


@pytest.fixture
def themadag(make_event, make_user):
    """A published themadag with two rooms and one ronde of two workshops."""

    def make(**details):
        event = make_event(owner=make_user(), kind="themadag", hours=6, **details)
        rooms = [agenda.add_room(event, {"name": name, "capacity": 10}) for name in ("A", "B")]
        start = event.starts_at + timedelta(hours=1)
        workshops = [
            agenda.add_session(event, {"kind": "workshop", "title": title, "room_id": room.id,
                                       "starts_at": start, "ends_at": start + timedelta(hours=1)})
            for title, room in zip(("Wonen", "Geld"), rooms, strict=True)
        ]  # fmt: skip
        db.session.commit()
        return event, workshops, rooms

    return make


def registrations_of(event) -> list[Registration]:
    db.session.expire_all()
    return list(
        db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id))
    )


def local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%dT%H:%M")


# --- choices of only whitespace ----------------------------------------------------------------


def test_a_workshop_choice_of_only_spaces_is_no_choice(client, themadag):
    event, _workshops, _rooms = themadag()
    response = client.post(
        f"/activiteiten/{event.slug}/aanmelden", data={**FORM, "ronde_1": " \t "}
    )
    assert response.status_code == 302
    [registration] = registrations_of(event)
    assert db.session.scalars(sa.select(SessionChoice)).all() == []
    assert registration.participant.name == "Anna"


def test_a_required_workshop_choice_of_only_spaces_is_asked_again(client, themadag):
    event, _workshops, _rooms = themadag(workshop_choice_required=True)
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data={**FORM, "ronde_1": "  "})
    assert response.status_code == 400
    assert "Kies een workshop in deze ronde." in response.get_data(as_text=True)
    assert registrations_of(event) == []


@pytest.mark.parametrize("required", [False, True])
def test_a_yes_no_answer_of_only_spaces_is_no_answer(client, auth, admin, make_event, required):
    event = make_event(owner=admin)
    client.post(f"/beheer/activiteiten/{event.id}/vragen",
                data={"text": "Komt u met de fiets?", "kind": "yes_no", "required": "y" if required else ""})  # fmt: skip
    question = db.session.scalar(sa.select(Question).where(Question.event_id == event.id))
    auth.logout()
    response = client.post(f"/activiteiten/{event.slug}/aanmelden",
                           data={**FORM, f"question_{question.id}": "   "})  # fmt: skip
    if required:
        assert response.status_code == 400 and registrations_of(event) == []
    else:
        assert response.status_code == 302
        [registration] = registrations_of(event)
        assert registration.answers == {}


# --- control characters and the spreadsheet exports --------------------------------------------


def test_control_characters_in_registrant_fields_are_removed_and_the_export_works(
    client, auth, make_user, make_event
):
    owner = make_user()
    event = make_event(owner=owner, catering=True)
    response = client.post(f"/activiteiten/{event.slug}/aanmelden", data={
        **FORM, "name": "An\x01na\x1b", "organisation": "Wijk\x0bteam\x7f", "function": "\x08Coach",
        "dietary_needs": "Geen\x0c noten\u0085",
    })  # fmt: skip
    assert response.status_code == 302
    [registration] = registrations_of(event)
    assert registration.participant.name == "Anna"
    assert (registration.organisation, registration.function) == ("Wijkteam", "Coach")
    assert registration.dietary_needs == "Geen noten"
    auth.login(owner.email)
    export = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    assert sheet["A2"].value == "Anna"


def test_the_export_survives_control_characters_stored_before_the_forms_cleaned_them(
    client, auth, make_user, make_event, register
):
    owner = make_user()
    event = make_event(owner=owner)
    registration = register(event, "Oud")
    registration.participant.name = "O\x02u\x1fd"
    registration.organisation = "\x1f=HYPERLINK(1)"
    db.session.commit()
    auth.login(owner.email)
    xlsx = client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen.xlsx")
    assert xlsx.status_code == 200
    row = [cell.value for cell in load_workbook(io.BytesIO(xlsx.data)).active[2]]
    assert row[0] == "Oud" and "'=HYPERLINK(1)" in row
    assert client.get(f"/beheer/activiteiten/{event.id}/aanmeldingen.csv").status_code == 200


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Q&A: wat nu? [deel 1/2] *\\", "Q&A wat nu deel 1 2"),
        ("'Citaat'", "Citaat"),
        ("Een heel lange titel van een workshop over wonen", "Een heel lange titel van een wo"),
        ("a\x01b\x1fc", "abc"),
        ("::[]", "Lijst"),
        ("", "Lijst"),
        ("History", "Lijst"),
    ],
)
def test_sheet_titles_are_made_acceptable_to_excel(app, title, expected):
    assert sheet_title(title) == expected
    workbook = load_workbook(io.BytesIO(as_xlsx([["Naam"], ["x\x00y"]], title=title)))
    assert workbook.active.title == expected and workbook.active["A2"].value == "xy"


def test_the_attendance_list_of_a_session_whose_title_excel_refuses_downloads(
    client, auth, themadag
):
    event, [wonen, _geld], _rooms = themadag()
    wonen.title = "Wonen: wat nu? [deel 1/2] *"
    db.session.commit()
    owner = event.organisers[0]
    auth.login(owner.email)
    response = client.get(f"/beheer/activiteiten/{event.id}/programma/{wonen.id}/deelnemers.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).active.title == "Wonen wat nu deel 1 2"


# --- ids and page numbers out of range -----------------------------------------------------------


@pytest.mark.parametrize("number", ["0", "2147483648", "99999999999999999999", "9" * 5000])
def test_ids_the_database_cannot_hold_are_404_before_reaching_it(client, admin, number):
    for path in [f"/beheer/activiteiten/{number}", f"/beheer/activiteiten/{number}/aanmeldingen",
                 f"/beheer/gebruikers/{number}", f"/beheer/sprekers/{number}",
                 f"/beheer/activiteiten/{number}/programma/{number}"]:  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert client.post(f"/beheer/aanmeldingen/{number}/annuleren").status_code == 404


def test_the_largest_id_is_an_ordinary_404_and_links_are_built_as_before(app, client, admin):
    assert client.get("/beheer/activiteiten/2147483647").status_code == 404
    with app.test_request_context():
        assert url_for("programme_manage.edit_event", event_id=7) == "/beheer/activiteiten/7"


@pytest.mark.parametrize("page", ["9" * 20, "10001", "0", "-3"])
def test_a_page_number_out_of_range_is_404(client, page):
    assert client.get(f"/?pagina={page}").status_code == 404
    assert client.get(f"/archief?pagina={page}").status_code == 404


# --- dates in a sane window -------------------------------------------------------------------------


def event_form(**changes) -> dict:
    return {"kind": "kenniscafe", "title": "Kenniscafé", "starts_at": "2030-03-12T19:30",
            "ends_at": "2030-03-12T21:30", **changes}  # fmt: skip


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_at": "0001-01-01T10:00", "ends_at": "0001-01-01T12:00"},
        {"starts_at": "9999-12-31T20:00", "ends_at": "9999-12-31T23:00"},
        {"ends_at": "9998-01-01T10:00"},
        {"registration_opens_at": "1999-12-31T23:59"},
        {"registration_closes_at": "2101-01-01T00:00"},
    ],
)
def test_event_dates_outside_2000_to_2100_are_refused_with_a_message(client, admin, changes):
    response = client.post("/beheer/activiteiten/nieuw", data=event_form(**changes))
    assert response.status_code == 400
    assert DATE_WINDOW in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Event)).all() == []


def test_the_edges_of_the_window_are_accepted(client, admin):
    response = client.post("/beheer/activiteiten/nieuw", data=event_form(
        starts_at="2000-01-01T00:00", ends_at="2100-12-31T23:59"))  # fmt: skip
    assert response.status_code == 302


def test_a_duplicate_or_a_session_outside_the_window_is_refused(client, admin, make_event):
    event = make_event(owner=admin, kind="themadag", hours=6)
    duplicate = client.post(f"/beheer/activiteiten/{event.id}/dupliceren",
                            data={"starts_at": "9998-12-31T10:00"})  # fmt: skip
    assert duplicate.status_code == 400 and DATE_WINDOW in duplicate.get_data(as_text=True)
    session = client.post(f"/beheer/activiteiten/{event.id}/programma/nieuw", data={
        "kind": "plenary", "title": "Opening", "starts_at": "0001-01-01T10:00",
        "ends_at": "0001-01-01T11:00", "room_id": ""})  # fmt: skip
    assert session.status_code == 400 and DATE_WINDOW in session.get_data(as_text=True)
    assert len(db.session.scalars(sa.select(Event)).all()) == 1


# --- line breaks where a mail header may follow -------------------------------------------------


@pytest.fixture
def places(admin, make_event, make_theme, register):
    """Where each one-line field is posted: (path, form) with the field given a line break."""
    event = make_event(owner=admin, kind="themadag", hours=6)
    room = agenda.add_room(event, {"name": "Aula", "capacity": 10})
    register(event, "Bea")
    theme = make_theme("Wonen")
    db.session.commit()
    evil = "Onderwerp\r\nBcc: iedereen@example.org"
    return {
        "event title": ("/beheer/activiteiten/nieuw", event_form(title=evil)),
        "event city": ("/beheer/activiteiten/nieuw", event_form(city="Nijmegen\nX")),
        "session title": (f"/beheer/activiteiten/{event.id}/programma/nieuw", {
            "kind": "plenary", "title": evil, "starts_at": local(event.starts_at),
            "ends_at": local(event.starts_at + timedelta(hours=1)), "room_id": ""}),
        "message subject": (f"/beheer/activiteiten/{event.id}/bericht",
                            {"audience": "all", "subject": evil, "body": "Hallo"}),
        "new theme": ("/beheer/themas/nieuw", {"name": evil}),
        "theme name": (f"/beheer/themas/{theme.slug}", {"name": "Wonen\u2028en zorg"}),
        "room name": (f"/beheer/activiteiten/{event.id}/zalen/{room.id}", {"name": evil}),
        "speaker name": ("/beheer/sprekers", {"name": evil}),
        "question": (f"/beheer/activiteiten/{event.id}/vragen", {"text": evil, "kind": "text"}),
        "user name": ("/beheer/gebruikers/nieuw", {"name": evil, "email": "x@example.org",
                                                   "role": "organiser"}),
        "registrant name": (f"/activiteiten/{event.slug}/aanmelden", {**FORM, "name": evil}),
    }  # fmt: skip


@pytest.mark.parametrize(
    "where",
    ["event title", "event city", "session title", "message subject", "new theme", "theme name",
     "room name", "speaker name", "question", "user name", "registrant name"],
)  # fmt: skip
def test_a_line_break_in_a_one_line_field_is_a_form_error(client, places, where):
    path, form = places[where]
    response = client.post(path, data=form)
    assert response.status_code == 400, response.status_code
    assert ONE_LINE in response.get_data(as_text=True)


def test_text_areas_keep_line_breaks_and_tabs_but_lose_control_characters(client, admin):
    response = client.post("/beheer/activiteiten/nieuw", data=event_form(
        description="  Regel 1\r\n\tRegel 2\x07\x1b[31m  "))  # fmt: skip
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Event.description)) == "Regel 1\n\tRegel 2[31m"


# --- names that collide --------------------------------------------------------------------------


def test_renaming_a_room_to_another_rooms_name_is_a_form_error(client, admin, make_event):
    event = make_event(owner=admin, kind="themadag")
    aula = agenda.add_room(event, {"name": "Aula", "capacity": 10})
    zaal = agenda.add_room(event, {"name": "Zaal 2", "capacity": 10})
    db.session.commit()
    response = client.post(
        f"/beheer/activiteiten/{event.id}/zalen/{zaal.id}", data={"name": " aula "}
    )
    assert response.status_code == 400
    assert "Er is al een zaal met deze naam." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Room, zaal.id).name == "Zaal 2"
    own = client.post(f"/beheer/activiteiten/{event.id}/zalen/{aula.id}", data={"name": "AULA"})
    assert own.status_code == 302


@pytest.mark.parametrize(
    "name, message",
    [
        ("jeugd", "Er is al een thema met deze naam."),
        ("\u3392" * 120, "Deze naam is te lang voor een webadres."),  # ㎒ becomes "mhz"
        ("Nieuw", "Deze naam is al het adres van een andere pagina."),
    ],
)
def test_a_theme_name_that_collides_or_outgrows_its_address_is_a_form_error(
    client, admin, make_theme, name, message
):
    make_theme("Jeugd")
    response = client.post("/beheer/themas/nieuw", data={"name": name})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Theme)) == 1


def test_a_theme_keeps_its_own_name_when_edited(client, admin, make_theme):
    theme = make_theme("Jeugd")
    response = client.post(f"/beheer/themas/{theme.slug}", data={"name": "Jeugd",
                                                                 "description": "Nieuw"})  # fmt: skip
    assert response.status_code == 302


# --- numbers beyond their column ----------------------------------------------------------------


def test_numbers_beyond_what_their_column_holds_are_form_errors(client, admin, themadag, register):
    event, [wonen, _geld], [room, _b] = themadag()
    waiting = register(event, "Wachtende")
    posts = [
        ("/beheer/activiteiten/nieuw", event_form(capacity=str(10**20))),
        (f"/beheer/activiteiten/{event.id}/programma/{wonen.id}", {
            "kind": "workshop", "title": "Wonen", "starts_at": local(wonen.starts_at),
            "ends_at": local(wonen.ends_at), "room_id": str(room.id), "capacity": str(2**31)}),
        (f"/beheer/activiteiten/{event.id}/zalen/{room.id}", {"name": "A", "capacity": "2147483648"}),
        (f"/beheer/aanmeldingen/{waiting.id}/verplaatsen", {"position": "2147483648"}),
        (f"/beheer/aanmeldingen/{waiting.id}/verplaatsen", {"position": "-1"}),
    ]  # fmt: skip
    for points in ["sNaN", "NaN", "Infinity", "1e999999", "1000"]:
        posts.append((f"/beheer/activiteiten/{event.id}/accreditaties",
                      {"register": "SKJ", "accreditation_id": "1", "points": points}))  # fmt: skip
    for path, form in posts:
        assert client.post(path, data=form).status_code == 400, (path, form)
    assert db.session.scalars(sa.select(Accreditation)).all() == []


# --- JSON where a form is expected ------------------------------------------------------------------


@pytest.mark.parametrize("body", [[1, 2], "tekst", 7, None, {"title": 5, "starts_at": [1]}])
def test_a_json_body_to_a_form_route_is_refused_not_a_crash(client, admin, body):
    response = client.post("/beheer/activiteiten/nieuw", json=body)
    assert response.status_code == 400
    assert db.session.scalars(sa.select(Event)).all() == []


# --- in the visitor's language --------------------------------------------------------------------


def test_refusals_are_in_english_after_the_language_switch(client, admin, make_theme):
    make_theme("Jeugd")
    client.post("/taal", data={"taal": "en"})
    page = client.post("/beheer/activiteiten/nieuw", data=event_form(
        title="A\nB", starts_at="0001-01-01T10:00")).get_data(as_text=True)  # fmt: skip
    assert "Only one line of text, without line breaks." in page
    assert "Choose a date between 2000 and 2100." in page
    theme = client.post("/beheer/themas/nieuw", data={"name": "JEUGD"}).get_data(as_text=True)
    assert "There is already a theme with this name." in theme


# --- every field of every form cleans its input ---------------------------------------------------

# Plain WTForms fields that take text or numbers unchecked; app/forms.py has their replacements.
UNCHECKED = (StringField, TextAreaField, EmailField, IntegerField, DecimalField)


def _all_form_classes() -> list[type]:
    import app.accounts.forms
    import app.agenda.forms
    import app.programme.forms
    import app.registration.forms  # noqa: F401

    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return [c for c in found if c.__module__.startswith("app.")]


def _unbound_fields(form_class) -> list[tuple[str, UnboundField]]:
    return [(name, value) for name, value in inspect.getmembers(form_class)
            if isinstance(value, UnboundField)]  # fmt: skip


def _is_checked(unbound: UnboundField) -> bool:
    """Our fields (app/forms.py) clean and bound themselves; a radio or URL field needs the
    clean_text filter; choices from a list and passwords (only hashed) are fine as they are."""
    if unbound.field_class in UNCHECKED:
        return False
    if unbound.field_class.__name__ in ("RadioField", "URLField"):
        return clean_text in (unbound.kwargs.get("filters") or ())
    return True


def test_every_text_and_number_field_is_cleaned_and_bounded(themadag):
    from app.agenda.forms import workshop_fields
    from app.registration.forms import _question_field

    classes = _all_form_classes()
    assert [c.__name__ for c in classes if not issubclass(c, Form)] == []
    fields = [(f"{c.__name__}.{name}", u) for c in classes for name, u in _unbound_fields(c)]
    for kind in ("text", "choice", "yes_no"):
        question = SimpleNamespace(kind=kind, text="?", options=["a", "b"], required=False)
        fields.append((f"question {kind}", _question_field(question)))
    event, _workshops, _rooms = themadag()
    rondes, counts = agenda.event_rondes(event), agenda.workshop_counts(event)
    fields += workshop_fields(rondes, counts, False, "nl")
    assert len(fields) > 40
    unchecked = [name for name, unbound in fields if not _is_checked(unbound)]
    assert unchecked == []
