"""No personal data in any answer of the API: not a speaker's e-mail address, not who
registered, not the organisers or a theme's contact, not an online meeting link."""

from __future__ import annotations

from tests.api.conftest import (
    ORGANISER_EMAIL,
    PARTICIPANT_EMAILS,
    SPEAKER_EMAIL,
    THEME_CONTACT_EMAIL,
)

PERSONAL = [SPEAKER_EMAIL, *PARTICIPANT_EMAILS, THEME_CONTACT_EMAIL, ORGANISER_EMAIL,
            "organisator@werkplaats.example", "Anna Jansen", "Bert Smits", "Wijkteam Oost",
            "Sanne Visser", "Lotte de Vries", "meet.example"]  # fmt: skip


def every_answer(client, world) -> dict[str, str]:
    slugs = [world.cafe.slug, world.day.slug, world.cancelled.slug, world.past.slug]
    paths = ["/api/v1/events", "/api/v1/events?from=2000-01-01&per_page=100",
             "/api/v1/themes", "/api/v1/openapi.json", "/api/v1/openapi.json?lang=en",
             *(f"/api/v1/events/{slug}" for slug in slugs)]  # fmt: skip
    answers = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        answers[path] = response.get_data(as_text=True) + str(response.headers)
    return answers


def test_no_answer_holds_an_email_address_or_a_registrant(client, programme_world):
    for path, text in every_answer(client, programme_world).items():
        for secret in PERSONAL:
            assert secret not in text, (path, secret)
        assert "@" not in text, path


def test_the_speaker_is_there_by_name_and_organisation_only(client, programme_world):
    event = client.get(f"/api/v1/events/{programme_world.day.slug}").json
    speakers = [speaker for session in event["sessions"] for speaker in session["speakers"]]
    assert speakers and all(set(speaker) == {"name", "organisation"} for speaker in speakers)
