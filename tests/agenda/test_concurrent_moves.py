"""Two organisers drag the same block at the same moment: one move wins whole, the other is
refused with 409 and the current state — never a mix of the two. Against a real server (gunicorn
with 4 workers on PostgreSQL, a threaded gunicorn on SQLite), and the same rule through the
test client."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import sqlalchemy as sa

from app.agenda.models import AgendaChange, Session, SessionDraft
from app.agenda.working import DRAFT_VERSIONS
from app.extensions import db
from app.timezones import to_local
from bench.rush import Visitor
from tests.conftest import PASSWORD

LOCAL = "%Y-%m-%dT%H:%M"
ROUNDS = 10
META_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def local(moment) -> str:
    return to_local(moment).strftime(LOCAL)


def in_grid(state: dict, session_id: int) -> dict:
    """The session as a grid state (a 200's or a 409's) shows it, in the same terms."""
    shown = next(x for x in state["sessions"] if x["id"] == str(session_id))
    return {k: shown[k] for k in ("starts_at", "ends_at", "room_id", "version")}


def stored(session_id: int) -> dict:
    """The session as the working copy holds it now (its draft, or the session itself), in
    the JSON's terms."""
    db.session.expire_all()
    session = db.session.scalar(
        sa.select(SessionDraft).where(SessionDraft.session_id == session_id)
    ) or db.session.get(Session, session_id)
    return {
        "starts_at": local(session.starts_at),
        "ends_at": local(session.ends_at),
        "room_id": session.room_id,
        "version": session.version,
    }


class Organiser(Visitor):
    """An organiser's browser on the real server: logged in, with the page's CSRF token."""

    def log_in(self, email: str, editor: str) -> None:
        token = self.form_token("/beheer/inloggen")
        status, _ = self.request(
            "/beheer/inloggen", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert status == 302, f"login gave {status}"
        status, page = self.request(editor)
        assert status == 200, f"the editor gave {status}"
        self.csrf = META_CSRF.search(page).group(1)

    def get_json(self, path: str) -> dict:
        status, body = self.request(path)
        assert status == 200, f"GET {path} gave {status}"
        return json.loads(body)

    def post_json(self, path: str, body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(
            self.base_url + path,
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-CSRFToken": self.csrf,
            },
            method="POST",
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def two_targets(event, s, round_: int) -> tuple[dict, dict]:
    """Two moves of the Slot session that differ in start, end and room, so any mix shows."""
    start = event.starts_at + timedelta(hours=4, minutes=5 * round_)
    first = {"starts_at": local(start), "ends_at": local(start + timedelta(minutes=30)),
             "room_id": s["slot"].room_id}  # fmt: skip
    later = start + timedelta(hours=1, minutes=2)
    second = {"starts_at": local(later), "ends_at": local(later + timedelta(minutes=45)),
              "room_id": s["geld"].room_id}  # fmt: skip
    return first, second


def test_two_simultaneous_moves_of_one_session_give_one_200_one_409_and_no_mix(
    themadag, real_server
):
    event, s, owner = themadag()
    editor = f"/beheer/activiteiten/{event.id}/programma"
    slot_id = s["slot"].id
    outcomes, wrong = [], []

    with real_server("manual") as url:
        organisers = [Organiser(url), Organiser(url)]
        for organiser in organisers:
            organiser.log_in(owner.email, editor)

        for round_ in range(ROUNDS):
            grid = organisers[0].get_json(editor + ".json")
            slot = next(x for x in grid["sessions"] if x["id"] == str(slot_id))
            moves = [{**target, "version": slot["version"]}
                     for target in two_targets(event, s, round_)]  # fmt: skip
            barrier = Barrier(2)

            def drag(i: int, moves=moves, barrier=barrier, slot=slot):
                barrier.wait()
                return organisers[i].post_json(slot["move_url"], moves[i])

            with ThreadPoolExecutor(max_workers=2) as pool:
                answers = list(pool.map(drag, range(2)))

            statuses = [status for status, _ in answers]
            outcomes.append(sorted(statuses))
            if sorted(statuses) != [200, 409]:
                continue
            won, refused = answers[statuses.index(200)][1], answers[statuses.index(409)][1]
            winner = {**moves[statuses.index(200)], "version": in_grid(won, slot_id)["version"]}
            after = stored(slot_id)
            if (
                after != winner  # the winner's start, end and room, whole
                or winner["version"] <= slot["version"]
                or in_grid(refused["state"], slot_id) != after  # the loser is shown what is stored
                or not refused["error"]
            ):
                wrong.append((round_, winner, after, in_grid(refused["state"], slot_id)))

    assert outcomes == [[200, 409]] * ROUNDS
    assert wrong == []
    # A refused move leaves no trace: one version per winning move, and nothing published.
    assert stored(slot_id)["version"] == DRAFT_VERSIONS + ROUNDS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgendaChange)) == 0


