"""Who sees which material, and how files are served: public ones on the event page once the
event is over; attendee-only ones only through the manage link of someone who had a place —
never by the public address, never with the link of someone who waited, cancelled or went to
another event. Every file carries the headers that keep it harmless."""

from __future__ import annotations

import re

from app.extensions import db
from app.timezones import utcnow
from tests.knowledge import material_world
from tests.knowledge.material_world import DOCX, PDF, image

past_evening, add_material = material_world.past_evening, material_world.add_material  # fixtures


def test_a_public_pdf_opens_in_the_browser_with_safe_headers(client, past_evening, add_material):
    evening = past_evening()
    material = add_material(evening.event, "Slides", PDF, "slides.pdf", publish=True)
    response = client.get(f"/materialen/{material.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "filename=slides.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "frame-ancestors 'none'" in csp


def test_an_office_file_is_a_download_in_a_sandbox(client, past_evening, add_material):
    evening = past_evening()
    material = add_material(evening.event, "Hand-out", DOCX, "hand-out.docx", publish=True)
    response = client.get(f"/materialen/{material.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_an_image_is_shown_inline_in_a_sandbox_with_its_stored_type(
    client, past_evening, add_material
):
    evening = past_evening()
    # Named .pdf by its uploader; stored, named and served as the PNG it is.
    material = add_material(evening.event, "Foto", image("PNG"), "foto.pdf", publish=True)
    response = client.get(f"/materialen/{material.id}")
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert "foto.png" in response.headers["Content-Disposition"]
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_file_name_cannot_break_the_header(client, past_evening, add_material):
    evening = past_evening()
    name = 'a"b\r\nSet-Cookie: x=1;.pdf'
    material = add_material(evening.event, "Slides", PDF, name, publish=True)
    response = client.get(f"/materialen/{material.id}")
    assert "Set-Cookie" not in response.headers
    assert '"' not in response.headers["Content-Disposition"].split("filename=")[1].strip('"')


def test_attendee_only_materials_need_the_manage_link_of_someone_who_had_a_place(
    client, past_evening, add_material, make_event, register
):
    evening = past_evening()
    material = add_material(evening.event, "Alleen voor ons", PDF, "ons.pdf",
                            audience="attendees", publish=True)  # fmt: skip
    other_event = make_event(title="Een ander kenniscafé")
    stranger = register(other_event, "Eva Ander")
    from app.registration.tokens import issue_manage_token

    strangers_token = issue_manage_token(stranger)
    db.session.commit()

    attendee = client.get(f"/aanmelding/{evening.tokens['Anna de Vries']}/materialen/{material.id}")
    assert attendee.status_code == 200 and attendee.data == PDF
    assert attendee.headers["Cache-Control"] == "private, no-store"
    assert attendee.headers["Referrer-Policy"] == "no-referrer"

    for token in (evening.tokens["Dirk Dekker"], evening.tokens["Bram Bos"], strangers_token,
                  "geraden-token", "x" * 300):  # fmt: skip
        assert client.get(f"/aanmelding/{token}/materialen/{material.id}").status_code == 404
    # Nor by guessing the public address: the same 404 as a file that does not exist.
    assert client.get(f"/materialen/{material.id}").status_code == 404
    assert client.get(f"/materialen/{material.id + 1000}").status_code == 404


def test_the_waiting_and_the_cancelled_still_get_the_public_ones(
    client, past_evening, add_material
):
    evening = past_evening()
    public = add_material(evening.event, "Slides", publish=True)
    for name in ("Dirk Dekker", "Bram Bos"):
        response = client.get(f"/aanmelding/{evening.tokens[name]}/materialen/{public.id}")
        assert response.status_code == 200


def test_nothing_shows_before_it_is_published_or_before_the_event_is_over(
    client, past_evening, add_material, make_event, register
):
    evening = past_evening()
    draft = add_material(evening.event, "Nog niet gepubliceerd")
    assert client.get(f"/materialen/{draft.id}").status_code == 404
    token = evening.tokens["Anna de Vries"]
    assert client.get(f"/aanmelding/{token}/materialen/{draft.id}").status_code == 404

    upcoming = make_event(title="Nog niet geweest")
    early = add_material(upcoming, "Te vroeg", publish=True)  # published by hand, too early
    assert client.get(f"/materialen/{early.id}").status_code == 404
    page = client.get(f"/activiteiten/{upcoming.slug}").get_data(as_text=True)
    assert 'id="materialen"' not in page and "Te vroeg" not in page


def test_the_event_page_lists_materials_once_the_event_is_over(client, past_evening, add_material):
    evening = past_evening()
    public = add_material(evening.event, "Slides van de avond", publish=True)
    secret = add_material(evening.event, "Deelnemerslijst met tips", audience="attendees",
                          publish=True)  # fmt: skip
    link = add_material(evening.event, "Video", url="https://example.org/video", publish=True)
    add_material(evening.event, "Nog in de maak")
    page = client.get(f"/activiteiten/{evening.event.slug}").get_data(as_text=True)
    assert 'id="materialen"' in page
    assert f'href="/materialen/{public.id}"' in page and "Slides van de avond" in page
    assert 'href="https://example.org/video" rel="noopener nofollow"' in page
    # Listed, said to be for attendees, and without any link to it.
    assert "Deelnemerslijst met tips" in page and "alleen voor deelnemers" in page
    assert f"/materialen/{secret.id}" not in page
    assert "Nog in de maak" not in page
    assert link.id


def test_an_event_without_materials_says_so_once_over(client, past_evening):
    evening = past_evening()
    page = client.get(f"/activiteiten/{evening.event.slug}").get_data(as_text=True)
    assert "Er zijn (nog) geen materialen van deze activiteit gedeeld." in page


def test_the_manage_page_links_an_attendee_to_every_material(client, past_evening, add_material):
    evening = past_evening()
    public = add_material(evening.event, "Slides", publish=True)
    secret = add_material(evening.event, "Voor deelnemers", audience="attendees", publish=True)
    token = evening.tokens["Anna de Vries"]
    page = client.get(f"/aanmelding/{token}").get_data(as_text=True)
    assert f"/aanmelding/{token}/materialen/{secret.id}" in page
    assert f"/aanmelding/{token}/materialen/{public.id}" in page

    waiting = evening.tokens["Dirk Dekker"]
    page = client.get(f"/aanmelding/{waiting}").get_data(as_text=True)
    assert "Voor deelnemers" not in page and f"/materialen/{secret.id}" not in page
    assert f"/aanmelding/{waiting}/materialen/{public.id}" in page


def test_a_theme_shelf_item_is_public_at_once(client, make_theme, add_material):
    theme = make_theme("Intergenerationele overdracht")
    material = add_material(theme, "Gesprekskaarten", kind="practice")
    assert material.published_at <= utcnow() and material.audience == "public"
    assert client.get(f"/materialen/{material.id}").status_code == 200
    assert re.search("Gesprekskaarten", client.get(f"/themas/{theme.slug}").get_data(as_text=True))
