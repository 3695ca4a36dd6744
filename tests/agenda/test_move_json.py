"""The timetable's JSON endpoint takes only an object of the expected shape: anything else is a
400 with a message, never a 500."""

import json

import pytest

from tests.test_input_boundary import admin, local, themadag  # noqa: F401  (fixtures)

BODIES = [
    "[" * 5000 + "]" * 5000,  # nested 5,000 deep
    '{"a":' * 50000,
    "[1, 2]",
    '"tekst"',
    "7",
    "null",
    "{}",
    '{"starts_at": [1], "ends_at": {"x": 1}}',
]


@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_a_move_body_that_is_not_the_expected_object_is_a_400(client, admin, themadag, body):  # noqa: F811
    event, workshops, _rooms = themadag()
    response = client.post(f"/beheer/activiteiten/{event.id}/programma/{workshops[0].id}/verplaatsen",
                           data=body, content_type="application/json")  # fmt: skip
    assert response.status_code == 400


@pytest.mark.parametrize("room_id", [2**31, 2**63, -1, 0, "abc", True, [1], 1.5])
@pytest.mark.parametrize("field", ["room_id", "version"])
def test_ids_and_versions_out_of_range_in_a_move_are_a_400(client, admin, themadag, room_id, field):  # noqa: F811
    event, workshops, _rooms = themadag()
    session = workshops[0]
    body = {
        "starts_at": local(session.starts_at),
        "ends_at": local(session.ends_at),
        field: room_id,
    }
    response = client.post(f"/beheer/activiteiten/{event.id}/programma/{session.id}/verplaatsen",
                           data=json.dumps(body), content_type="application/json")  # fmt: skip
    assert response.status_code == 400, response.get_data(as_text=True)
