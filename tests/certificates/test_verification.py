"""The public verification page: valid, revoked, replaced or unknown; what it shows and
what it never shows; typos caught; JSON; rate-limited."""

from __future__ import annotations

from app.certificates import services
from app.certificates.numbers import new_number
from app.extensions import db


def test_a_valid_certificate_shows_whose_which_event_hours_and_points_and_nothing_more(
    evening, client
):
    day = evening()
    anna = day.people["Anna"]
    certificate = services.issue(anna.id, day.owner)
    db.session.commit()
    page = client.get(f"/certificaat/{certificate.number}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Geldig" in text
    assert "Anna de Vries" in text and day.event.title in text and "1,5" in text
    assert "Registerplein" in text and "RP-2026-118" in text
    for secret in (anna.participant.email, "461012345", "Şükrü", "Bob"):
        assert secret not in text  # no e-mail, no register number, no one else
    data = client.get(
        f"/certificaat/{certificate.number}", headers={"Accept": "application/json"}
    ).get_json()
    assert (
        data["status"] == "valid" and data["holder"] == "Anna de Vries" and data["hours"] == "1.50"
    )
    assert set(data) == {"number", "status", "revoked_on", "holder", "event", "starts_at",
                         "ends_at", "hours", "points"}  # fmt: skip


def test_revoked_and_replaced_say_so_with_the_date_and_never_the_reason(evening, client):
    day = evening()
    certificate = services.issue(day.people["Anna"].id, day.owner)
    services.revoke(certificate, day.owner, "Geheime reden")
    db.session.commit()
    text = client.get(f"/certificaat/{certificate.number}").get_data(as_text=True)
    assert "Ingetrokken" in text and "Geheime reden" not in text
    other = services.issue(day.people["Şükrü"].id, day.owner)
    db.session.commit()
    new = services.reissue(other, day.owner, "Naam gecorrigeerd")
    db.session.commit()
    old_page = client.get(f"/certificaat/{other.number}").get_data(as_text=True)
    assert "Vervangen" in old_page and "Naam gecorrigeerd" not in old_page
    assert (
        client.get(f"/certificaat/{new.number}", headers={"Accept": "application/json"}).get_json()[
            "status"
        ]
        == "valid"
    )


def test_case_and_dashes_do_not_matter_and_a_typo_is_caught_before_any_lookup(evening, client):
    day = evening()
    certificate = services.issue(day.people["Anna"].id, day.owner)
    db.session.commit()
    typed = certificate.number.replace("-", "").lower()
    response = client.get(f"/certificaat?nummer={typed}")
    assert response.status_code == 302 and response.location.endswith(
        f"/certificaat/{certificate.number}"
    )
    body = certificate.number.replace("-", "")
    typo = body[:5] + ("A" if body[5] != "A" else "B") + body[6:]
    refused = client.get(f"/certificaat?nummer={typo}")
    assert refused.status_code == 400 and "typefouten" in refused.get_data(as_text=True)


def test_a_made_up_number_answers_like_an_unknown_one(evening, client):
    evening()
    made_up = new_number()  # a well-formed number nobody was given
    unknown = client.get(f"/certificaat/{made_up}")
    garbage = client.get("/certificaat/KA-XXXX-XXXX-X")
    assert unknown.status_code == garbage.status_code == 404
    assert "Onbekend certificaatnummer" in unknown.get_data(as_text=True)
    assert client.get(
        f"/certificaat/{made_up}", headers={"Accept": "application/json"}
    ).get_json() == {"status": "unknown"}
