"""Door signs, checked the way the person taping them up would: one page per room, the room's
own sessions in time order, nothing cancelled, nothing off the page, readable from afar.

The rendered page is kept in /tmp/kennisagenda-artefacts/door-sign.png for a look.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from app.agenda import services as agenda
from app.agenda import speakers
from app.extensions import db

ARTEFACTS = Path("/tmp/kennisagenda-artefacts")
WORD = r'xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)</word>'
LONG_TITLE = "Signaleren en doorverwijzen bij huiselijk geweld in de wijk"  # 60 characters

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("qpdf", "pdftotext", "pdfinfo", "pdftoppm")),
    reason="needs qpdf and poppler-utils",
)


@pytest.fixture
def day(themadag):
    """The themadag, with an opening before Wonen in Zaal 1.12, lunch in the Aula, coffee in
    no room, and a cancelled session in the Aula."""
    event, s, owner = themadag()
    start = event.starts_at

    def add(title, room, hours, kind="plenary", people=()):
        details = {"kind": kind, "title": title, "room_id": room,
                   "starts_at": start + timedelta(hours=hours),
                   "ends_at": start + timedelta(hours=hours + 0.5)}  # fmt: skip
        return agenda.add_session(event, details, list(people))

    small, aula = s["wonen"].room_id, s["slot"].room_id
    add("Opening", small, 0, people=[speakers.save_speaker({"name": "Ilse de Wit"})])
    add("Lunch", aula, 2, kind="break")
    add("Koffie", None, 2.5, kind="break")
    agenda.cancel_session(add("Geschrapt", aula, 5))
    db.session.commit()
    return event, s, owner


def pdf_of(client, auth, event, owner, query="", name="door-signs") -> Path:
    auth.login(owner.email)
    response = client.get(f"/beheer/activiteiten/{event.id}/zalen/deurbordjes.pdf{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    ARTEFACTS.mkdir(exist_ok=True)
    path = ARTEFACTS / f"{name}.pdf"
    path.write_bytes(response.data)
    subprocess.run(["qpdf", "--check", str(path)], check=True, capture_output=True)
    return path


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_text(path: Path, page: int) -> str:
    return run("pdftotext", "-f", str(page), "-l", str(page), str(path), "-")


def pages(path: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path))).group(1))


def test_door_signs_show_each_rooms_own_sessions_in_time_order(client, auth, day):
    event, _s, owner = day
    path = pdf_of(client, auth, event, owner)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", run("pdfinfo", str(path)))
    assert (round(float(size[1]), 2), round(float(size[2]), 2)) == (841.89, 595.28)  # A4 landscape
    expected = {  # rooms in the order of the rooms page
        "Zaal 1.12": ["Opening", "Wonen"],
        "Zaal 1.14": ["Geld"],
        "Aula": ["Lunch", "Slot"],
    }
    assert pages(path) == 3
    everything = {title for titles in expected.values() for title in titles}
    for number, (room, titles) in enumerate(expected.items(), start=1):
        text = page_text(path, number)
        assert room in text and event.title in text
        found = [text.index(title) for title in titles]
        assert found == sorted(found), (room, text)
        assert not {t for t in everything - set(titles) if re.search(rf"\b{t}\b", text)}
        assert "Geschrapt" not in text and "Koffie" not in text
    assert "Ilse de Wit" in page_text(path, 1)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(ARTEFACTS / "door-sign")], check=True)  # fmt: skip
    assert (ARTEFACTS / "door-sign.png").stat().st_size > 0


def test_a_full_room_with_a_long_title_stays_on_the_page(client, auth, day):
    event, s, owner = day
    full = agenda.add_room(event, {"name": "Zaal met een heel lang programma", "capacity": 30})
    for n in range(12):
        title = LONG_TITLE if n == 5 else f"Sessie {n + 1:02d}"
        agenda.add_session(event, {"kind": "plenary", "title": title, "room_id": full.id,
                                   "starts_at": event.starts_at + timedelta(minutes=30 * n),
                                   "ends_at": event.starts_at + timedelta(minutes=30 * n + 30)})  # fmt: skip
    db.session.commit()
    path = pdf_of(client, auth, event, owner, f"?zaal={full.id}", "door-signs-full")
    assert 1 <= pages(path) <= 2
    text = " ".join(page_text(path, n) for n in range(1, pages(path) + 1))
    assert LONG_TITLE in " ".join(text.split())  # wrapped or shrunk, never cut short
    found = [text.index(f"Sessie {n:02d}") for n in range(1, 13) if n != 6]
    assert found == sorted(found)
    bbox = run("pdftotext", "-bbox", str(path), "-")
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S):
        width, height = float(page[1]), float(page[2])
        words = re.findall(WORD, page[3])
        assert "Zaal met een heel lang programma" in " ".join(word for *_box, word in words)
        for *box, word in words:
            x0, y0, x1, y1 = map(float, box)
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, (word, box)


def test_one_room_gives_one_page_and_a_strange_room_404(client, auth, day, themadag):
    event, s, owner = day
    path = pdf_of(client, auth, event, owner, f"?zaal={s['geld'].room_id}", "door-sign-one")
    assert pages(path) == 1
    assert "Geld" in page_text(path, 1) and "Wonen" not in page_text(path, 1)
    empty = agenda.add_room(event, {"name": "Stilteruimte", "capacity": 4})
    db.session.commit()
    path = pdf_of(client, auth, event, owner, f"?zaal={empty.id}", "door-sign-empty")
    assert "Geen programma in deze zaal." in page_text(path, 1)
    other, other_sessions, _owner = themadag()
    url = f"/beheer/activiteiten/{event.id}/zalen/deurbordjes.pdf?zaal="
    for nonsense in ("abc", "0", "-1", "99999999999999999999", str(other_sessions["geld"].room_id)):
        assert client.get(url + nonsense).status_code == 404, nonsense


def test_another_organiser_gets_no_door_signs(client, auth, day, make_user):
    event, _s, _owner = day
    auth.login(make_user("organiser").email)
    assert client.get(f"/beheer/activiteiten/{event.id}/zalen/deurbordjes.pdf").status_code == 403


def test_the_rooms_page_links_to_the_door_signs(client, auth, day):
    event, _s, owner = day
    auth.login(owner.email)
    page = client.get(f"/beheer/activiteiten/{event.id}/zalen").get_data(as_text=True)
    assert f"/beheer/activiteiten/{event.id}/zalen/deurbordjes.pdf" in page
    assert "Deurbordjes (PDF)" in page
