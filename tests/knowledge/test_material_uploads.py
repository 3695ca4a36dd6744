"""Uploads are checked by their content, not their name: a disguised program, an oversize file
and a type that is not allowed are refused with a clear message (Dutch and English) and a 4xx,
never a 500; what is taken is stored with the type found and served as such."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.knowledge.models import Material
from app.knowledge.uploads import UploadRefused, check_upload
from tests.conftest import row_count
from tests.knowledge.material_world import (
    DOCM,
    DOCX,
    EXE,
    PDF,
    PPTX,
    image,
    plain_zip,
    xlsx,
)


@pytest.fixture
def organiser(make_user, auth):
    user = make_user("organiser")
    auth.login(user.email)
    return user


def upload(client, event, data: bytes, name: str, **fields):
    form = {"kind": "slides", "title": "Presentatie", "audience": "public",
            "file": (io.BytesIO(data), name), **fields}  # fmt: skip
    return client.post(f"/beheer/activiteiten/{event.id}/materialen", data=form,
                       content_type="multipart/form-data")  # fmt: skip


@pytest.mark.parametrize(
    "data, name, stored_as, content_type",
    [
        (PDF, "slides.pdf", "slides.pdf", "application/pdf"),
        (image("PNG"), "foto.png", "foto.png", "image/png"),
        (image("JPEG"), "foto.jpeg", "foto.jpg", "image/jpeg"),
        (image("GIF"), "foto.gif", "foto.gif", "image/gif"),
        (image("WEBP"), "foto.webp", "foto.webp", "image/webp"),
        (DOCX, "handout.docx", "handout.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (xlsx(), "cijfers.xlsx", "cijfers.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (PPTX, "dia's.pptx", "dia's.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        # The content decides, and the name follows it.
        (PDF, "verslag.docx", "verslag.pdf", "application/pdf"),
        (PDF, "../../etc/verslag", "verslag.pdf", "application/pdf"),
    ],
)  # fmt: skip
def test_an_allowed_file_is_kept_with_the_type_found_in_its_content(
    client, organiser, make_event, data, name, stored_as, content_type
):
    event = make_event(owner=organiser)
    response = upload(client, event, data, name)
    assert response.status_code == 302, response.get_data(as_text=True).split("<main")[-1][:3000]
    material = db.session.scalar(sa.select(Material))
    assert (material.file_name, material.content_type, material.size) == (
        stored_as, content_type, len(data))  # fmt: skip
    assert material.data == data and not material.is_published


def test_a_program_named_pdf_is_refused_with_a_clear_message(client, organiser, make_event):
    event = make_event(owner=organiser)
    response = upload(client, event, EXE, "slides.pdf")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Dit bestand heet slides.pdf, maar de inhoud is geen PDF." in page
    assert "op hun inhoud gecontroleerd, niet op hun naam" in page
    assert row_count(Material) == 0


def test_the_refusal_is_in_english_on_an_english_page(client, organiser, make_event):
    event = make_event(owner=organiser)
    with client.session_transaction() as session:
        session["language"] = "en"
    response = upload(client, event, EXE, "slides.pdf")
    assert response.status_code == 400
    assert "This file is called slides.pdf, but its content is not a PDF." in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "data, name",
    [
        (EXE, "setup.exe"),
        (b"Gewoon wat tekst.\n", "notities.txt"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg"),
        (b"<html><script>alert(1)</script></html>", "pagina.html"),
        (plain_zip(), "map.zip"),
    ],
)
def test_a_type_that_is_not_allowed_is_refused_with_a_clear_message(
    client, organiser, make_event, data, name
):
    event = make_event(owner=organiser)
    response = upload(client, event, data, name)
    assert response.status_code == 400
    assert "Dit soort bestand kan niet. Wel: PDF, PowerPoint (.pptx), Word (.docx)" in (
        response.get_data(as_text=True)
    )
    assert row_count(Material) == 0


@pytest.mark.parametrize(
    "data, name, said",
    [
        (DOCM, "handout.docx", "geen Word (.docx)"),  # macros: another main content type
        (plain_zip(), "cijfers.xlsx", "geen Excel (.xlsx)"),  # a zip, but not a workbook
    ],
)
def test_office_files_are_checked_for_the_parts_of_their_type(data, name, said, app):
    with pytest.raises(UploadRefused) as refused:
        check_upload(name, data)
    assert said in str(refused.value.description)


def test_an_office_file_is_kept_as_the_type_its_parts_say(app):
    assert check_upload("slides.pptx", DOCX).name == "slides.docx"
    assert check_upload("slides.docx", PPTX).name == "slides.pptx"


def test_an_empty_file_is_refused(client, organiser, make_event):
    event = make_event(owner=organiser)
    response = upload(client, event, b"", "leeg.pdf")
    assert response.status_code == 400
    assert "Dit bestand is leeg." in response.get_data(as_text=True)


def test_an_oversize_file_is_refused_with_a_clear_message(client, organiser, make_event, app):
    app.config["MATERIALS_MAX_BYTES"] = 2000
    event = make_event(owner=organiser)
    response = upload(client, event, PDF + b"%" * 2000, "groot.pdf")
    assert response.status_code == 400
    assert "Dit bestand is te groot. Het mag hoogstens 2 kB zijn." in response.get_data(
        as_text=True
    )
    assert row_count(Material) == 0
    assert upload(client, event, PDF + b"%" * 1000, "klein.pdf").status_code == 302


def test_a_request_body_beyond_any_upload_is_a_413_page_not_a_500(
    client, organiser, make_event, app
):
    app.config["MATERIALS_MAX_BYTES"] = 2000
    event = make_event(owner=organiser)
    response = upload(client, event, PDF + b"%" * (2 * 1024 * 1024), "enorm.pdf")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Te groot om te versturen" in page
    assert "Een bestand mag hoogstens 2 kB zijn: ga terug en kies een kleiner bestand." in page
    assert row_count(Material) == 0


def test_a_file_or_a_link_one_of_both(client, organiser, make_event):
    event = make_event(owner=organiser)
    neither = client.post(f"/beheer/activiteiten/{event.id}/materialen",
                          data={"kind": "slides", "title": "Niets", "audience": "public"})  # fmt: skip
    both = upload(client, event, PDF, "a.pdf", url="https://example.org/slides")
    for response in (neither, both):
        assert response.status_code == 400
        assert "Kies een bestand óf vul een link in" in response.get_data(as_text=True)
    assert row_count(Material) == 0


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "geen link"])
def test_a_link_must_be_a_web_address(client, organiser, make_event, url):
    event = make_event(owner=organiser)
    response = client.post(f"/beheer/activiteiten/{event.id}/materialen", data={
        "kind": "link", "title": "Site", "audience": "public", "url": url})  # fmt: skip
    assert response.status_code == 400
    assert row_count(Material) == 0


def test_files_go_to_the_configured_folder_and_are_removed_with_their_material(
    client, organiser, make_event, app, tmp_path
):
    app.config["MATERIALS_FOLDER"] = str(tmp_path / "materialen")
    event = make_event(owner=organiser)
    assert upload(client, event, PDF, "slides.pdf").status_code == 302
    material = db.session.scalar(sa.select(Material))
    [stored] = list((tmp_path / "materialen").iterdir())
    assert stored.name == material.storage_key and stored.read_bytes() == PDF
    assert material.data is None
    served = client.get(f"/beheer/materialen/{material.id}/bestand")
    assert served.status_code == 200 and served.data == PDF
    assert client.post(f"/beheer/materialen/{material.id}/verwijderen").status_code == 302
    assert list((tmp_path / "materialen").iterdir()) == []
    assert row_count(Material) == 0