def test_a_move_on_an_old_version_is_refused_with_409_and_changes_nothing(client, auth, themadag):
    event, s, owner = themadag()
    auth.login(owner.email)
    grid = client.get(f"/beheer/activiteiten/{event.id}/programma.json").get_json()
    slot = next(x for x in grid["sessions"] if x["id"] == str(s["slot"].id))
    first, second = two_targets(event, s, 0)

    moved = client.post(slot["move_url"], json={**first, "version": slot["version"]})
    assert moved.status_code == 200
    slot_id = int(slot["id"])
    before = stored(slot_id)
    assert before == {**first, "version": in_grid(moved.get_json(), slot_id)["version"]}

    late = client.post(slot["move_url"], json={**second, "version": slot["version"]})

    assert late.status_code == 409
    body = late.get_json()
    assert body["error"] and body["code"] == 409
    assert in_grid(body["state"], slot_id) == before  # what is stored, to try again from
    assert stored(slot_id) == before


def test_a_move_without_a_version_is_applied(client, auth, themadag):
    event, s, owner = themadag()
    auth.login(owner.email)
    url = f"/beheer/activiteiten/{event.id}/programma/{s['slot'].id}/verplaatsen"
    first, _second = two_targets(event, s, 0)

    moved = client.post(url, json=first)

    assert moved.status_code == 200
    after = stored(s["slot"].id)
    assert {k: after[k] for k in first} == first
    assert after == in_grid(moved.get_json(), s["slot"].id)


def test_the_plain_session_form_without_a_version_saves(client, auth, themadag):
    event, s, owner = themadag()
    auth.login(owner.email)
    _first, second = two_targets(event, s, 0)
    version = s["slot"].version

    saved = client.post(f"/beheer/activiteiten/{event.id}/programma/{s['slot'].id}", data={
        "kind": "plenary", "title": "Slot", "starts_at": second["starts_at"],
        "ends_at": second["ends_at"], "room_id": str(second["room_id"]),
    })  # fmt: skip

    assert saved.status_code == 302
    after = stored(s["slot"].id)
    assert {k: after[k] for k in second} == second and after["version"] > version


def test_a_release_is_one_write_and_one_version_per_session_and_raises_its_sequence(themadag):
    from app.agenda import releases, working

    event, s, owner = themadag()
    wonen = s["wonen"]
    seen = wonen.version
    for _press in range(3):
        item = working.item_of(event, str(wonen.id))
        working.move(event, item.key, item.starts_at + timedelta(minutes=5),
                     item.ends_at + timedelta(minutes=5), item.room_id, by=owner,
                     seen_version=item.version)  # fmt: skip
    db.session.commit()
    db.session.refresh(wonen)
    assert wonen.version == seen and wonen.ical_sequence == 0  # the release is untouched
    releases.publish(event, by=owner)
    db.session.commit()
    assert wonen.version == seen + 1 and wonen.ical_sequence == 1
